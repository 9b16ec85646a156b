"""Reading properties of a recorded configuration: absent versus null, and lists of resource ids.

Shared by the rules that hold subnets and security groups to allow-lists, so that each says the
same thing about the same defect.
"""

from __future__ import annotations

from typing import Any

from smguard.engine.verdict import describe_typed_value

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
