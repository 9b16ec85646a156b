"""The exemptions of summary.html: every exemption the exported results show, in force or expired.

The results are the only record the bundle has of them: an exemption in force is a NOT_APPLICABLE
result whose annotation starts ``EXEMPT until`` (resource, rule, ticket, approver, expiry, reason),
an expired one a NON_COMPLIANT result whose annotation starts ``Exemption ... expired on`` (which
names the ticket, or the approver when there is none, and no reason). At most
:data:`EXEMPTIONS_LISTED` are kept while rows stream past; evaluations.csv has every one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

from smguard.cli.tables import short_type
from smguard.evidence.exemptions import parse_exempt_annotation, parse_expired_annotation
from smguard.evidence.html_names import breakable, identifier, name
from smguard.evidence.rows import EvaluationRow

EXEMPTIONS_LISTED = 200
IN_FORCE = "in force"
EXPIRED = "expired"
NO_REASON = "not in the result: an expired exemption's annotation gives the findings instead; see the register"


@dataclass(frozen=True)
class ListedExemption:
    status: str
    account_id: str
    region: str
    rule: str
    resource_type: str
    resource_id: str
    expires: date
    ticket: str | None
    approver: str | None
    reason: str | None


@dataclass
class ExemptionList:
    listed: list[ListedExemption] = field(default_factory=list)
    count: dict[str, int] = field(default_factory=lambda: {IN_FORCE: 0, EXPIRED: 0})

    def add(self, row: EvaluationRow) -> None:
        in_force = parse_exempt_annotation(row.annotation)
        expired = parse_expired_annotation(row.annotation) if row.compliance == "NON_COMPLIANT" else None
        if in_force is not None:
            entry = self._entry(IN_FORCE, row, in_force.expires, in_force.ticket, in_force.approver, in_force.reason)
        elif expired is not None:
            entry = self._entry(EXPIRED, row, expired.expires, expired.ticket, expired.approver, None)
        else:
            return
        self.count[entry.status] += 1
        if len(self.listed) < EXEMPTIONS_LISTED:
            self.listed.append(entry)

    @staticmethod
    def _entry(
        status: str, row: EvaluationRow, expires: date, ticket: str | None, approver: str | None, reason: str | None
    ) -> ListedExemption:
        return ListedExemption(
            status, row.account_id, row.region, row.rule, row.resource_type, row.resource_id, expires, ticket, approver, reason
        )


def render_exemptions(exemptions: ExemptionList, aggregated: bool) -> str:
    """The section's body: a sentence with the counts, then one row per exemption (in force first, by expiry)."""
    in_force, expired = exemptions.count[IN_FORCE], exemptions.count[EXPIRED]
    lead = (
        f'<p id="exemptions-count" data-in-force="{in_force}" data-expired="{expired}">{in_force} exemption(s) in force and '
        f"{expired} expired, as the exported results record them. An exemption is granted centrally (docs/exemptions.md) "
        "for one resource and rule, with a reason, an approver or ticket and a last day; when it ends the resource is "
        "reported non-compliant again.</p>"
    )
    if aggregated:
        lead += (
            '<p class="limit" id="exemptions-aggregated"><strong>Exemptions in force are not in this bundle:</strong> they '
            "are NOT_APPLICABLE results, which an aggregator does not carry. Export each account with --account to list "
            "them; expired exemptions (NON_COMPLIANT) are listed.</p>"
        )
    if not exemptions.listed:
        return lead
    shown = len(exemptions.listed)
    if shown < in_force + expired:
        lead += f"<p>The first {shown} of {in_force + expired}; evaluations.csv lists them all.</p>"
    rows = "".join(
        _row(entry) for entry in sorted(exemptions.listed, key=lambda e: (e.status != IN_FORCE, e.expires, e.rule, e.resource_id))
    )
    return (
        f'{lead}<table id="exemptions"><thead><tr><th>Status and last day</th><th>Rule</th><th>Resource</th>'
        f"<th>Ticket</th><th>Approved by</th><th>Reason</th></tr></thead><tbody>{rows}</tbody></table>"
    )


SHORT_NAME = 32
"""Up to this many characters a ticket or approver stays on one line; a longer one breaks at its separators."""


def _short_or_breakable(text: str | None, separators: str) -> str:
    if text is None:
        return ""
    return name(text) if len(text) <= SHORT_NAME else breakable(text, separators)


def _row(entry: ListedExemption) -> str:
    status = "In force until" if entry.status == IN_FORCE else "Expired on"
    reason = escape(entry.reason) if entry.reason is not None else f'<span class="muted">{NO_REASON}</span>'
    return (
        f'<tr data-exemption="{escape(entry.resource_id)}" data-status="{entry.status}" data-rule="{escape(entry.rule)}">'
        f'<td class="{entry.status.replace(" ", "-")}">{status}<br>{name(entry.expires.isoformat())}</td>'
        f"<td>{name(entry.rule, 'code')}<br>{name(entry.account_id)} {name(entry.region)}</td>"
        f"<td>{name(short_type(entry.resource_type))}<br>{identifier(entry.resource_id)}</td>"
        f"<td>{_short_or_breakable(entry.ticket, ':/-')}</td>"
        f"<td>{_short_or_breakable(entry.approver, '@.')}</td>"
        f'<td class="prose reason">{reason}</td></tr>'
    )
