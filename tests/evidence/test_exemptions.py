"""The EXEMPT annotation is read back exactly as the engine writes it."""

from __future__ import annotations

from datetime import date

import pytest

from smguard.engine.exemptions import Exemption
from smguard.evidence import RecordedExemption, parse_exempt_annotation
from smguard.evidence.exemptions import ExpiredExemption, parse_expired_annotation


def written(**kwargs) -> str:
    defaults = {"index": 0, "rule": "notebook_root_access", "resource": "nb-1", "reason": "Vendor agent needs root.", "expires": date(2027, 3, 31)}
    return Exemption(**{**defaults, **kwargs}).exempt_annotation()


@pytest.mark.parametrize(
    ("ticket", "approver"),
    [("SEC-1234", "jane.doe@bank.example"), ("SEC-1234", None), (None, "jane.doe@bank.example"), ("RISK-77 (Q1)", "Jane Doe, CISO office")],
)
def test_round_trip_through_the_engine_formatter(ticket, approver):
    annotation = written(ticket=ticket, approver=approver)
    assert parse_exempt_annotation(annotation) == RecordedExemption(date(2027, 3, 31), ticket, approver, "Vendor agent needs root.")


def test_a_reason_cut_to_fit_256_characters_is_kept_as_written():
    annotation = written(ticket="SEC-1", reason="word " * 80)
    assert len(annotation) == 256 or annotation.endswith("...")
    parsed = parse_exempt_annotation(annotation)
    assert parsed is not None and parsed.ticket == "SEC-1" and parsed.reason.endswith("...")


@pytest.mark.parametrize(
    "annotation",
    [
        None,
        "",
        "RootAccess is Enabled.",
        "Exemption SEC-1 expired on 2026-01-01. RootAccess is Enabled.",
        "EXEMPT until someday (ticket SEC-1): reason",
        "EXEMPT until 2027-02-30 (ticket SEC-1): reason",
        "EXEMPT until 2027-03-31 (): reason",
        "EXEMPTED until 2027-03-31 (ticket SEC-1): reason",
    ],
)
def test_anything_else_is_not_an_exemption(annotation):
    assert parse_exempt_annotation(annotation) is None


@pytest.mark.parametrize(
    ("ticket", "approver", "expected"),
    [
        ("SEC-1234", "jane.doe@bank.example", ExpiredExemption(date(2026, 10, 1), "SEC-1234", None)),  # the note names the ticket
        ("RISK-77 (Q1)", None, ExpiredExemption(date(2026, 10, 1), "RISK-77 (Q1)", None)),
        (None, "Jane Doe (CISO office)", ExpiredExemption(date(2026, 10, 1), None, "Jane Doe (CISO office)")),
    ],
)
def test_an_expired_exemption_is_read_back_from_the_engine_formatter(ticket, approver, expected):
    exemption = Exemption(0, "notebook_root_access", "nb-1", "Vendor agent needs root.", date(2026, 10, 1), approver, ticket)
    annotation = exemption.expired_annotation(["RootAccess is Enabled; set RootAccess to Disabled."])
    assert parse_expired_annotation(annotation) == expected


@pytest.mark.parametrize(
    "annotation",
    [None, "RootAccess is Enabled.", "EXEMPT until 2027-03-31 (ticket SEC-1): reason", "Exemption SEC-1 expired on 2026-02-30. x"],
)
def test_anything_else_is_no_expired_exemption(annotation):
    assert parse_expired_annotation(annotation) is None
