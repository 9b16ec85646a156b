"""parliament reports nothing on any SCP.

parliament runs as its command-line tool from the project's virtual environment, reading the policy
from standard input: ``--file`` needs a terminal. The policy is the rendered one, because
parliament rightly calls the raw ``${AdministratorRoleArn}`` placeholder no ARN. INFO is the lowest
severity, so nothing is filtered out.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .policy_data import SCP_NAMES, rendered

PARLIAMENT = Path(sys.executable).with_name("parliament")


def _parliament(document: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PARLIAMENT), "--json", "--minimum_severity", "INFO"],
        input=json.dumps(document, indent=2),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# parliament's catalogue predates these; each is explained in docs/preventive-controls.md.
NEWER_THAN_PARLIAMENT = {
    # The API reference's StartSession (remote IDE connection to a space), 2025.
    "Unknown action sagemaker:StartSession",
    # AWS-managed policies live in account "aws": Organizations' own ARN for FullAWSAccess.
    "Account expected to be of form like 123456789012",
}


def _parliament_sagemaker_keys() -> dict[str, set[str]]:
    import parliament

    services = json.loads((Path(parliament.__file__).parent / "iam_definition.json").read_text(encoding="utf-8"))
    [sagemaker] = [service for service in services if service["prefix"] == "sagemaker"]
    return {
        f"sagemaker:{privilege['privilege']}": {key for kind in privilege["resource_types"] for key in kind["condition_keys"]}
        for privilege in sagemaker["privileges"]
    }


def explained(finding: dict, catalogue: dict[str, set[str]]) -> bool:
    """A finding caused by parliament's old catalogue: an ...Arn key whose deprecated name parliament
    lists on that very action (the Reference renamed them), or one of the cases above."""
    detail = str(finding.get("detail", ""))
    renamed = re.fullmatch(r"Unknown condition (sagemaker:\w+)Arn for action (sagemaker:\w+)", detail)
    if finding["issue"] == "UNKNOWN_CONDITION_FOR_ACTION" and renamed:
        return renamed.group(1) in catalogue.get(renamed.group(2), set())
    return detail in NEWER_THAN_PARLIAMENT


@pytest.mark.parametrize("name", SCP_NAMES)
def test_parliament_reports_nothing_unexplained(name):
    result = _parliament(rendered(name))
    findings = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    catalogue = _parliament_sagemaker_keys()
    assert [finding for finding in findings if not explained(finding, catalogue)] == []


def test_an_arn_key_parliament_does_not_know_under_any_name_is_not_explained():
    finding = {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "detail": "Unknown condition sagemaker:VolumeKmsKeyArn for action sagemaker:CreateModel"}
    assert not explained(finding, _parliament_sagemaker_keys())


def test_parliament_does_report_a_broken_policy():
    """The check above is live: parliament reads stdin here and reports an unknown action."""
    broken = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "sagemaker:CreateTrainingJobs", "Resource": "*"}],
    }
    result = _parliament(broken)
    assert [json.loads(line)["issue"] for line in result.stdout.splitlines()] == ["UNKNOWN_ACTION"]
