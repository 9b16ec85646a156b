"""AWS::SageMaker::Model, recorded in CloudFormation shape; its Config id is its name."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from smguard.resources import sagemaker
from smguard.resources.base import BOOLEAN, CloudFormationShaped, Described, SAMPLE_ACCOUNT, SAMPLE_GROUP_ID, SAMPLE_REGION, SAMPLE_ROLE_ARN, SAMPLE_SUBNET_ID, SUBNET_ID

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase
    from smguard.sweep.collected import ProgressTracker

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

class Model(CloudFormationShaped):
    name = "AWS::SageMaker::Model"
    sample_id = "scoring"
    sample = {
        "ModelName": "scoring",
        "ExecutionRoleArn": SAMPLE_ROLE_ARN,
        "EnableNetworkIsolation": True,
        "VpcConfig": {"Subnets": [SAMPLE_SUBNET_ID], "SecurityGroupIds": [SAMPLE_GROUP_ID]},
        "PrimaryContainer": {"Image": f"{SAMPLE_ACCOUNT}.dkr.ecr.{SAMPLE_REGION}.amazonaws.com/scoring:1", "Mode": "SingleModel"},
    }
    template_typed_properties = ((("EnableNetworkIsolation",), BOOLEAN), (("VpcConfig", "Subnets", "*"), SUBNET_ID))

    def recorded(self, response: Mapping[str, Any]) -> Described:
        """A DescribeModel response as the recorded item."""
        return sagemaker.described(self.name, response, PROPERTIES, "ModelName", "ModelArn")

    def describe(self, clients: Any, pool: Executor, progress: ProgressTracker) -> list[Described]:
        return sagemaker.describe_all(
            clients,
            pool,
            progress,
            ("list_models", "Models", "ModelName"),
            lambda api, name: api.describe_model(ModelName=name),
            self.recorded,
        )

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """The image ``<name>:3`` of the account's registry; compliant: in the base's private
        subnets and group, network isolation on. Not: neither."""
        image = f"{base.account_id}.dkr.ecr.{base.region}.amazonaws.com/{name}:3"
        request: dict[str, Any] = {"ModelName": name, "ExecutionRoleArn": base.role_arn, "PrimaryContainer": {"Image": image}}
        if compliant:
            request["VpcConfig"] = {"Subnets": base.subnets, "SecurityGroupIds": [base.security_group]}
            request["EnableNetworkIsolation"] = True
        session.client("sagemaker").create_model(**(request | changes))
        return name


TYPE = Model()
