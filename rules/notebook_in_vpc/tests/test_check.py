"""The pure check against notebook instances in the shape AWS Config records them (CloudFormation names)."""

from __future__ import annotations

import pytest

from smguard.rules.notebook_in_vpc.check import NotebookInVpcParameters, check
from smguard.engine import Compliance, InvalidRuleParameterError, Resource

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
SUBNET = "subnet-0a1b2c3d4e5f60718"
OTHER_SUBNET = "subnet-0fedcba987654321f"
GROUP = "sg-0123456789abcdef0"
OTHER_GROUP = "sg-0aaaaaaaaaaaaaaa1"

RECORDED = {
    "NotebookInstanceName": "credit-risk-eda",
    "InstanceType": "ml.t3.medium",
    "RoleArn": "arn:aws:iam::123456789012:role/sagemaker-notebook",
    "SubnetId": SUBNET,
    "SecurityGroupIds": [GROUP],
    "DirectInternetAccess": "Disabled",
    "RootAccess": "Disabled",
    "VolumeSizeInGB": 5,
}
NO_SUBNET = (
    "SubnetId is absent: the notebook runs in SageMaker's own VPC, outside the organization's network. "
    "SubnetId cannot be changed: recreate the notebook with a SubnetId (CreateNotebookInstance)."
)


def parameters(**raw: str) -> NotebookInVpcParameters:
    return NotebookInVpcParameters.parse(raw)


def evaluate(configuration: dict, rule_parameters: NotebookInVpcParameters | None = None) -> tuple[Compliance, str]:
    verdict = check(Resource(NOTEBOOK, "credit-risk-eda", configuration), rule_parameters or parameters())
    return verdict.compliance, verdict.annotation


def recorded(**changes: object) -> dict:
    return {**RECORDED, **changes}


def without(*props: str) -> dict:
    return {key: value for key, value in RECORDED.items() if key not in props}


def test_notebook_in_a_subnet_is_compliant():
    assert evaluate(RECORDED) == (
        Compliance.COMPLIANT,
        f"The notebook runs in the organization's VPC: SubnetId is {SUBNET}.",
    )


def test_notebook_without_subnet_runs_in_sagemakers_vpc():
    assert evaluate(without("SubnetId", "SecurityGroupIds")) == (Compliance.NON_COMPLIANT, NO_SUBNET)


def test_empty_subnet_counts_as_none():
    assert evaluate(recorded(SubnetId="")) == (
        Compliance.NON_COMPLIANT,
        NO_SUBNET.replace("SubnetId is absent", "SubnetId is empty"),
    )


def test_an_empty_configuration_is_non_compliant_not_an_error():
    assert evaluate({}) == (Compliance.NON_COMPLIANT, NO_SUBNET)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "null"), (12345678, "12345678 (a number)"), ([SUBNET], f"['{SUBNET}'] (a list)"), (True, "true (a boolean)")],
)
def test_null_or_mistyped_subnet_is_never_compliant(value: object, shown: str) -> None:
    assert evaluate(recorded(SubnetId=value)) == (
        Compliance.NON_COMPLIANT,
        f"SubnetId is {shown}, not a subnet id: the notebook cannot be shown to run in the organization's VPC. "
        "Recreate the notebook with a SubnetId (CreateNotebookInstance).",
    )


def test_approved_subnet_is_compliant():
    assert evaluate(RECORDED, parameters(SubnetIds=f"{OTHER_SUBNET}, {SUBNET}")) == (
        Compliance.COMPLIANT,
        f"The notebook runs in the organization's VPC: SubnetId is {SUBNET} (approved).",
    )


def test_subnet_outside_the_list_is_non_compliant():
    assert evaluate(RECORDED, parameters(SubnetIds=OTHER_SUBNET)) == (
        Compliance.NON_COMPLIANT,
        f"SubnetId {SUBNET} is outside the approved SubnetIds. SubnetId cannot be changed: recreate the notebook "
        "in an approved subnet (CreateNotebookInstance).",
    )


def test_subnet_ids_are_matched_exactly():
    miscased = "subnet-0A1B2C3D4E5F60718"
    assert evaluate(recorded(SubnetId=miscased), parameters(SubnetIds=SUBNET)) == (
        Compliance.NON_COMPLIANT,
        f"SubnetId {miscased} is outside the approved SubnetIds. SubnetId cannot be changed: recreate the notebook "
        "in an approved subnet (CreateNotebookInstance).",
    )


