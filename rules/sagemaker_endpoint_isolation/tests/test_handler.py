"""The real Lambda handler with AWS Config events, AWS in moto (with the embedded AWS's endpoint
configuration fields, smguard/embedded/sagemaker_endpoint_configs.py)."""

from __future__ import annotations

import boto3
import pytest

from smguard import embedded
from smguard.engine import InvalidRuleParameterError
from smguard.resources.types import endpoint_config
from smguard.rules.sagemaker_endpoint_isolation.app import lambda_handler
from tests.support.events import change_event, configuration_item

ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-endpoint"
CONTAINER = {"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"}

embedded.install()


def network() -> tuple[str, str]:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="endpoints", Description="endpoints", VpcId=vpc)["GroupId"]
    return subnet, group


def recorded_endpoint_config(name: str, variant: dict, **create: object) -> dict:
    """Create the configuration in the embedded AWS and return its item as AWS Config records it."""
    sagemaker = boto3.client("sagemaker")
    sagemaker.create_endpoint_config(
        EndpointConfigName=name, ProductionVariants=[{"VariantName": "primary", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1, **variant}], **create
    )
    resource, _ = endpoint_config.TYPE.recorded(sagemaker.describe_endpoint_config(EndpointConfigName=name))
    return configuration_item(ENDPOINT_CONFIG, name, dict(resource.configuration))


def test_change_of_isolated_inference_components_in_a_vpc_is_compliant(posted):
    subnet, group = network()
    item = recorded_endpoint_config(
        "genai-components", {}, ExecutionRoleArn=ROLE, EnableNetworkIsolation=True, VpcConfig={"Subnets": [subnet], "SecurityGroupIds": [group]}
    )

    lambda_handler(change_event(item, parameters={"SubnetIds": subnet, "SecurityGroupIds": group}), None)

    assert posted.results() == [
        (
            ENDPOINT_CONFIG,
            "genai-components",
            "COMPLIANT",
            f"Inference components (primary) are network-isolated in subnets {subnet} with security groups {group} "
            "(approved); no variant enables SSM access.",
        )
    ]


def test_change_of_inference_components_with_defaults_and_an_ssm_shell_is_non_compliant(posted):
    item = recorded_endpoint_config("genai-sandbox", {"EnableSSMAccess": True}, ExecutionRoleArn=ROLE)

    lambda_handler(change_event(item), None)

    assert posted.results() == [
        (
            ENDPOINT_CONFIG,
            "genai-sandbox",
            "NON_COMPLIANT",
            "EnableNetworkIsolation is absent (defaults to false); VpcConfig is absent; EnableSSMAccess is true on "
            "primary. Endpoint configurations are immutable: recreate it (CreateEndpointConfig, UpdateEndpoint).",
        )
    ]


def test_change_of_a_configuration_serving_a_model_is_not_applicable(posted):
    boto3.client("sagemaker").create_model(ModelName="scoring", ExecutionRoleArn=ROLE, PrimaryContainer=CONTAINER)
    item = recorded_endpoint_config("scoring-v3", {"ModelName": "scoring"})

    lambda_handler(change_event(item), None)

    assert posted.results() == [
        (
            ENDPOINT_CONFIG,
            "scoring-v3",
            "NOT_APPLICABLE",
            "Every variant serves a model (scoring), whose isolation sagemaker_model_isolation judges; no variant "
            "enables SSM access.",
        )
    ]


def test_change_of_a_configuration_serving_a_model_with_ssm_access_is_allowed_by_the_parameter(posted):
    boto3.client("sagemaker").create_model(ModelName="scoring", ExecutionRoleArn=ROLE, PrimaryContainer=CONTAINER)
    item = recorded_endpoint_config("scoring-debug", {"ModelName": "scoring", "EnableSSMAccess": True})

    lambda_handler(change_event(item, parameters={"AllowSsmAccess": "true"}), None)

    assert posted.results() == [
        (
            ENDPOINT_CONFIG,
            "scoring-debug",
            "NOT_APPLICABLE",
            "Every variant serves a model (scoring), whose isolation sagemaker_model_isolation judges; SSM access on "
            "primary is allowed (AllowSsmAccess).",
        )
    ]


def test_an_invalid_parameter_fails_the_invocation(aws):
    item = configuration_item(ENDPOINT_CONFIG, "x", {"EndpointConfigName": "x"})
    with pytest.raises(InvalidRuleParameterError, match="AllowSsmAccess"):
        lambda_handler(change_event(item, parameters={"AllowSsmAccess": "maybe"}), None)
