"""Reading properties of a recorded configuration: absent versus null, and lists of resource ids.

Shared by the rules that hold subnets and security groups to allow-lists, so that each says the
same thing about the same defect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smguard.engine.verdict import describe_ids, describe_typed_value

ABSENT = object()
"""Marks a property missing from the recorded configuration (as opposed to recorded as null):
``configuration.get(name, ABSENT)``."""

SUBNET_ID = r"subnet-[0-9a-f]{8,17}"
SECURITY_GROUP_ID = r"sg-[0-9a-f]{8,17}"
"""EC2's id formats, for allow-list parameters (8 hex digits for old ids, 17 for current ones)."""


def id_list_problem(value: Any, what: str, *, when_missing: str = "") -> str | None:
    """Why a recorded list of ids cannot be checked against an allow-list ("is absent", "is [...] (a
    list), not a list of subnet ids"...), or None when it is a non-empty list of non-empty strings.

    ``when_missing`` follows "is absent" and "is empty", to say what a missing list means to the rule.
    """
    if value is ABSENT:
        return f"is absent{when_missing}"
    if value == []:
        return f"is empty{when_missing}"
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        return f"is {describe_typed_value(value)}, not a list of {what}"
    return None


def describe_off_by_default(value: Any) -> str:
    """A boolean setting that is not exactly true, absent meaning false (EnableNetworkIsolation...)."""
    if value is ABSENT:
        return "absent (defaults to false)"
    if value is False:
        return "false"
    return f"{describe_typed_value(value)}, not the boolean true"


def vpc_config_findings(
    vpc_config: Any, subnet_ids: tuple[str, ...] | None, security_group_ids: tuple[str, ...] | None, shown: int
) -> tuple[list[str], list[str], str]:
    """A SageMaker ``VpcConfig`` (``Subnets``, ``SecurityGroupIds``) held to optional allow-lists:
    the findings, what a replacement needs to fix each, and where a compliant one places the
    containers. A VpcConfig without subnets places nothing, so it counts as none; ``shown`` ids are
    named before the rest are counted."""
    if vpc_config is ABSENT:
        return ["VpcConfig is absent"], ["a VpcConfig"], ""
    if not isinstance(vpc_config, Mapping):
        return [f"VpcConfig is {describe_typed_value(vpc_config)}, not an object"], ["a VpcConfig"], ""
    subnets = vpc_config.get("Subnets", ABSENT)
    groups = vpc_config.get("SecurityGroupIds", ABSENT)
    if subnets is ABSENT or subnets == []:
        missing = "no" if subnets is ABSENT else "empty"
        return [f"VpcConfig has {missing} Subnets, so it places nothing"], ["a VpcConfig"], ""
    findings, needs = [], []
    for prop, value, approved, what in (
        ("Subnets", subnets, subnet_ids, "subnet"),
        ("SecurityGroupIds", groups, security_group_ids, "security group"),
    ):
        problem = id_list_problem(value, f"{what} ids")
        if problem:
            findings.append(f"VpcConfig.{prop} {problem}")
            needs.append(f"valid VpcConfig.{prop}")
            continue
        outside = [item for item in value if approved is not None and item not in approved]
        if outside:
            findings.append(f"VpcConfig.{prop} has {describe_ids(outside, shown)} not approved")
            needs.append(f"approved {what}s")
    if findings:
        return findings, needs, ""
    # Say approved only of what was checked: one parameter alone approves nothing about the other list.
    checked = [name for name, ids in (("subnets", subnet_ids), ("security groups", security_group_ids)) if ids is not None]
    approved_note = " (approved)" if len(checked) == 2 else f" ({checked[0]} approved)" if checked else ""
    return [], [], f"subnets {describe_ids(subnets, shown)} with security groups {describe_ids(groups, shown)}{approved_note}"
