"""The pure check against models in the shape AWS Config records them (CloudFormation names)."""

from __future__ import annotations

import copy

import pytest

from smguard.rules.sagemaker_model_isolation.check import SagemakerModelIsolationParameters, check
from smguard.engine import Compliance, InvalidRuleParameterError, Resource

MODEL = "AWS::SageMaker::Model"
SUBNET_A = "subnet-0a1b2c3d4e5f60718"
SUBNET_B = "subnet-0fedcba987654321f"
GROUP = "sg-0123456789abcdef0"
OTHER_GROUP = "sg-0aaaaaaaaaaaaaaa1"
REDEPLOY = "then redeploy it (CreateEndpointConfig, UpdateEndpoint)."

RECORDED = {
    "ModelName": "churn-xgboost-v7",
    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker-model",
    "PrimaryContainer": {
        "Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        "ModelDataUrl": "s3://risk-models/churn/v7/model.tar.gz",
        "Mode": "SingleModel",
    },
    "EnableNetworkIsolation": True,
    "VpcConfig": {"Subnets": [SUBNET_A, SUBNET_B], "SecurityGroupIds": [GROUP]},
}
COMPLIANT = (
    f"EnableNetworkIsolation is true and VpcConfig places the container in subnets {SUBNET_A} (+1 more) with "
    f"security groups {GROUP}"
)


def model(**changes: object) -> dict:
    return {**copy.deepcopy(RECORDED), **changes}


def without(*props: str) -> dict:
    return {key: value for key, value in copy.deepcopy(RECORDED).items() if key not in props}


def evaluate(configuration: dict, **raw_parameters: str) -> tuple[Compliance, str]:
    parameters = SagemakerModelIsolationParameters.parse(raw_parameters)
    verdict = check(Resource(MODEL, "churn-xgboost-v7", configuration), parameters)
    return verdict.compliance, verdict.annotation


def fix(needs: str) -> str:
    return f"Models are immutable: create a new one with {needs} (CreateModel), {REDEPLOY}"


def test_isolated_model_in_a_vpc_is_compliant():
    assert evaluate(model()) == (Compliance.COMPLIANT, f"{COMPLIANT}.")


def test_isolation_off_is_non_compliant():
    assert evaluate(model(EnableNetworkIsolation=False)) == (
        Compliance.NON_COMPLIANT,
        f"EnableNetworkIsolation is false. {fix('EnableNetworkIsolation=true')}",
    )


def test_absent_isolation_means_false():
    assert evaluate(without("EnableNetworkIsolation")) == (
        Compliance.NON_COMPLIANT,
        f"EnableNetworkIsolation is absent (defaults to false). {fix('EnableNetworkIsolation=true')}",
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("true", '"true"'),
        ("True", '"True"'),
        (1, "1 (a number)"),
        (None, "null"),
        ("", "empty"),
        ([True], "[True] (a list)"),
    ],
)
def test_null_or_mistyped_isolation_is_never_compliant(value: object, shown: str) -> None:
    assert evaluate(model(EnableNetworkIsolation=value)) == (
        Compliance.NON_COMPLIANT,
        f"EnableNetworkIsolation is {shown}, not the boolean true. {fix('EnableNetworkIsolation=true')}",
    )


def test_model_without_vpc_config_is_non_compliant():
    assert evaluate(without("VpcConfig")) == (
        Compliance.NON_COMPLIANT,
        f"VpcConfig is absent. {fix('a VpcConfig')}",
    )


@pytest.mark.parametrize(
    ("vpc_config", "finding"),
    [
        ({"Subnets": [], "SecurityGroupIds": [GROUP]}, "VpcConfig has empty Subnets, so it places nothing"),
        ({"SecurityGroupIds": [GROUP]}, "VpcConfig has no Subnets, so it places nothing"),
        ({}, "VpcConfig has no Subnets, so it places nothing"),
        (None, "VpcConfig is null, not an object"),
        ("vpc-0a1b2c3d", 'VpcConfig is "vpc-0a1b2c3d", not an object'),
        ([SUBNET_A], f"VpcConfig is ['{SUBNET_A}'] (a list), not an object"),
    ],
)
def test_vpc_config_without_subnets_null_or_mistyped_counts_as_none(vpc_config: object, finding: str) -> None:
    assert evaluate(model(VpcConfig=vpc_config)) == (Compliance.NON_COMPLIANT, f"{finding}. {fix('a VpcConfig')}")


