"""What a check decides about one resource, and the annotation that explains it.

The annotation is the only thing a data scientist sees in the Config console, so it names the
property, its value and the fix. AWS Config accepts 1 to 256 characters; findings that do not fit
are counted rather than cut mid-word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

ANNOTATION_MAX_LENGTH = 256


class Compliance(str, Enum):
    """The compliance types a custom rule may post (INSUFFICIENT_DATA cannot be posted)."""

    COMPLIANT = "COMPLIANT"
    NON_COMPLIANT = "NON_COMPLIANT"
    NOT_APPLICABLE = "NOT_APPLICABLE"


@dataclass(frozen=True)
class Finding:
    """A finding made of parts (reasons, gaps) of which as many are shown as fit, and a fix that is always shown.

    ``lead`` + the parts joined by ``separator`` + a count of the parts left out + the fix. ``fixes``
    are alternatives, most specific first: the most specific one that fits with at least one part
    is used, with as many parts as fit beside it; with ``prefer_parts``, as many parts as fit are
    shown, with the most specific fix that leaves room for them. Only when even the first part does
    not fit with the shortest fix is that part cut, at a word.
    A part may itself be a Finding: it is then fitted into the room left rather than cut.
    """

    parts: tuple[str | Finding, ...]
    fixes: tuple[str, ...] = ("",)
    lead: str = ""
    separator: str = "; "
    more: str = " (+{n} more)"
    prefer_parts: bool = False

    def __post_init__(self) -> None:
        if not self.parts or not self.fixes:
            raise ValueError("a finding needs at least one part and one fix (which may be empty)")

    def fit(self, limit: int = ANNOTATION_MAX_LENGTH) -> str:
        texts = [str(part) for part in self.parts]
        counts = range(len(texts), 0, -1)
        tries = (
            [(kept, fix) for kept in counts for fix in self.fixes]
            if self.prefer_parts
            else [(kept, fix) for fix in self.fixes for kept in counts]
        )
        for kept, fix in tries:
            text = self.lead + self.separator.join(texts[:kept]) + self._count(kept) + fix
            if len(text) <= limit:
                return text
        fix, count = self.fixes[-1], self._count(1)
        room = limit - len(self.lead) - len(count) - len(fix)
        first = self.parts[0]
        if isinstance(first, Finding):
            return self.lead + first.fit(room) + count + fix
        if room <= len("..."):
            raise ValueError(f"no room for a finding within {limit} characters beside {self.lead!r} and {fix!r}")
        return self.lead + _cut_at_word(first, room) + count + fix

    def _count(self, kept: int) -> str:
        return self.more.format(n=len(self.parts) - kept) if kept < len(self.parts) else ""

    def __str__(self) -> str:
        return self.fit()


@dataclass(frozen=True)
class Verdict:
    """A check's decision on one resource.

    ``findings`` keeps what a NON_COMPLIANT annotation was made of, so that the engine can fit it
    again behind a note of its own (an expired exemption) without cutting off a fix.
    """

    compliance: Compliance
    annotation: str
    findings: tuple[str | Finding, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def compliant(cls, reason: str) -> Verdict:
        return cls(Compliance.COMPLIANT, fit_annotation(reason))

    @classmethod
    def not_applicable(cls, reason: str) -> Verdict:
        return cls(Compliance.NOT_APPLICABLE, fit_annotation(reason))

    @classmethod
    def non_compliant(cls, *findings: str | Finding) -> Verdict:
        """One or more findings, each a sentence naming property, value and fix."""
        if not findings:
            raise ValueError("a NON_COMPLIANT verdict needs at least one finding")
        return cls(Compliance.NON_COMPLIANT, join_findings(findings), findings)


def join_findings(findings: Sequence[str | Finding], *, lead: str = "") -> str:
    """``lead``, then the findings joined with spaces; when they overflow, keep those that fit and count the rest."""
    parts = tuple(finding if isinstance(finding, Finding) else finding.strip() for finding in findings)
    return Finding(parts, lead=lead, separator=" ", more=" (+{n} more finding(s))").fit()


def fit_annotation(text: str) -> str:
    """Return ``text`` within AWS Config's 1 to 256 characters, cut at a word with an ellipsis."""
    text = " ".join(text.split())
    if not text:
        raise ValueError("an annotation must not be empty: AWS Config rejects it")
    if len(text) <= ANNOTATION_MAX_LENGTH:
        return text
    return _cut_at_word(text, ANNOTATION_MAX_LENGTH)


def _cut_at_word(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters with an ellipsis, at a word if one ends in the last 40."""
    cut = text[: length - 3]
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
