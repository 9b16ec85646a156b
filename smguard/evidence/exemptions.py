"""Read the exemption an ``EXEMPT ...`` annotation records, for the evidence rows.

The rule engine writes the annotation (:meth:`smguard.engine.exemptions.Exemption.exempt_annotation`):
``EXEMPT until 2027-03-31 (ticket SEC-1234, approved by jane.doe@bank.example): reason``, with
the ticket or the approver possibly absent. This is the one place that reads it back; the tests
round-trip it through the engine's formatter so the two cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

EXEMPT_PREFIX = "EXEMPT "
EXPIRED_PREFIX = "Exemption "
_ANNOTATION = re.compile(r"EXEMPT until (?P<expires>\d{4}-\d{2}-\d{2}) \((?P<approval>.*?)\): (?P<reason>.*)", re.DOTALL)
_EXPIRED = re.compile(
    r"Exemption (?:\(approved by (?P<approver>.+?)\)|(?P<ticket>.+?)) expired on (?P<expires>\d{4}-\d{2}-\d{2})\. .*", re.DOTALL
)
_APPROVAL = re.compile(r"(?:ticket (?P<ticket>.+?))?(?:, )?(?:approved by (?P<approver>.+))?")


@dataclass(frozen=True)
class RecordedExemption:
    expires: date
    ticket: str | None
    approver: str | None
    reason: str


def parse_exempt_annotation(annotation: str | None) -> RecordedExemption | None:
    """The exemption in ``annotation``, or None when the result is not an exemption.

    An annotation that starts with ``EXEMPT`` but does not follow the format still counts as
    "not parsed" (None): the row keeps the annotation verbatim, so nothing is lost.
    """
    if not annotation or not annotation.startswith(EXEMPT_PREFIX):
        return None
    match = _ANNOTATION.fullmatch(annotation)
    if match is None:
        return None
    approval = _APPROVAL.fullmatch(match["approval"])
    if approval is None or not (approval["ticket"] or approval["approver"]):
        return None
    try:
        expires = date.fromisoformat(match["expires"])
    except ValueError:
        return None
    return RecordedExemption(expires, approval["ticket"], approval["approver"], match["reason"])


@dataclass(frozen=True)
class ExpiredExemption:
    """An exemption a NON_COMPLIANT result says has lapsed. The engine's note names the ticket, or the
    approver when there is no ticket, and not the reason (the annotation's room goes to the findings)."""

    expires: date
    ticket: str | None
    approver: str | None


def parse_expired_annotation(annotation: str | None) -> ExpiredExemption | None:
    """The lapsed exemption an ``Exemption ... expired on ...`` annotation
    (:meth:`smguard.engine.exemptions.Exemption.expired_annotation`) records, or None."""
    if not annotation or not annotation.startswith(EXPIRED_PREFIX):
        return None
    match = _EXPIRED.fullmatch(annotation)
    if match is None:
        return None
    try:
        expires = date.fromisoformat(match["expires"])
    except ValueError:
        return None
    return ExpiredExemption(expires, match["ticket"], match["approver"])
