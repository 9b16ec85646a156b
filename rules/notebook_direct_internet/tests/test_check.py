"""The pure check against notebook instances in the shape AWS Config records them (CloudFormation names)."""

from __future__ import annotations

import pytest

from smguard.rules.notebook_direct_internet.check import check
from smguard.engine import Compliance, NoParameters, Resource

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
RECREATE = (
    "It cannot be changed after creation: recreate the notebook with a SubnetId and "
    "DirectInternetAccess=Disabled (CreateNotebookInstance)."
)

RECORDED = {
    "NotebookInstanceName": "credit-risk-eda",
    "InstanceType": "ml.t3.medium",
    "RoleArn": "arn:aws:iam::123456789012:role/sagemaker-notebook",
    "SubnetId": "subnet-0a1b2c3d4e5f60718",
    "SecurityGroupIds": ["sg-0123456789abcdef0"],
    "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "DirectInternetAccess": "Disabled",
    "RootAccess": "Disabled",
    "VolumeSizeInGB": 5,
}


def evaluate(**changes: object) -> tuple[Compliance, str]:
    configuration = {**RECORDED, **changes}
    verdict = check(Resource(NOTEBOOK, "credit-risk-eda", configuration), NoParameters())
    return verdict.compliance, verdict.annotation


def without(prop: str) -> dict[str, object]:
    return {key: value for key, value in RECORDED.items() if key != prop}


def test_disabled_is_compliant_and_names_the_subnet():
    assert evaluate() == (
        Compliance.COMPLIANT,
        "DirectInternetAccess is Disabled: the notebook has no SageMaker-provided internet route and reaches "
        "networks only through subnet subnet-0a1b2c3d4e5f60718 of the organization's VPC.",
    )


def test_disabled_without_a_recorded_subnet_is_compliant_for_this_rule():
    verdict = check(Resource(NOTEBOOK, "nb", without("SubnetId")), NoParameters())
    assert (verdict.compliance, verdict.annotation) == (
        Compliance.COMPLIANT,
        "DirectInternetAccess is Disabled: the notebook has no SageMaker-provided internet route.",
    )


def test_enabled_is_non_compliant_and_says_the_notebook_must_be_recreated():
    assert evaluate(DirectInternetAccess="Enabled") == (
        Compliance.NON_COMPLIANT,
        f"DirectInternetAccess is Enabled (the notebook reaches the internet through SageMaker's VPC). {RECREATE}",
    )


def test_absent_means_enabled():
    verdict = check(Resource(NOTEBOOK, "nb", without("DirectInternetAccess")), NoParameters())
    assert (verdict.compliance, verdict.annotation) == (
        Compliance.NON_COMPLIANT,
        f"DirectInternetAccess is absent (defaults to Enabled). {RECREATE}",
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("disabled", '"disabled", not Enabled or Disabled (values are case-sensitive)'),
        ("DISABLED", '"DISABLED", not Enabled or Disabled (values are case-sensitive)'),
        ("Disabled ", '"Disabled ", not Enabled or Disabled (values are case-sensitive)'),
        (None, "null, not Enabled or Disabled"),
        ("", "empty, not Enabled or Disabled"),
        (False, "false (a boolean), not Enabled or Disabled"),
        (0, "0 (a number), not Enabled or Disabled"),
        (["Disabled"], "['Disabled'] (a list), not Enabled or Disabled"),
        ({"Value": "Disabled"}, "{'Value': 'Disabled'} (an object), not Enabled or Disabled"),
    ],
)
def test_null_wrong_type_or_wrong_casing_is_never_compliant(value: object, shown: str) -> None:
    assert evaluate(DirectInternetAccess=value) == (
        Compliance.NON_COMPLIANT,
        f"DirectInternetAccess is {shown}. {RECREATE}",
    )


def test_an_empty_configuration_is_non_compliant_not_an_error():
    verdict = check(Resource(NOTEBOOK, "nb", {}), NoParameters())
    assert (verdict.compliance, verdict.annotation) == (
        Compliance.NON_COMPLIANT,
        f"DirectInternetAccess is absent (defaults to Enabled). {RECREATE}",
    )


def test_a_mistyped_subnet_is_not_shown_as_a_subnet():
    assert evaluate(SubnetId=["subnet-0a1b2c3d4e5f60718"]) == (
        Compliance.COMPLIANT,
        "DirectInternetAccess is Disabled: the notebook has no SageMaker-provided internet route.",
    )
