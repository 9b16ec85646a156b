"""AWS::SageMaker::Domain (SageMaker Studio), recorded in CloudFormation shape; its Config id is
the domain id (``d-...``), not its name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources import sagemaker
from smguard.resources.base import SAMPLE_GROUP_ID, SAMPLE_KEY_ARN, SAMPLE_ROLE_ARN, SAMPLE_SUBNET_ID, SAMPLE_VPC_ID, SUBNET_ID

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

PROPERTIES = sagemaker.same_names(
    "DomainId",
    "DomainArn",
    "DomainName",
    "AuthMode",
    "AppNetworkAccessType",
    "AppSecurityGroupManagement",
    "VpcId",
    "SubnetIds",
    "KmsKeyId",
    "DefaultUserSettings",
    "DefaultSpaceSettings",
    "DomainSettings",
    "HomeEfsFileSystemId",
    "SecurityGroupIdForDomainBoundary",
    "SingleSignOnManagedApplicationInstanceId",
    "Url",
)
"""DescribeDomain and AWS::SageMaker::Domain use the same names (attributes included)."""


class Domain(sagemaker.SageMakerType):
    name = "AWS::SageMaker::Domain"
    sample_id = "d-abcdefghijkl"
    queryable = True  # config/properties/resource-types in awslabs/aws-config-resource-schema
    sample = {
        "DomainId": "d-abcdefghijkl",
        "DomainName": "analytics",
        "AuthMode": "IAM",
        "AppNetworkAccessType": "VpcOnly",
        "VpcId": SAMPLE_VPC_ID,
        "SubnetIds": [SAMPLE_SUBNET_ID, "subnet-1a1b2c3d4e5f60718"],
        "KmsKeyId": SAMPLE_KEY_ARN,
        "DefaultUserSettings": {
            "ExecutionRole": SAMPLE_ROLE_ARN,
            "SecurityGroups": [SAMPLE_GROUP_ID],
            "SharingSettings": {
                "NotebookOutputOption": "Allowed",
                "S3OutputPath": "s3://studio-sharing/notebooks",
                "S3KmsKeyId": SAMPLE_KEY_ARN,
            },
        },
    }
    describe_properties = PROPERTIES
    identifier = "DomainId"
    arn_field = "DomainArn"
    listing = ("list_domains", "Domains")
    describe_operation = "describe_domain"
    template_typed_properties = ((("SubnetIds", "*"), SUBNET_ID),)

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """IAM authentication, storage encrypted with the base's key; compliant: VPC only, in the
        base's private subnets, apps in its group. Not: public internet access for every app."""
        request: dict[str, Any] = {
            "DomainName": name,
            "AuthMode": "IAM",
            "AppNetworkAccessType": "VpcOnly" if compliant else "PublicInternetOnly",
            "VpcId": base.vpc_id,
            "SubnetIds": base.subnets,
            "KmsKeyId": base.key_arn,
            "DefaultUserSettings": {"ExecutionRole": base.role_arn, **({"SecurityGroups": [base.security_group]} if compliant else {})},
        }
        response = session.client("sagemaker").create_domain(**(request | changes))
        return str(response["DomainArn"]).rsplit("/", 1)[-1]


TYPE = Domain()
