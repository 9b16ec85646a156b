"""What template.yaml lets each rule's function call, per deployment mode, and what a run called beyond it.

Account mode: the rule's generated role. Organization mode: the member-account execution role,
which every rule's function assumes. A rule that calls an API it does not declare in
``aws_actions`` is caught by comparing the calls recorded while its handler tests run
(tests/support/aws_calls.py) with these grants.
"""

from __future__ import annotations

import json
from typing import Any

from smguard.catalogue import discover
from smguard.deploy.naming import camel
from tests.template.conftest import resolver
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


def granted_by_mode(template: dict[str, Any]) -> dict[str, dict[str, set[str]]]:
    """Deployment mode -> rule name -> the IAM actions its function may call there."""
    account = resolver(template, "Account", optional_features=False)
    in_account = {}
    for entry in discover():
        role = account.resolve(template["Resources"][f"{camel(entry.name)}Role"]["Properties"])
        in_account[entry.name] = statement_actions(role["Policies"][0]["PolicyDocument"])
    organization = resolver(template, "Organization")
    member = json.loads(organization.resolve(template["Resources"]["ExecutionRoleStackSet"]["Properties"])["TemplateBody"])
    everywhere = statement_actions(member["Resources"]["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"])
    return {"Account": in_account, "Organization": {entry.name: everywhere for entry in discover()}}
