"""Every name a rule has: in the template, in AWS, and back from AWS to the rule.

This is the one place that knows how a rule folder's name becomes the names AWS shows, so that the
template, the demo, ``evaluate``, ``export`` and the docs cannot disagree. Standard library only:
the build (``package.py``) runs with whichever ``python3`` ``sam build`` finds, without the
project's virtual environment.

Functions, roles and Config rules are named ``smguard-<rule-with-hyphens>``: the guardrail SCP
(policies/guardrail-protection.json) protects everything named ``smguard-*``.

How AWS names a deployed rule (AWS Config Developer Guide, "Managing AWS Config rules across all
accounts in your organization": the rule AWS creates in each member account for an organization
rule is ``OrgConfigRule-<organization rule name>-<suffix>``):

- account mode: the Config rule is ``smguard-notebook-root-access``;
- organization mode: the organization rule is ``smguard-notebook-root-access`` in the deploying
  account, and each member account holds ``OrgConfigRule-smguard-notebook-root-access-<suffix>``;
- inside a conformance pack (account or organization conformance pack), the rule the pack declares
  as ``smguard-notebook-root-access`` is created as
  ``smguard-notebook-root-access-conformance-pack-<suffix>`` (AWS Config Developer Guide,
  "Conformance Packs": Config appends ``-conformance-pack-`` and a generated suffix to the names of
  the rules a pack creates, in every account an organization conformance pack reaches).

The conformance pack itself is named ``smguard``; an organization conformance pack's copy in a
member account is ``OrgConformsPack-smguard-<suffix>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

NAME_PREFIX = "smguard-"
ORGANIZATION_MEMBER_PREFIX = "OrgConfigRule-"
CONFORMANCE_PACK_INFIX = "-conformance-pack-"
"""What AWS Config puts between a conformance pack rule's declared name and its suffix."""
CONFORMANCE_PACK_NAME = "smguard"
"""The conformance pack (account mode) and organization conformance pack (organization mode)."""
ORGANIZATION_PACK_MEMBER_PREFIX = "OrgConformsPack-"
"""How AWS names a member account's copy of an organization conformance pack:
``OrgConformsPack-<organization conformance pack name>-<suffix>``."""
MEMBER_SUFFIX = re.compile(r"[a-z0-9]+")
"""The suffix AWS appends to a member account's copy of an organization rule (lowercase letters
and digits, no hyphen: the last hyphen of a member rule's name starts it)."""


class UnknownRuleError(LookupError):
    """A rule name (short or as AWS shows it) that names no rule of the catalogue."""


@dataclass(frozen=True)
class RuleNames:
    """The names one rule folder has, from its short name to what each AWS console shows."""

    rule: str
    """The rule folder's name: ``notebook_root_access`` (what every command accepts)."""

    @property
    def config_rule(self) -> str:
        """The account-mode Config rule: ``smguard-notebook-root-access``."""
        return resource_name(self.rule)

    @property
    def organization_rule(self) -> str:
        """The organization Config rule, in the deploying account (same as the account rule)."""
        return resource_name(self.rule)

    def role(self, region: str) -> str:
        """The rule function's IAM role in ``region`` (``smguard-notebook-root-access-eu-west-1``): IAM
        names are global, so the region in the name lets one stack run in several regions. The
        template passes ``${AWS::Region}`` for ``Fn::Sub`` to fill in."""
        return f"{resource_name(self.rule)}-{region}"

    def remediation_role(self, region: str) -> str:
        """The role the rule's remediation runbook runs as in ``region``
        (``smguard-notebook-root-access-remediation-eu-west-1``)."""
        return f"{resource_name(self.rule)}-remediation-{region}"

    def member_rule(self, suffix: str) -> str:
        """A member account's copy of the organization rule, with the suffix AWS chose."""
        return member_rule_name(self.organization_rule, suffix)

    def pack_rule(self, suffix: str) -> str:
        """The rule a conformance pack creates from this rule's declaration, with the suffix AWS chose
        (account mode, and in every account an organization conformance pack reaches)."""
        return conformance_pack_rule_name(self.config_rule, suffix)

    def is_named(self, aws_name: str) -> bool:
        """Whether ``aws_name`` is one of this rule's names in AWS (account, organization, member,
        conformance pack)."""
        if aws_name in (self.config_rule, self.organization_rule):
            return True
        return any(
            aws_name.startswith(stem) and MEMBER_SUFFIX.fullmatch(aws_name[len(stem):]) is not None
            for stem in (
                f"{ORGANIZATION_MEMBER_PREFIX}{self.organization_rule}-",
                f"{self.config_rule}{CONFORMANCE_PACK_INFIX}",
            )
        )


