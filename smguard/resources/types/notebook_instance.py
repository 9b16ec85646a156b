"""AWS::SageMaker::NotebookInstance, recorded in CloudFormation shape; its Config id is its name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources import sagemaker
from smguard.resources.base import INTEGER, SAMPLE_GROUP_ID, SAMPLE_KEY_ARN, SAMPLE_ROLE_ARN, SAMPLE_SUBNET_ID, SUBNET_ID

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

PROPERTIES = {
    "NotebookInstanceName": "NotebookInstanceName",
    "InstanceType": "InstanceType",
    "RoleArn": "RoleArn",
    "KmsKeyId": "KmsKeyId",
    "SubnetId": "SubnetId",
    "SecurityGroups": "SecurityGroupIds",
    "NotebookInstanceLifecycleConfigName": "LifecycleConfigName",
    "DirectInternetAccess": "DirectInternetAccess",
    "RootAccess": "RootAccess",
    "VolumeSizeInGB": "VolumeSizeInGB",
    "AcceleratorTypes": "AcceleratorTypes",
    "DefaultCodeRepository": "DefaultCodeRepository",
    "AdditionalCodeRepositories": "AdditionalCodeRepositories",
    "PlatformIdentifier": "PlatformIdentifier",
    "InstanceMetadataServiceConfiguration": "InstanceMetadataServiceConfiguration",
}
"""DescribeNotebookInstance field -> AWS::SageMaker::NotebookInstance property."""

class NotebookInstance(sagemaker.SageMakerType):
    name = "AWS::SageMaker::NotebookInstance"
    sample_id = "risk-model-dev"
    queryable = True  # config/properties/resource-types in awslabs/aws-config-resource-schema
    sample = {
        "NotebookInstanceName": "risk-model-dev",
        "InstanceType": "ml.t3.medium",
        "RoleArn": SAMPLE_ROLE_ARN,
        "KmsKeyId": SAMPLE_KEY_ARN,
        "DirectInternetAccess": "Disabled",
        "RootAccess": "Disabled",
        "SubnetId": SAMPLE_SUBNET_ID,
        "SecurityGroupIds": [SAMPLE_GROUP_ID],
        "LifecycleConfigName": "approved-setup",
        "VolumeSizeInGB": 20,
        "PlatformIdentifier": "notebook-al2-v2",
    }
    describe_properties = PROPERTIES
    identifier = "NotebookInstanceName"
    not_recorded_properties = ("PlatformIdentifier", "InstanceMetadataServiceConfiguration")
    arn_field = "NotebookInstanceArn"
    listing = ("list_notebook_instances", "NotebookInstances")
    describe_operation = "describe_notebook_instance"
    template_typed_properties = ((("VolumeSizeInGB",), INTEGER), (("SubnetId",), SUBNET_ID))

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Compliant: in the base's private subnet and group, its key, no internet, no root, on the
        supported Amazon Linux 2023 platform with IMDSv2 required. Not: what a quick start leaves
        (direct internet, no VPC, no key, IMDSv1 allowed) with root access, on an old platform."""
        request: dict[str, Any] = {"NotebookInstanceName": name, "InstanceType": "ml.t3.medium", "RoleArn": base.role_arn}
        if compliant:
            request |= {
                "SubnetId": base.subnets[0],
                "SecurityGroupIds": [base.security_group],
                "KmsKeyId": base.key_arn,
                "DirectInternetAccess": "Disabled",
                "RootAccess": "Disabled",
                "PlatformIdentifier": "notebook-al2023-v1",
                "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
            }
        else:
            request |= {"RootAccess": "Enabled", "PlatformIdentifier": "notebook-al2-v2"}
        session.client("sagemaker").create_notebook_instance(**(request | changes))
        return name


TYPE = NotebookInstance()
