"""What a check decides about one resource, and the annotation that explains it.

The annotation is the only thing a data scientist sees in the Config console, so it names the
property, its value and the fix. AWS Config accepts 1 to 256 characters; findings that do not fit
are counted rather than cut mid-word.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

ANNOTATION_MAX_LENGTH = 256


class Compliance(str, Enum):
    """The compliance types a custom rule may post (INSUFFICIENT_DATA cannot be posted)."""

    COMPLIANT = "COMPLIANT"
    NON_COMPLIANT = "NON_COMPLIANT"
    NOT_APPLICABLE = "NOT_APPLICABLE"


@dataclass(frozen=True)
class Verdict:
    """A check's decision on one resource."""

    compliance: Compliance
    annotation: str

    @classmethod
    def compliant(cls, reason: str) -> Verdict:
        return cls(Compliance.COMPLIANT, fit_annotation(reason))

    @classmethod
    def not_applicable(cls, reason: str) -> Verdict:
        return cls(Compliance.NOT_APPLICABLE, fit_annotation(reason))

    @classmethod
    def non_compliant(cls, *findings: str) -> Verdict:
        """One or more findings, each a sentence naming property, value and fix."""
        if not findings:
            raise ValueError("a NON_COMPLIANT verdict needs at least one finding")
        return cls(Compliance.NON_COMPLIANT, join_findings(findings))


def join_findings(findings: tuple[str, ...] | list[str]) -> str:
    """Join findings with spaces; when they overflow, keep those that fit and count the rest."""
    findings = [f.strip() for f in findings]
    joined = " ".join(findings)
    if len(joined) <= ANNOTATION_MAX_LENGTH:
        return joined
    for kept in range(len(findings) - 1, 0, -1):
        suffix = f" (+{len(findings) - kept} more finding(s))"
        text = " ".join(findings[:kept]) + suffix
        if len(text) <= ANNOTATION_MAX_LENGTH:
            return text
    return fit_annotation(findings[0] + f" (+{len(findings) - 1} more finding(s))" if len(findings) > 1 else findings[0])


def fit_annotation(text: str) -> str:
    """Return ``text`` within AWS Config's 1 to 256 characters, cut at a word with an ellipsis."""
    text = " ".join(text.split())
    if not text:
        raise ValueError("an annotation must not be empty: AWS Config rejects it")
    if len(text) <= ANNOTATION_MAX_LENGTH:
        return text
    cut = text[: ANNOTATION_MAX_LENGTH - 3]
    if " " in cut[-40:]:
        cut = cut[: cut.rfind(" ")]
    return cut + "..."


def describe_ids(ids: list[str], shown: int) -> str:
    """The first ``shown`` ids and a count of the rest, so a long list cannot crowd out the fix."""
    text = ", ".join(ids[:shown])
    return text + (f" (+{len(ids) - shown} more)" if len(ids) > shown else "")


JSON_TYPE_NAMES = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}


def describe_typed_value(value: object) -> str:
    """Render a recorded value with its JSON type unless it is a string, so "true" and true differ.

    Used where a property has the wrong type or casing: the data scientist must see exactly what
    was recorded. A null (present, but None) is "null", unlike :func:`describe_value`'s "absent".
    """
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'"{value}"' if value else "empty"
    return f"{describe_value(value)} ({JSON_TYPE_NAMES.get(type(value), f'a {type(value).__name__}')})"


def describe_value(value: object) -> str:
    """Render a recorded property value for an annotation, saying 'absent' rather than 'None'."""
    if value is None:
        return "absent"
    if isinstance(value, str):
        return value if value else "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
