"""parliament reports nothing on any SCP.

parliament runs as its command-line tool from the project's virtual environment, reading the policy
from standard input: ``--file`` needs a terminal. The policy is the rendered one, because
parliament rightly calls the raw ``${AdministratorRoleArn}`` placeholder no ARN. INFO is the lowest
severity, so nothing is filtered out.
"""

from __future__ import annotations

import json
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


@pytest.mark.parametrize("name", SCP_NAMES)
def test_parliament_reports_nothing(name):
    result = _parliament(rendered(name))
    findings = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert findings == [], findings
    assert result.returncode == 0, result.stderr


def test_parliament_does_report_a_broken_policy():
    """The check above is live: parliament reads stdin here and reports an unknown action."""
    broken = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "sagemaker:CreateTrainingJobs", "Resource": "*"}],
    }
    result = _parliament(broken)
    assert [json.loads(line)["issue"] for line in result.stdout.splitlines()] == ["UNKNOWN_ACTION"]
