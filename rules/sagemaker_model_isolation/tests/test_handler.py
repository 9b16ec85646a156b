"""The real Lambda handler with AWS Config events, AWS in moto."""

from __future__ import annotations

import boto3
import pytest

from smguard.rules.sagemaker_model_isolation.app import lambda_handler
from smguard.engine import InvalidRuleParameterError
from tests.support.events import change_event, configuration_item, model_configuration

MODEL = "AWS::SageMaker::Model"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-model"
CONTAINER = {"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "ModelDataUrl": "s3://risk-models/churn/model.tar.gz"}
REDEPLOY = "then redeploy it (CreateEndpointConfig, UpdateEndpoint)."


def network() -> tuple[str, str]:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="models", Description="models", VpcId=vpc)["GroupId"]
    return subnet, group


def recorded_model(name: str, **create: object) -> dict:
    """Create the model in moto and return its configuration item as AWS Config records it."""
    sagemaker = boto3.client("sagemaker")
    sagemaker.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer=CONTAINER, **create)
    described = sagemaker.describe_model(ModelName=name)
    return configuration_item(MODEL, name, model_configuration(described))


def test_change_of_an_isolated_model_in_a_vpc_is_compliant(posted):
    subnet, group = network()
    item = recorded_model("churn-v7", VpcConfig={"Subnets": [subnet], "SecurityGroupIds": [group]}, EnableNetworkIsolation=True)
    assert item["configuration"]["VpcConfig"] == {"Subnets": [subnet], "SecurityGroupIds": [group]}
    # moto 5.2.5 always describes EnableNetworkIsolation as false (shared AWS facts, section 5); AWS records what
    # CreateModel was given, so the recorded item is corrected here.
    item["configuration"]["EnableNetworkIsolation"] = True

    lambda_handler(change_event(item, parameters={"SubnetIds": subnet, "SecurityGroupIds": group}), None)

    assert posted.results() == [
        (
            MODEL,
            "churn-v7",
            "COMPLIANT",
            f"EnableNetworkIsolation is true and VpcConfig places the container in subnets {subnet} with security "
            f"groups {group} (approved).",
        )
    ]


def test_change_of_a_model_created_with_defaults_reports_both_findings(posted):
    item = recorded_model("churn-quick")
    assert item["configuration"]["EnableNetworkIsolation"] is False
    assert "VpcConfig" not in item["configuration"]

    lambda_handler(change_event(item), None)

    assert posted.results() == [
        (
            MODEL,
            "churn-quick",
            "NON_COMPLIANT",
            "EnableNetworkIsolation is false; VpcConfig is absent. Models are immutable: create a new one with "
            f"EnableNetworkIsolation=true and a VpcConfig (CreateModel), {REDEPLOY}",
        )
    ]


def test_change_of_a_model_in_a_vpc_without_network_isolation_is_non_compliant(posted):
    subnet, group = network()
    item = recorded_model("churn-big", VpcConfig={"Subnets": [subnet], "SecurityGroupIds": [group]})
    lambda_handler(change_event(item), None)
    assert posted.results() == [
        (
            MODEL,
            "churn-big",
            "NON_COMPLIANT",
            "EnableNetworkIsolation is false. Models are immutable: create a new one with EnableNetworkIsolation=true "
            f"(CreateModel), {REDEPLOY}",
        )
    ]


@pytest.mark.parametrize(
    ("raw", "name", "problem"),
    [
        ({"SubnetIds": "subnet-0a1b2c3d,sg-0a1b2c3d"}, "SubnetIds", "'sg-0a1b2c3d' is not a subnet id"),
        ({"SecurityGroupIds": "sg-0A1B2C3D"}, "SecurityGroupIds", "'sg-0A1B2C3D' is not a security group id"),
    ],
)
def test_bad_parameters_are_rejected_by_name(posted, raw, name, problem):
    item = recorded_model("churn-v7")

    with pytest.raises(InvalidRuleParameterError) as raised:
        lambda_handler(change_event(item, parameters=raw), None)

    assert raised.value.parameter == name
    assert problem in str(raised.value)
    assert posted.calls == []


