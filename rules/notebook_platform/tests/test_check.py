"""The pure check against notebook instances in the shape AWS Config records them (CloudFormation names)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from smguard.engine import Compliance, InvalidRuleParameterError, MissingFactError, Resource
from smguard.rules.notebook_platform.check import NotebookPlatformParameters, check

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
NAME = "risk-model-dev"
PLATFORM_FIX = "The platform cannot be changed: recreate the notebook on a supported one (CreateNotebookInstance)."
IMDS_FIX = "Set MinimumInstanceMetadataServiceVersion 2 (UpdateNotebookInstance)."
BOTH_FIX = "Recreate or update the notebook."
IMDSV2 = {"MinimumInstanceMetadataServiceVersion": "2"}

RECORDED: dict[str, Any] = {
    "NotebookInstanceName": NAME,
    "InstanceType": "ml.t3.medium",
    "RoleArn": "arn:aws:iam::123456789012:role/sagemaker-notebook",
    "PlatformIdentifier": "notebook-al2023-v1",
    "InstanceMetadataServiceConfiguration": IMDSV2,
}
COMPLIANT = "PlatformIdentifier is notebook-al2023-v1 (supported) and the instance metadata service requires IMDSv2."


def notebook(**changes: object) -> dict[str, Any]:
    return {**copy.deepcopy(RECORDED), **changes}


def without(*props: str) -> dict[str, Any]:
    return {key: value for key, value in copy.deepcopy(RECORDED).items() if key not in props}


def evaluate(configuration: dict, facts: object = None, **raw_parameters: str) -> tuple[Compliance, str]:
    parameters = NotebookPlatformParameters.parse(raw_parameters)
    verdict = check(Resource(NOTEBOOK, NAME, configuration), parameters, facts)
    return verdict.compliance, verdict.annotation


def platform_part(shown: str, supported: str = "notebook-al2023-v1") -> str:
    return f"PlatformIdentifier is {shown}, not a supported platform ({supported})"


def imds_part(shown: str) -> str:
    return f"MinimumInstanceMetadataServiceVersion is {shown}, so IMDSv1 is served"


def platform_finding(shown: str, supported: str = "notebook-al2023-v1") -> str:
    return f"{platform_part(shown, supported)}. {PLATFORM_FIX}"


def imds_finding(shown: str) -> str:
    return f"{imds_part(shown)}. {IMDS_FIX}"


def test_a_supported_platform_with_imdsv2_is_compliant():
    assert evaluate(notebook()) == (Compliance.COMPLIANT, COMPLIANT)


@pytest.mark.parametrize(
    ("platform", "shown"),
    [("notebook-al2-v2", '"notebook-al2-v2"'), ("notebook-al1-v1", '"notebook-al1-v1"'), ("Notebook-AL2023-v1", '"Notebook-AL2023-v1"'),
     (None, "null"), ("", "empty"), (["notebook-al2023-v1"], "['notebook-al2023-v1'] (a list)")],
)
def test_an_unsupported_or_unreadable_platform_is_non_compliant(platform: object, shown: str) -> None:
    assert evaluate(notebook(PlatformIdentifier=platform)) == (Compliance.NON_COMPLIANT, platform_finding(shown))


@pytest.mark.parametrize(
    ("imds", "shown"),
    [
        ({"MinimumInstanceMetadataServiceVersion": "1"}, '"1"'),
        ({"MinimumInstanceMetadataServiceVersion": 2}, "2 (a number)"),
        ({"MinimumInstanceMetadataServiceVersion": None}, "null"),
        ({}, "absent (defaults to 1)"),
        ("2", 'unreadable (InstanceMetadataServiceConfiguration is "2", not an object)'),
        (None, "unreadable (InstanceMetadataServiceConfiguration is null, not an object)"),
    ],
)
def test_imds_that_is_not_exactly_version_2_is_non_compliant(imds: object, shown: str) -> None:
    assert evaluate(notebook(InstanceMetadataServiceConfiguration=imds)) == (Compliance.NON_COMPLIANT, imds_finding(shown))


def test_both_findings_are_reported():
    assert evaluate(notebook(PlatformIdentifier="notebook-al2-v1", InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "1"})) == (
        Compliance.NON_COMPLIANT,
        f'{platform_part(chr(34) + "notebook-al2-v1" + chr(34))}; {imds_part(chr(34) + "1" + chr(34))}. {BOTH_FIX}',
    )


def test_supported_platforms_are_a_parameter():
    assert evaluate(notebook(PlatformIdentifier="notebook-al2-v3"), SupportedPlatforms="notebook-al2023-v1,notebook-al2-v3") == (
        Compliance.COMPLIANT,
        "PlatformIdentifier is notebook-al2-v3 (supported) and the instance metadata service requires IMDSv2.",
    )
    assert evaluate(notebook(), SupportedPlatforms="notebook-al2-v3") == (
        Compliance.NON_COMPLIANT,
        platform_finding('"notebook-al2023-v1"', "notebook-al2-v3"),
    )


# Settings the recorded item lacks: read with DescribeNotebookInstance


def test_settings_missing_from_the_item_are_read_from_describe_and_said_so():
    facts = {NAME: {"PlatformIdentifier": "notebook-al2023-v1", "InstanceMetadataServiceConfiguration": IMDSV2}}
    assert evaluate(without("PlatformIdentifier", "InstanceMetadataServiceConfiguration"), facts) == (
        Compliance.COMPLIANT,
        "PlatformIdentifier is notebook-al2023-v1 (supported) and the instance metadata service requires IMDSv2 "
        "(read with DescribeNotebookInstance).",
    )


def test_described_settings_are_held_to_the_same_requirements():
    facts = {NAME: {"PlatformIdentifier": "notebook-al2-v2", "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "1"}}}
    assert evaluate(without("PlatformIdentifier", "InstanceMetadataServiceConfiguration"), facts) == (
        Compliance.NON_COMPLIANT,
        f'{platform_part(chr(34) + "notebook-al2-v2" + chr(34) + " (read with DescribeNotebookInstance)")} (+1 more). {BOTH_FIX}',
    )


def test_an_imds_setting_neither_recorded_nor_described_defaults_to_1():
    facts = {NAME: {"PlatformIdentifier": "notebook-al2023-v1"}}
    assert evaluate(without("InstanceMetadataServiceConfiguration"), facts) == (
        Compliance.NON_COMPLIANT,
        imds_finding("absent (defaults to 1) (read with DescribeNotebookInstance)"),
    )


def test_a_platform_neither_recorded_nor_described_is_non_compliant():
    assert evaluate(without("PlatformIdentifier", "InstanceMetadataServiceConfiguration"), {NAME: {}}) == (
        Compliance.NON_COMPLIANT,
        f"{platform_part('absent from the recorded item and from DescribeNotebookInstance')} (+1 more). {BOTH_FIX}",
    )


def test_a_notebook_that_can_no_longer_be_described_is_not_passed():
    assert evaluate(without("PlatformIdentifier"), {NAME: None}) == (
        Compliance.NON_COMPLIANT,
        platform_finding(f"unknown (DescribeNotebookInstance found no notebook {NAME})"),
    )
    assert evaluate(without("InstanceMetadataServiceConfiguration"), {NAME: None}) == (
        Compliance.NON_COMPLIANT,
        imds_finding("unknown (the notebook could not be described)"),
    )


@pytest.mark.parametrize("facts", [None, {}, {"other-notebook": {}}])
def test_a_missing_setting_without_its_description_is_an_error_not_a_verdict(facts: object) -> None:
    with pytest.raises(MissingFactError, match=f"PlatformIdentifier of notebook {NAME} is not in the recorded item and was not described"):
        evaluate(without("PlatformIdentifier"), facts)


def test_a_recorded_item_with_both_settings_needs_no_description():
    assert evaluate(notebook(), None) == (Compliance.COMPLIANT, COMPLIANT)


def test_platform_identifiers_are_validated():
    with pytest.raises(InvalidRuleParameterError, match="SupportedPlatforms"):
        NotebookPlatformParameters.parse({"SupportedPlatforms": "al2023"})
