"""smguard.policies.template_fragment: the CloudFormation the template generator merges."""

from __future__ import annotations

import json
import re

import pytest
from cfnlint.api import lint

from smguard.policies import DEPLOY_CONDITION, PolicySourceError, template_fragment

from .policy_data import PLACEHOLDER_VALUES, POLICIES

FRAGMENT = template_fragment()


def test_fragment_has_exactly_the_three_sections():
    assert set(FRAGMENT) == {"Parameters", "Conditions", "Resources"}
    assert set(FRAGMENT["Parameters"]) == {"DeployPreventiveControls", "TargetIds", "AdministratorRoleArn"}


def test_deploy_switch_defaults_to_off():
    parameter = FRAGMENT["Parameters"]["DeployPreventiveControls"]
    assert (parameter["AllowedValues"], parameter["Default"]) == (["true", "false"], "false")
    assert FRAGMENT["Conditions"][DEPLOY_CONDITION] == {
        "Fn::Equals": [{"Ref": "DeployPreventiveControls"}, "true"]
    }


def test_a_template_made_of_the_fragment_passes_cfn_lint():
    template = {"AWSTemplateFormatVersion": "2010-09-09", **FRAGMENT}
    assert [str(match) for match in lint(json.dumps(template), regions=["us-east-1"])] == []


@pytest.mark.parametrize("name", POLICIES)
def test_one_conditional_resource_per_policy(name):
    policy = POLICIES[name]
    resource = FRAGMENT["Resources"][policy.logical_id]
    assert resource["Type"] == "AWS::Organizations::Policy"
    assert resource["Condition"] == DEPLOY_CONDITION
    assert resource["Properties"]["Name"] == name
    assert resource["Properties"]["Type"] == policy.type
    assert resource["Properties"]["TargetIds"]["Fn::If"][1] == {"Ref": "TargetIds"}


@pytest.mark.parametrize("name", POLICIES)
def test_content_is_the_minified_document_substituted_by_fn_sub(name):
    content = FRAGMENT["Resources"][POLICIES[name].logical_id]["Properties"]["Content"]
    text = content["Fn::Sub"] if isinstance(content, dict) else content
    assert json.loads(text) == POLICIES[name].content
    assert text == json.dumps(POLICIES[name].content, separators=(",", ":"))
    assert isinstance(content, dict) == bool(POLICIES[name].placeholders())


def test_rendering_refuses_a_missing_placeholder_value():
    with pytest.raises(PolicySourceError, match="AdministratorRoleArn"):
        POLICIES["smguard-guardrail-protection"].rendered({})


def _allowed(parameter: str, value: str) -> bool:
    spec = FRAGMENT["Parameters"][parameter]
    return re.fullmatch(spec["AllowedPattern"], value) is not None and len(value) <= spec.get(
        "MaxLength", len(value)
    )


@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        ("r-ab12", True),
        ("ou-ab12-abcdefgh", True),
        ("111122223333", True),
        ("", True),
        ("r-AB12", False),
        ("ou-ab12", False),
        ("11112222333", False),
        ("arn:aws:organizations::111122223333:root/o-abc/r-ab12", False),
    ],
    ids=lambda v: repr(v) if isinstance(v, str) else str(v),
)
def test_target_id_pattern(value, allowed):
    """CloudFormation applies the pattern to each value of the CommaDelimitedList."""
    assert _allowed("TargetIds", value) is allowed


@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        (PLACEHOLDER_VALUES["AdministratorRoleArn"], True),
        ("arn:aws:iam::111122223333:role/smguard-admin", True),
        ("arn:aws-us-gov:iam::*:role/smguard-admin", True),
        ("arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SmguardAdmin_*", True),
        ("arn:aws:iam::*:role/*", False),
        ("arn:aws:iam::*:user/admin", False),
        ("arn:aws:iam::1234:role/admin", False),
        ("arn:aws:sts::111122223333:assumed-role/admin/session", False),
        ("", False),
        ("arn:aws:iam::*:role/" + "a" * 700, False),
    ],
    ids=lambda v: (v[:60] or "empty") if isinstance(v, str) else str(v),
)
def test_administrator_role_arn_pattern(value, allowed):
    assert _allowed("AdministratorRoleArn", value) is allowed
