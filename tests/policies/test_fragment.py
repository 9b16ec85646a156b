"""smguard.policies.template_fragment: the CloudFormation the template generator merges."""

from __future__ import annotations

import json
import re

import pytest
from cfnlint.api import lint

from smguard.policies import DEPLOY_CONDITION, DERIVED, PolicySourceError, template_fragment

from smguard.catalogue import discover
from smguard.deploy.naming import names
from smguard.deploy.stack_parameters import EXECUTION_ROLE_NAME_PATTERN, global_parameters

from .policy_data import ACCEPTED_ADMIN_ROLE_PATTERNS, POLICIES, REFUSED_ADMIN_ROLE_PATTERNS

EXECUTION_ROLE_DEFAULT = global_parameters([])["ExecutionRoleName"]["Default"]

FRAGMENT = template_fragment()


def test_fragment_has_exactly_the_three_sections():
    assert set(FRAGMENT) == {"Parameters", "Conditions", "Resources"}
    assert set(FRAGMENT["Parameters"]) == {"DeployPreventiveControls", "TargetIds", "AdministratorRoleArn", "ControlTowerMode"}


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
    if isinstance(text, list):
        # Fn::Sub with a variable map: the derived values the document uses, each a CloudFormation expression.
        text, variables = text
        assert set(variables) == POLICIES[name].placeholders() & set(DERIVED)
    if isinstance(content, dict):
        # Fn::Sub renders ${!x} as ${x}: the escaped policy variables reach Organizations unresolved.
        text = text.replace("${!", "${")
    assert json.loads(text) == POLICIES[name].content
    assert text == json.dumps(POLICIES[name].content, separators=(",", ":"))
    assert isinstance(content, dict) == bool(POLICIES[name].placeholders())


def test_control_tower_mode_exempts_the_execution_role_only_when_switched_on():
    [expression] = [
        variables["ControlTowerExecutionRoleArn"]
        for resource in FRAGMENT["Resources"].values()
        if isinstance(resource["Properties"]["Content"], dict)
        and isinstance(variables := resource["Properties"]["Content"]["Fn::Sub"][1], dict)
    ]
    assert expression == {
        "Fn::If": ["ControlTowerModeOn", "arn:*:iam::*:role/AWSControlTowerExecution", {"Ref": "AdministratorRoleArn"}]
    }
    assert FRAGMENT["Conditions"]["ControlTowerModeOn"] == {"Fn::Equals": [{"Ref": "ControlTowerMode"}, "true"]}
    assert FRAGMENT["Parameters"]["ControlTowerMode"]["Default"] == "false"


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


@pytest.mark.parametrize("value", ACCEPTED_ADMIN_ROLE_PATTERNS, ids=lambda v: v[:70])
def test_administrator_role_arn_pattern_accepts(value):
    assert _allowed("AdministratorRoleArn", value)


@pytest.mark.parametrize(
    "value",
    [
        # Not a role, or not an ARN the guardrail can match.
        "arn:aws:iam::*:user/admin",
        "arn:aws:iam::1234:role/smguard-admin",
        "arn:aws:sts::111122223333:assumed-role/smguard-admin/session",
        "",
        # Every role, or every role of a family: every rule role, every Identity Center user.
        "arn:aws:iam::*:role/*",
        "arn:aws:iam::*:role/smguard-*",
        "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*",
        "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_*",
        # Roles that ordinary principals can create or re-trust: no smguard- prefix, or a path that
        # takes the name out of role/smguard-*, or a reserved-looking path that is not IAM
        # Identity Center's.
        "arn:aws:iam::*:role/admin",
        "arn:aws:iam::*:role/team/smguard-admin",
        "arn:aws:iam::*:role/stacksets-exec-*",
        "arn:aws:iam::*:role/aws-reserved/other.amazonaws.com/AWSReservedSSO_Admin_x",
        "arn:aws:iam::*:role/AWSReservedSSO_SmguardAdmin_0123456789abcdef",
        # Longer than MaxLength.
        "arn:aws:iam::*:role/smguard-" + "a" * 300,
    ],
    ids=lambda v: v[:70] or "empty",
)
def test_administrator_role_arn_pattern_refuses(value):
    assert not _allowed("AdministratorRoleArn", value)


@pytest.mark.parametrize("value", REFUSED_ADMIN_ROLE_PATTERNS.values(), ids=REFUSED_ADMIN_ROLE_PATTERNS.keys())
def test_administrator_role_arn_pattern_refuses_what_matches_roles_others_can_act_as(value):
    """Issue 14, finding 6: smguard-s*, -n*, -r*, -v* matched the rule functions' own roles, which
    Lambda assumes; AWSReservedSSO_A* every permission set starting with A."""
    assert not _allowed("AdministratorRoleArn", value)


def _arn_like(pattern: str, arn: str) -> bool:
    """IAM's ArnLike on the resource part: * any run of characters, ? exactly one."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), arn) is not None


def test_no_role_smguard_creates_can_match_an_accepted_administrator_pattern():
    """Derived from the catalogue: every rule role in every region, the re-evaluation role, and the
    default execution role; and ExecutionRoleName refuses the administrator's name space."""
    rules = [entry.name for entry in discover()]
    regions = ("eu-west-1", "ap-southeast-2", "us-gov-west-1")
    own = [names(rule).role(region) for rule in rules for region in regions]
    own += [names(rule).remediation_role(region) for rule in rules for region in regions]
    own += ["smguard-reevaluation-eu-west-1", EXECUTION_ROLE_DEFAULT]
    for pattern in ACCEPTED_ADMIN_ROLE_PATTERNS:
        resource = pattern.split(":", 5)[5]
        assert [role for role in own if _arn_like(resource, f"role/{role}")] == [], pattern
    assert re.fullmatch(EXECUTION_ROLE_NAME_PATTERN, "smguard-admin-x") is None
    assert re.fullmatch(EXECUTION_ROLE_NAME_PATTERN, EXECUTION_ROLE_DEFAULT) is not None


def test_the_matcher_above_has_teeth():
    assert _arn_like("role/smguard-s*", "role/smguard-sagemaker-kms-eu-west-1")
    assert _arn_like("role/AWSReservedSSO_A_????", "role/AWSReservedSSO_A_0a1b")
    assert not _arn_like("role/AWSReservedSSO_A_????", "role/AWSReservedSSO_A_B_0a1b")
