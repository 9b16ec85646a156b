"""AWS::SageMaker::Model, recorded in CloudFormation shape; its Config id is its name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources import sagemaker
from smguard.resources.base import BOOLEAN, SAMPLE_ACCOUNT, SAMPLE_GROUP_ID, SAMPLE_REGION, SAMPLE_ROLE_ARN, SAMPLE_SUBNET_ID, SUBNET_ID

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

PROPERTIES = sagemaker.same_names(
    "ModelName",
    "ExecutionRoleArn",
    "PrimaryContainer",
    "Containers",
    "InferenceExecutionConfig",
    "VpcConfig",
    "EnableNetworkIsolation",
)
"""DescribeModel and AWS::SageMaker::Model use the same names."""

PRIVATE_REGISTRY = "registry.ds.internal:5000"
"""The demo organization's private Docker registry, reached through its VPC."""

class Model(sagemaker.SageMakerType):
    name = "AWS::SageMaker::Model"
    sample_id = "scoring"
    queryable = True  # config/properties/resource-types in awslabs/aws-config-resource-schema
    sample = {
        "ModelName": "scoring",
        "ExecutionRoleArn": SAMPLE_ROLE_ARN,
        "EnableNetworkIsolation": True,
        "VpcConfig": {"Subnets": [SAMPLE_SUBNET_ID], "SecurityGroupIds": [SAMPLE_GROUP_ID]},
        "PrimaryContainer": {"Image": f"{SAMPLE_ACCOUNT}.dkr.ecr.{SAMPLE_REGION}.amazonaws.com/scoring:1", "Mode": "SingleModel"},
    }
    describe_properties = PROPERTIES
    identifier = "ModelName"
    arn_field = "ModelArn"
    listing = ("list_models", "Models")
    describe_operation = "describe_model"
    template_typed_properties = ((("EnableNetworkIsolation",), BOOLEAN), (("VpcConfig", "Subnets", "*"), SUBNET_ID))

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Compliant: the image ``<name>:3`` of the organization's private registry, pulled through
        the VPC (ImageConfig Vpc), in the base's private subnets and group, network isolation on.
        Not: the image of the account's Amazon ECR, no VPC, no isolation."""
        request: dict[str, Any] = {"ModelName": name, "ExecutionRoleArn": base.role_arn}
        if compliant:
            image = {"Image": f"{PRIVATE_REGISTRY}/{name}:3", "ImageConfig": {"RepositoryAccessMode": "Vpc"}}
            request["VpcConfig"] = {"Subnets": base.subnets, "SecurityGroupIds": [base.security_group]}
            request["EnableNetworkIsolation"] = True
        else:
            image = {"Image": f"{base.account_id}.dkr.ecr.{base.region}.amazonaws.com/{name}:3"}
        request["PrimaryContainer"] = image
        session.client("sagemaker").create_model(**(request | changes))
        return name


TYPE = Model()