def member_rule_name(organization_rule: str, suffix: str) -> str:
    """The name AWS gives a member account's copy of any organization rule (smguard's or not)."""
    if not MEMBER_SUFFIX.fullmatch(suffix):
        raise ValueError(f"member rule suffix {suffix!r} is not lowercase letters and digits")
    return f"{ORGANIZATION_MEMBER_PREFIX}{organization_rule}-{suffix}"


def conformance_pack_rule_name(declared: str, suffix: str) -> str:
    """The name AWS gives the rule a conformance pack declares as ``declared`` (smguard's or not)."""
    if not MEMBER_SUFFIX.fullmatch(suffix):
        raise ValueError(f"conformance pack rule suffix {suffix!r} is not lowercase letters and digits")
    return f"{declared}{CONFORMANCE_PACK_INFIX}{suffix}"


def is_conformance_pack_rule(aws_name: str) -> bool:
    """Whether ``aws_name`` is the name AWS Config gives a rule a conformance pack created
    (``<declared>-conformance-pack-<suffix>``, in account mode and in every account an organization
    conformance pack reaches), smguard's or not: only such rules count in a pack's compliance score."""
    return conformance_pack_suffix(aws_name) is not None


def conformance_pack_suffix(aws_name: str) -> str | None:
    """The suffix AWS Config gave a conformance pack's rule (its pack ID's, the same for every rule of
    one pack), or None for a rule no conformance pack created."""
    declared, infix, suffix = aws_name.rpartition(CONFORMANCE_PACK_INFIX)
    return suffix if infix and declared and MEMBER_SUFFIX.fullmatch(suffix) else None


def member_pack_name(organization_pack: str, suffix: str) -> str:
    """The name AWS gives a member account's copy of an organization conformance pack."""
    if not MEMBER_SUFFIX.fullmatch(suffix):
        raise ValueError(f"member conformance pack suffix {suffix!r} is not lowercase letters and digits")
    return f"{ORGANIZATION_PACK_MEMBER_PREFIX}{organization_pack}-{suffix}"


def is_smguard_pack(aws_name: str) -> bool:
    """Whether a conformance pack's name in AWS is smguard's: the account pack, or a member account's
    copy of the organization pack."""
    if aws_name == CONFORMANCE_PACK_NAME:
        return True
    stem = f"{ORGANIZATION_PACK_MEMBER_PREFIX}{CONFORMANCE_PACK_NAME}-"
    return aws_name.startswith(stem) and MEMBER_SUFFIX.fullmatch(aws_name[len(stem):]) is not None


def names(rule: str) -> RuleNames:
    """Every name of the rule folder ``rule``."""
    return RuleNames(rule)


def rule_of(aws_name: str, rules: Iterable[str]) -> str | None:
    """The rule folder an AWS Config rule name belongs to, or None when it is none of ``rules``."""
    for rule in rules:
        if names(rule).is_named(aws_name):
            return rule
    return None


def resolve(given: str, rules: Iterable[str]) -> str:
    """The rule folder a user means by ``given``: its short name or any of its AWS names.

    Raises :class:`UnknownRuleError` listing the rules there are."""
    known = sorted(rules)
    if given in known:
        return given
    found = rule_of(given, known)
    if found is None:
        raise UnknownRuleError(
            f"{given!r} names no smguard rule; give a rule's name ({', '.join(known) or 'none'}) "
            f"or its Config rule name (e.g. {names(known[0]).config_rule if known else 'smguard-<rule>'}{CONFORMANCE_PACK_INFIX}<suffix>, "
            "as the conformance pack created it)"
        )
    return found


def camel(rule_name: str) -> str:
    """``notebook_root_access`` -> ``NotebookRootAccess``, the stem of every logical ID of the rule."""
    return "".join(part[:1].upper() + part[1:] for part in rule_name.split("_"))


def resource_name(rule_name: str) -> str:
    """``notebook_root_access`` -> ``smguard-notebook-root-access`` (function and Config rule name)."""
    return NAME_PREFIX + rule_name.replace("_", "-")


def function_logical_id(rule_name: str) -> str:
    return f"{camel(rule_name)}Function"


def rule_for_function_logical_id(logical_id: str, rule_names: list[str]) -> str:
    """The rule whose function has ``logical_id``; raises ``LookupError`` naming the candidates."""
    matches = [name for name in rule_names if function_logical_id(name) == logical_id]
    if len(matches) != 1:
        raise LookupError(
            f"no single rule folder has the function logical ID {logical_id!r} "
            f"(rules: {', '.join(rule_names) or 'none'})"
        )
    return matches[0]