@pytest.mark.parametrize(
    ("vpc_config", "finding", "needs"),
    [
        ({"Subnets": [SUBNET_A]}, "VpcConfig.SecurityGroupIds is absent", "valid VpcConfig.SecurityGroupIds"),
        ({"Subnets": [SUBNET_A], "SecurityGroupIds": []}, "VpcConfig.SecurityGroupIds is empty", "valid VpcConfig.SecurityGroupIds"),
        (
            {"Subnets": SUBNET_A, "SecurityGroupIds": [GROUP]},
            f'VpcConfig.Subnets is "{SUBNET_A}", not a list of subnet ids',
            "valid VpcConfig.Subnets",
        ),
        (
            {"Subnets": [SUBNET_A], "SecurityGroupIds": [GROUP, None]},
            f"VpcConfig.SecurityGroupIds is ['{GROUP}', None] (a list), not a list of security group ids",
            "valid VpcConfig.SecurityGroupIds",
        ),
    ],
)
def test_incomplete_or_mistyped_vpc_config_is_never_compliant(vpc_config: dict, finding: str, needs: str) -> None:
    assert evaluate(model(VpcConfig=vpc_config)) == (Compliance.NON_COMPLIANT, f"{finding}. {fix(needs)}")


def test_both_findings_are_reported_in_one_annotation():
    assert evaluate(without("EnableNetworkIsolation", "VpcConfig")) == (
        Compliance.NON_COMPLIANT,
        f"EnableNetworkIsolation is absent (defaults to false); VpcConfig is absent. "
        f"{fix('EnableNetworkIsolation=true and a VpcConfig')}",
    )


def test_an_empty_configuration_is_non_compliant_not_an_error():
    assert evaluate({}) == evaluate(without("EnableNetworkIsolation", "VpcConfig"))


def test_approved_subnets_and_groups_are_compliant():
    assert evaluate(model(), SubnetIds=f"{SUBNET_B},{SUBNET_A}", SecurityGroupIds=GROUP) == (
        Compliance.COMPLIANT,
        f"{COMPLIANT} (approved).",
    )


@pytest.mark.parametrize(
    ("parameters", "note"),
    [({"SubnetIds": f"{SUBNET_A},{SUBNET_B}"}, "subnets approved"), ({"SecurityGroupIds": GROUP}, "security groups approved")],
    ids=["subnets-only", "security-groups-only"],
)
def test_a_compliant_annotation_says_approved_only_of_the_list_that_was_checked(parameters: dict, note: str) -> None:
    assert evaluate(model(), **parameters) == (Compliance.COMPLIANT, f"{COMPLIANT} ({note}).")


def test_subnet_outside_the_list_is_non_compliant():
    assert evaluate(model(), SubnetIds=SUBNET_A) == (
        Compliance.NON_COMPLIANT,
        f"VpcConfig.Subnets has {SUBNET_B} not approved. {fix('approved subnets')}",
    )


def test_security_group_outside_the_list_is_non_compliant():
    assert evaluate(model(), SecurityGroupIds=OTHER_GROUP) == (
        Compliance.NON_COMPLIANT,
        f"VpcConfig.SecurityGroupIds has {GROUP} not approved. {fix('approved security groups')}",
    )


def test_unreadable_subnets_do_not_hide_unapproved_security_groups():
    configuration = model(VpcConfig={"Subnets": SUBNET_A, "SecurityGroupIds": [GROUP]})
    assert evaluate(configuration, SecurityGroupIds=OTHER_GROUP) == (
        Compliance.NON_COMPLIANT,
        f'VpcConfig.Subnets is "{SUBNET_A}", not a list of subnet ids; VpcConfig.SecurityGroupIds has {GROUP} not '
        "approved. Models are immutable: recreate it (CreateModel, UpdateEndpoint).",  # the full fix does not fit in 256
    )


def test_every_finding_is_reported_with_a_shorter_fix_when_the_specific_one_does_not_fit():
    configuration = model(
        EnableNetworkIsolation=False,
        VpcConfig={"Subnets": [SUBNET_A, SUBNET_B], "SecurityGroupIds": [GROUP, OTHER_GROUP, "sg-0ccccccccccccccc3"]},
    )
    assert evaluate(configuration, SubnetIds=SUBNET_A, SecurityGroupIds="sg-0ddddddddddddddd4") == (
        Compliance.NON_COMPLIANT,
        f"EnableNetworkIsolation is false; VpcConfig.Subnets has {SUBNET_B} not approved; VpcConfig.SecurityGroupIds "
        f"has {GROUP} (+2 more) not approved. Models are immutable: recreate it (CreateModel, UpdateEndpoint).",
    )


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ({"SubnetIds": "subnet-0a1b2c3"}, "SubnetIds"),
        ({"SecurityGroupIds": "sg-0123456789abcdef0123"}, "SecurityGroupIds"),
        ({"EnableNetworkIsolation": "true"}, "EnableNetworkIsolation"),
    ],
)
def test_malformed_or_unknown_parameters_are_rejected_by_name(raw: dict, name: str) -> None:
    with pytest.raises(InvalidRuleParameterError) as raised:
        SagemakerModelIsolationParameters.parse(raw)
    assert raised.value.parameter == name