def test_missing_subnet_with_a_subnet_list_says_to_use_an_approved_subnet():
    assert evaluate(without("SubnetId"), parameters(SubnetIds=SUBNET)) == (
        Compliance.NON_COMPLIANT,
        "SubnetId is absent: the notebook runs in SageMaker's own VPC, outside the organization's network. "
        "SubnetId cannot be changed: recreate the notebook in an approved subnet (CreateNotebookInstance).",
    )


def test_approved_security_groups_are_compliant():
    configuration = recorded(SecurityGroupIds=[GROUP, OTHER_GROUP])
    assert evaluate(configuration, parameters(SecurityGroupIds=f"{OTHER_GROUP},{GROUP}")) == (
        Compliance.COMPLIANT,
        f"The notebook runs in the organization's VPC: SubnetId is {SUBNET}; its security groups {GROUP}, "
        f"{OTHER_GROUP} are approved.",
    )


def test_security_group_outside_the_list_is_non_compliant():
    configuration = recorded(SecurityGroupIds=[GROUP, OTHER_GROUP])
    assert evaluate(configuration, parameters(SecurityGroupIds=GROUP)) == (
        Compliance.NON_COMPLIANT,
        f"SecurityGroupIds has {OTHER_GROUP} outside the approved SecurityGroupIds. Security groups cannot be "
        "changed: recreate the notebook with approved groups (CreateNotebookInstance).",
    )


def test_security_groups_are_not_checked_without_the_parameter():
    assert evaluate(recorded(SecurityGroupIds=[OTHER_GROUP])) == (
        Compliance.COMPLIANT,
        f"The notebook runs in the organization's VPC: SubnetId is {SUBNET}.",
    )


@pytest.mark.parametrize(
    ("configuration", "shown"),
    [
        (without("SecurityGroupIds"), "SecurityGroupIds is absent, so no approved group is shown"),
        (recorded(SecurityGroupIds=[]), "SecurityGroupIds is empty, so no approved group is shown"),
        (recorded(SecurityGroupIds=None), "SecurityGroupIds is null, not a list of security group ids"),
        (recorded(SecurityGroupIds=GROUP), f'SecurityGroupIds is "{GROUP}", not a list of security group ids'),
        (recorded(SecurityGroupIds=[GROUP, 7]), f"SecurityGroupIds is ['{GROUP}', 7] (a list), not a list of security group ids"),
    ],
)
def test_missing_null_or_mistyped_security_groups_are_never_compliant(configuration: dict, shown: str) -> None:
    assert evaluate(configuration, parameters(SecurityGroupIds=GROUP)) == (
        Compliance.NON_COMPLIANT,
        f"{shown}. Security groups cannot be changed: recreate the notebook with approved groups (CreateNotebookInstance).",
    )


def test_subnet_and_groups_outside_the_lists_are_reported_together_within_the_limit():
    groups = [f"sg-0123456789abcdef{n}" for n in range(5)]
    assert evaluate(recorded(SecurityGroupIds=groups), parameters(SubnetIds=OTHER_SUBNET, SecurityGroupIds=OTHER_GROUP)) == (
        Compliance.NON_COMPLIANT,
        f"SubnetId {SUBNET} is outside the approved SubnetIds; SecurityGroupIds has sg-0123456789abcdef0, "
        "sg-0123456789abcdef1 (+3 more) outside the approved SecurityGroupIds. Neither can be changed: recreate "
        "the notebook (CreateNotebookInstance).",
    )


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ({"SubnetIds": "subnet-123"}, "SubnetIds"),
        ({"SubnetIds": "subnet-0A1B2C3D"}, "SubnetIds"),
        ({"SubnetIds": f"{SUBNET},,{OTHER_SUBNET}"}, "SubnetIds"),
        ({"SecurityGroupIds": "sg-xyz12345"}, "SecurityGroupIds"),
        ({"SecurityGroupIds": SUBNET}, "SecurityGroupIds"),
        ({"SubnetId": SUBNET}, "SubnetId"),
    ],
)
def test_malformed_or_unknown_parameters_are_rejected_by_name(raw: dict, name: str) -> None:
    with pytest.raises(InvalidRuleParameterError) as raised:
        NotebookInVpcParameters.parse(raw)
    assert raised.value.parameter == name
