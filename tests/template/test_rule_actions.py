"""The template grants every AWS call each rule makes: its IAM policy is held to the calls recorded
while the rules' own handler tests run (moto), not to what the rule says it calls.

A rule that calls an API it does not declare in ``aws_actions`` fails here, because the generated
role (account mode) and the member execution role (organization mode) then lack the action.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from smguard.catalogue import RULES_DIR, discover
from smguard.deploy.naming import camel
from tests.template.conftest import REPOSITORY, resolver
from tests.template.test_consistency import statement_actions

ENGINE_ORGANIZATION_ACTIONS = {"sts:AssumeRole"}
"""Organization mode: the engine assumes the execution role (granted by its own statement)."""
ENGINE_EXEMPTION_ACTIONS = {"ssm:GetParameter"}
"""The exemption register, read with the function's own role (granted when the parameter is set)."""


def missing_grants(recorded: dict[str, set[str]], granted: dict[str, set[str]]) -> dict[str, set[str]]:
    """Per rule, the recorded calls the template does not grant."""
    return {
        rule: missing
        for rule, actions in recorded.items()
        if (missing := actions - granted.get(rule, set()) - ENGINE_ORGANIZATION_ACTIONS - ENGINE_EXEMPTION_ACTIONS)
    }


@pytest.fixture(scope="module")
def recorded_calls(tmp_path_factory) -> dict[str, set[str]]:
    """Run every rule's handler tests once, in a subprocess, recording each handler's AWS calls."""
    output = tmp_path_factory.mktemp("calls") / "calls.jsonl"
    test_files = sorted(str(path) for path in RULES_DIR.glob("*/tests/test_handler.py"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.template.aws_calls_plugin", *test_files],
        cwd=REPOSITORY,
        env={**os.environ, "SMGUARD_AWS_CALLS_FILE": str(output)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    # 1 = some handler test failed: the main run reports that; the calls made are recorded all the same.
    assert result.returncode in (0, 1), f"the rules' handler tests did not run:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}"
    calls: dict[str, set[str]] = {}
    for line in output.read_text().splitlines():
        record = json.loads(line)
        calls.setdefault(record["rule"], set()).add(record["action"])
    return calls


def test_every_rule_with_handler_tests_was_recorded(recorded_calls):
    with_handler_tests = {path.parts[-3] for path in RULES_DIR.glob("*/tests/test_handler.py")}
    assert with_handler_tests <= set(recorded_calls)
    assert all("config:PutEvaluations" in actions for actions in recorded_calls.values())


def test_account_mode_roles_grant_every_recorded_call(template, recorded_calls):
    resolved = resolver(template, "Account", optional_features=False)
    granted = {}
    for entry in discover():
        role = resolved.resolve(template["Resources"][f"{camel(entry.name)}Role"]["Properties"])
        granted[entry.name] = statement_actions(role["Policies"][0]["PolicyDocument"])
    assert missing_grants(recorded_calls, granted) == {}


def test_member_execution_role_grants_every_recorded_call(template, recorded_calls):
    resolved = resolver(template, "Organization")
    member = json.loads(resolved.resolve(template["Resources"]["ExecutionRoleStackSet"]["Properties"])["TemplateBody"])
    granted_everywhere = statement_actions(member["Resources"]["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"])
    assert missing_grants(recorded_calls, {rule: granted_everywhere for rule in recorded_calls}) == {}


def test_an_undeclared_call_is_reported():
    recorded = {"vpc_flow_logs": {"config:PutEvaluations", "ec2:DescribeFlowLogs"}}
    granted = {"vpc_flow_logs": {"config:PutEvaluations"}}
    assert missing_grants(recorded, granted) == {"vpc_flow_logs": {"ec2:DescribeFlowLogs"}}
