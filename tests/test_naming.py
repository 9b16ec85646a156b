"""The one naming function: every name a rule has in AWS, and back to the rule."""

from __future__ import annotations

import pytest

from smguard.deploy.naming import (
    UnknownRuleError,
    conformance_pack_rule_name,
    is_conformance_pack_rule,
    is_smguard_pack,
    member_pack_name,
    member_rule_name,
    names,
    resolve,
    rule_of,
)

RULES = ["notebook_root_access", "notebook_in_vpc", "vpc_flow_logs"]


def test_a_rule_has_one_config_rule_name_in_account_and_organization_mode() -> None:
    rule = names("notebook_root_access")
    assert rule.config_rule == "smguard-notebook-root-access"
    assert rule.organization_rule == "smguard-notebook-root-access"


def test_the_rule_functions_role_names_its_region_because_iam_names_are_global() -> None:
    assert names("notebook_root_access").role("eu-west-1") == "smguard-notebook-root-access-eu-west-1"


def test_member_accounts_hold_the_organization_rule_under_orgconfigrule_with_a_suffix() -> None:
    assert names("notebook_root_access").member_rule("a1b2c3d4") == "OrgConfigRule-smguard-notebook-root-access-a1b2c3d4"


def test_any_organization_rule_is_copied_under_the_same_pattern() -> None:
    """The embedded AWS names the member copies of any organization rule, smguard's or not, so."""
    assert member_rule_name("other-team-rule", "z9y8x7w6") == "OrgConfigRule-other-team-rule-z9y8x7w6"
    with pytest.raises(ValueError, match="suffix"):
        member_rule_name("other-team-rule", "Z9")


def test_a_conformance_pack_creates_the_rule_it_declares_under_its_name_with_a_suffix() -> None:
    assert names("notebook_root_access").pack_rule("x7k2m9qa") == "smguard-notebook-root-access-conformance-pack-x7k2m9qa"
    assert conformance_pack_rule_name("other-team-rule", "z9") == "other-team-rule-conformance-pack-z9"
    with pytest.raises(ValueError, match="conformance pack rule suffix"):
        names("notebook_root_access").pack_rule("Z9")


@pytest.mark.parametrize(
    ("aws_name", "in_a_pack"),
    [
        ("smguard-notebook-root-access-conformance-pack-x7k2m9qa", True),
        ("other-team-rule-conformance-pack-z9", True),  # any pack's rule, smguard's or not
        ("smguard-notebook-root-access", False),  # account mode's standalone rule
        ("OrgConfigRule-smguard-notebook-root-access-a1b2c3d4", False),  # an organization rule's copy
        ("smguard-notebook-root-access-conformance-pack-", False),  # no suffix
        ("smguard-notebook-root-access-conformance-pack-X7K2", False),  # AWS's suffixes are lowercase
        ("-conformance-pack-x7k2", False),  # no declared name
    ],
)
def test_a_conformance_pack_rule_is_told_by_its_name(aws_name: str, in_a_pack: bool) -> None:
    assert is_conformance_pack_rule(aws_name) is in_a_pack
    assert is_conformance_pack_rule(names("notebook_root_access").pack_rule("x7k2m9qa"))


@pytest.mark.parametrize(
    ("aws_name", "smguards"),
    [
        ("smguard", True),
        ("OrgConformsPack-smguard-q1w2e3r4", True),
        ("OrgConformsPack-smguard-", False),  # no suffix
        ("OrgConformsPack-smguard-Q1W2", False),  # AWS's suffixes are lowercase
        ("OrgConformsPack-smguard-extra-q1w2", False),  # another pack's copy
        ("smguard-extra", False),
        ("Operational-Best-Practices-for-AI-and-ML", False),
    ],
)
def test_smguards_pack_is_told_by_its_name_in_the_account_and_in_member_accounts(aws_name: str, smguards: bool) -> None:
    assert is_smguard_pack(aws_name) is smguards


def test_member_accounts_hold_an_organization_conformance_pack_under_orgconformspack() -> None:
    assert member_pack_name("smguard", "q1w2e3r4") == "OrgConformsPack-smguard-q1w2e3r4"
    with pytest.raises(ValueError, match="member conformance pack suffix"):
        member_pack_name("smguard", "q1-w2")


@pytest.mark.parametrize("suffix", ["", "A1", "a-b", "a b"])
def test_a_member_suffix_is_lowercase_letters_and_digits(suffix: str) -> None:
    with pytest.raises(ValueError, match="suffix"):
        names("notebook_root_access").member_rule(suffix)


@pytest.mark.parametrize(
    ("aws_name", "rule"),
    [
        ("smguard-notebook-root-access", "notebook_root_access"),
        ("OrgConfigRule-smguard-notebook-root-access-x7k2m9qa", "notebook_root_access"),
        ("OrgConfigRule-smguard-notebook-in-vpc-abc", "notebook_in_vpc"),
        ("smguard-notebook_root_access", None),  # the underscore spelling is no name AWS shows
        ("OrgConfigRule-smguard-notebook-root-access", None),  # no suffix
        ("OrgConfigRule-smguard-notebook-root-access-ABC", None),
        ("OrgConfigRule-smguard-notebook-root-access-extra-x7k2", None),  # another rule's name, not this one's
        ("smguard-notebook-root-access-conformance-pack-x7k2m9qa", "notebook_root_access"),
        ("smguard-notebook-in-vpc-conformance-pack-abc", "notebook_in_vpc"),
        ("smguard-notebook-root-access-conformance-pack-", None),  # no suffix
        ("smguard-notebook-root-access-conformance-pack-X7K2", None),
        ("smguard-notebook-root-access-extra-conformance-pack-x7k2", None),  # another rule's name
        ("OrgConfigRule-smguard-notebook-root-access-conformance-pack-x7k2", None),
        ("notebook_root_access", None),
    ],
)
def test_an_aws_name_leads_back_to_its_rule_and_nothing_else(aws_name: str, rule: str | None) -> None:
    assert rule_of(aws_name, RULES) == rule


def test_a_command_accepts_the_short_name_or_any_aws_name() -> None:
    assert resolve("vpc_flow_logs", RULES) == "vpc_flow_logs"
    assert resolve("smguard-vpc-flow-logs", RULES) == "vpc_flow_logs"
    assert resolve("OrgConfigRule-smguard-vpc-flow-logs-q1w2e3r4", RULES) == "vpc_flow_logs"
    assert resolve("smguard-vpc-flow-logs-conformance-pack-q1w2e3r4", RULES) == "vpc_flow_logs"


def test_an_unknown_name_is_refused_naming_the_rules_there_are() -> None:
    with pytest.raises(UnknownRuleError) as refused:
        resolve("vpc-flow-logs", RULES)
    assert str(refused.value) == (
        "'vpc-flow-logs' names no smguard rule; give a rule's name (notebook_in_vpc, notebook_root_access, "
        "vpc_flow_logs) or its Config rule name (e.g. smguard-notebook-in-vpc-conformance-pack-<suffix>, as the "
        "conformance pack created it)"
    )
