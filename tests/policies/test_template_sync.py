"""template.yaml deploys exactly the policies in policies/: same content, same settings.

The template is loaded with cfn-lint's decoder, which understands CloudFormation's short-form
tags (!Sub, !Ref, ...) and turns them into their long form. Until the template generator writes
the policies into template.yaml these tests fail, on purpose: a template without them, or with
stale copies, must not pass CI.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from cfnlint.decode import decode

from smguard.policies import DEPLOY_CONDITION, POLICIES_DIR, template_fragment

from .policy_data import PLACEHOLDER_VALUES, POLICIES

TEMPLATE = POLICIES_DIR.parent / "template.yaml"
ORGANIZATIONS_POLICY = "AWS::Organizations::Policy"


@functools.cache
def _template() -> tuple[dict[str, Any] | None, str]:
    template, matches = decode(str(TEMPLATE))
    return template, "; ".join(str(match) for match in matches or [])


def _loaded() -> dict[str, Any]:
    template, problems = _template()
    assert template is not None, f"cannot load {TEMPLATE}: {problems}"
    return template


def _policy_resources() -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in _loaded().get("Resources", {}).items()
        if resource.get("Type") == ORGANIZATIONS_POLICY
    }


def _deployed_content(content: Any) -> Any:
    """The document CloudFormation would send to Organizations, placeholders filled in."""
    if isinstance(content, dict) and set(content) == {"Fn::Sub"}:
        text = content["Fn::Sub"]
        if isinstance(text, list):
            # The variable map holds the derived values; their rendered values are in PLACEHOLDER_VALUES.
            text, variables = text
            assert set(variables) <= set(PLACEHOLDER_VALUES), variables
        for name, value in PLACEHOLDER_VALUES.items():
            text = text.replace("${" + name + "}", value)
        return json.loads(text.replace("${!", "${"))
    return json.loads(content) if isinstance(content, str) else content


def _resource_for(name: str) -> dict[str, Any]:
    matching = [
        resource for resource in _policy_resources().values() if resource["Properties"].get("Name") == name
    ]
    assert len(matching) == 1, f"template.yaml has {len(matching)} {ORGANIZATIONS_POLICY} named {name}"
    return matching[0]


@pytest.mark.parametrize("name", POLICIES)
def test_template_content_equals_the_policy_file(name):
    content = _resource_for(name)["Properties"]["Content"]
    assert _deployed_content(content) == POLICIES[name].rendered(PLACEHOLDER_VALUES)


@pytest.mark.parametrize("name", POLICIES)
def test_template_resource_settings_match_the_fragment(name):
    """Type, condition and targets as template_fragment() defines them."""
    resource = _resource_for(name)
    expected = template_fragment()["Resources"][POLICIES[name].logical_id]
    assert resource["Condition"] == DEPLOY_CONDITION
    for key in ("Type", "TargetIds", "Description"):
        assert resource["Properties"][key] == expected["Properties"][key], key


def test_template_has_no_other_organizations_policy():
    names = {resource["Properties"].get("Name") for resource in _policy_resources().values()}
    assert names == set(POLICIES)


def test_template_parameters_and_conditions_match_the_fragment():
    template, fragment = _loaded(), template_fragment()
    for section in ("Parameters", "Conditions"):
        for logical_id, definition in fragment[section].items():
            assert template.get(section, {}).get(logical_id) == definition, f"{section}/{logical_id}"
