"""summary.html: the bundle's counts on one self-contained page for readers who never used AWS Config.

Only counters are kept while rows stream past (plus the first non-compliant rows, bounded), so the
page costs the same memory for ten results as for ten million. The page has inline CSS and an
inline SVG chart and loads nothing: it opens the same from a USB stick in an air-gapped room.
Every count carries ``data-*`` attributes so a test (or a script) can read it from the DOM.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from typing import Any

from smguard.cli.tables import short_type
from smguard.evidence.exemption_section import ExemptionList, render_exemptions
from smguard.evidence.html_names import breakable, identifier, name
from smguard.evidence.rows import EvaluationRow
from smguard.evidence.scores import AccountScores
from smguard.results import rule_facts

COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
LABELS = {"COMPLIANT": "Compliant", "NON_COMPLIANT": "Non-compliant", "NOT_APPLICABLE": "Not applicable"}
COLOURS = {"COMPLIANT": "#2e7d32", "NON_COMPLIANT": "#c62828", "NOT_APPLICABLE": "#9e9e9e"}
NON_COMPLIANT_LISTED = 50


@dataclass
class Summary:
    """Counts per smguard rule (all its Config rules together: an organization rule has one copy per
    account), per account and region, and in total."""

    rule_titles: dict[str, str] = field(default_factory=dict)
    per_rule: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    per_account: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    exempt_per_rule: Counter[str] = field(default_factory=Counter)
    first_non_compliant: list[EvaluationRow] = field(default_factory=list)
    exemptions: ExemptionList = field(default_factory=ExemptionList)
    scores: AccountScores = field(default_factory=AccountScores)
    """The conformance-pack pairs per account and region, for compliance_scores.csv."""

    def expect_rule(self, rule: str, title: str | None = None) -> None:
        """List a smguard rule even if it has no result, so "nothing found" is visible rather than absent."""
        self.per_rule.setdefault(rule, Counter())
        if title:
            self.rule_titles[rule] = title

    def add(self, row: EvaluationRow) -> None:
        self.per_rule[row.rule][row.compliance] += 1
        self.per_account[(row.account_id, row.region)][row.compliance] += 1
        if row.exempt:
            self.exempt_per_rule[row.rule] += 1
        if row.compliance == "NON_COMPLIANT" and len(self.first_non_compliant) < NON_COMPLIANT_LISTED:
            self.first_non_compliant.append(row)
        self.exemptions.add(row)
        self.scores.add(row)

    @property
    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.per_rule.values():
            total.update(counts)
        return total

    def to_manifest(self) -> dict[str, Any]:
        """The counts the manifest records, so a reader can check them against the rows."""
        return {
            "rows": sum(self.totals.values()),
            "per_compliance_type": {t: self.totals[t] for t in COMPLIANCE_TYPES},
            "per_rule": {rule: {t: counts[t] for t in COMPLIANCE_TYPES} for rule, counts in sorted(self.per_rule.items())},
        }


def render_html(summary: Summary, context: dict[str, Any], period_section: str = "", score_section: str = "") -> str:
    """The page. ``context`` is the manifest's description of the export (request, caller, time,
    version); ``period_section`` the section on the audit period, when the export has one;
    ``score_section`` the conformance-pack compliance score's."""
    request = context["request"]
    if request["scope"] == "account":
        scope = f"account {request['account_id']}, region {context['region']}"
    else:
        scope = f"Config aggregator {request['aggregator']} (account {context['requested_by']['account_id']}, region {context['region']})"
    totals = summary.totals
    total = sum(totals.values())
    filters = request["filters"]
    filter_text = "; ".join(
        f"{name}: {', '.join(values)}"
        for name, values in (
            ("rules", filters["rules"]),
            ("results", filters["compliance_types"]),
            ("accounts", filters["accounts"]),
            ("regions", filters["regions"]),
        )
        if values
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>smguard evidence: {escape(scope)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>SageMaker guardrails: compliance evidence</h1>
<p class="scope">Results of the smguard AWS Config rules for <strong>{escape(scope)}</strong>,
exported {name(context['created_at'])} by {identifier(context['requested_by']['arn'])}
with smguard {escape(context['tool']['version'])}.</p>
<p class="scope">Filters: {escape(filter_text)}.</p>
{_limits(context["limits"])}
</header>
<section>
<h2>How to read this page</h2>
<p>Each smguard rule checks one kind of control on the cloud resources used for machine learning
(for example "notebooks give no root access"). AWS Config runs the rule whenever a resource changes
and records one result per resource. <strong>Compliant</strong>: the resource meets the control.
<strong>Non-compliant</strong>: it does not; the annotation in evaluations.csv says why and how to fix
it. <strong>Not applicable</strong>: the rule does not apply to the resource, or the security team
granted a time-limited exemption (annotation starting with EXEMPT, with its ticket and expiry).</p>
<p>The numbers are AWS Config's records at export time. Every resource is listed in evaluations.csv
(and evaluations.jsonl); rules.json holds the rules' definitions; manifest.json holds the SHA-256 of
every file, checked with <code>smguard verify</code>.</p>
</section>
<section>
<h2>Overview</h2>
<div class="cards">
<div class="card"><span class="number" id="total-results" data-count="{total}">{total}</span><span>results</span></div>
{''.join(_card(t, totals[t]) for t in COMPLIANCE_TYPES)}
</div>
</section>
{score_section}<section>
<h2>Compliance per rule</h2>
{_chart(summary)}
{_table("rule", "Rule", [(rule, summary.rule_titles.get(rule, ""), counts, summary.exempt_per_rule[rule]) for rule, counts in sorted(summary.per_rule.items())])}
</section>
<section>
<h2>Compliance per account</h2>
{_table("account", "Account and region", [(f"{account} {region}", "", counts, None) for (account, region), counts in sorted(summary.per_account.items())])}
</section>
{period_section}<section>
<h2>Non-compliant resources</h2>
{_non_compliant(summary, totals['NON_COMPLIANT'])}
</section>
<section>
<h2>Exemptions</h2>
{render_exemptions(summary.exemptions, request["scope"] == "aggregator")}
</section>
</body>
</html>
"""


def _limits(limits: list[str]) -> str:
    """What the export's scope cannot contain, in the header where a reader sees it before any number."""
    return "".join(
        f'<p class="limit" id="limit-{index}"><strong>Not in this bundle:</strong> {escape(limit)}</p>'
        for index, limit in enumerate(limits)
    )


def _card(compliance: str, count: int) -> str:
    return (
        f'<div class="card {compliance.lower()}"><span class="number" id="total-{compliance.lower()}" '
        f'data-compliance="{compliance}" data-count="{count}">{count}</span><span>{LABELS[compliance]}</span></div>'
    )


def _chart(summary: Summary) -> str:
    """Horizontal stacked bars, one per rule, scaled to the rule with the most results."""
    rules = sorted(summary.per_rule.items())
    if not rules:
        return "<p>No rule matched the export's filters.</p>"
    label_width, bar_width, row_height = 300, 400, 30
    widest = max(sum(counts.values()) for _, counts in rules) or 1
    height = row_height * len(rules) + 30
    parts = [
        f'<svg id="chart" role="img" aria-label="Results per rule" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {label_width + bar_width + 60} {height}" width="100%">'
    ]
    for index, (rule, counts) in enumerate(rules):
        y = index * row_height
        parts.append(f'<text x="0" y="{y + 19}" class="label">{escape(rule)}</text>')
        x = float(label_width)
        for compliance in COMPLIANCE_TYPES:
            width = bar_width * counts[compliance] / widest
            if counts[compliance]:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 5}" width="{width:.1f}" height="20" fill="{COLOURS[compliance]}" '
                    f'data-rule="{escape(rule)}" data-compliance="{compliance}" data-count="{counts[compliance]}">'
                    f"<title>{escape(rule)}: {counts[compliance]} {LABELS[compliance].lower()}</title></rect>"
                )
            x += width
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 19}" class="label">{sum(counts.values())}</text>')
    legend_y = row_height * len(rules) + 18
    for index, compliance in enumerate(COMPLIANCE_TYPES):
        x = label_width + index * 135
        parts.append(f'<rect x="{x}" y="{legend_y - 11}" width="12" height="12" fill="{COLOURS[compliance]}"/>')
        parts.append(f'<text x="{x + 17}" y="{legend_y}" class="label">{LABELS[compliance]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(kind: str, heading: str, rows: list[tuple[str, str, Counter[str], int | None]]) -> str:
    """Counts per rule (with the rule's severity and control mappings) or per account and region."""
    with_rule = kind == "rule"
    head = (
        ("<th>Severity</th><th>Controls</th>" if with_rule else "")
        + "".join(f'<th class="count">{LABELS[t]}</th>' for t in COMPLIANCE_TYPES)
        + ('<th class="count">of which exempt</th>' if with_rule else "")
    )
    body = []
    for label, title, counts, exempt in rows:
        cells = "".join(
            f'<td class="count {t.lower()}{" nonzero" if counts[t] else ""}" data-{kind}="{escape(label)}" data-compliance="{t}">{counts[t]}</td>'
            for t in COMPLIANCE_TYPES
        )
        if with_rule:
            described = name(label, "code") + (f'<br><span class="title">{escape(title)}</span>' if title else "")
            cells = _rule_facts(label) + cells + f'<td class="count" data-{kind}="{escape(label)}" data-exempt="{exempt}">{exempt}</td>'
        else:
            account_id, region = label.split(" ")
            described = f"{name(account_id)} {name(region)}"
        total = sum(counts.values())
        body.append(f'<tr><td>{described}</td>{cells}<td class="count" data-{kind}="{escape(label)}" data-total="{total}">{total}</td></tr>')
    return (
        f'<table id="per-{kind}"><thead><tr><th>{heading}</th>{head}<th class="count">Total</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


CONTROL_LABELS = {"security_hub_controls": "Security Hub", "nist_800_53_controls": "NIST SP 800-53", "aws_config_managed_rules": "AWS Config"}
"""The control mappings of a rule's metadata.json, as the per-rule table names them (ids as smguard.results declares them)."""


def _rule_facts(rule: str) -> str:
    """The severity and control-mapping cells of a rule: a list wraps between ids; a control id stays on one
    line, a managed rule's long identifier breaks at its hyphens."""
    facts = rule_facts(rule)
    mappings = "".join(
        f'<div data-rule="{escape(rule)}" data-mapping="{key}"><span class="muted">{label}:</span> '
        + ", ".join(breakable(control, "-") if key == "aws_config_managed_rules" else name(control) for control in facts[key])
        + "</div>"
        for key, label in CONTROL_LABELS.items()
        if facts[key]
    )
    severity = facts["severity"]
    return (
        f'<td data-rule="{escape(rule)}" data-severity="{severity}"><span class="severity {severity}">{severity}</span></td>'
        f'<td class="controls">{mappings or "<span class=muted>none</span>"}</td>'
    )


def _non_compliant(summary: Summary, count: int) -> str:
    if not count:
        return '<p id="non-compliant-none">No non-compliant resource.</p>'
    shown = len(summary.first_non_compliant)
    note = f"The first {shown} of {count}; evaluations.csv lists them all." if shown < count else f"All {count}."
    rows = "".join(
        f'<tr data-resource="{escape(r.resource_id)}"><td>{name(r.account_id)}<br>{name(r.region)}</td>'
        f'<td>{name(r.rule, "code")}<br><span class="secondary">{identifier(r.config_rule_name)}</span></td>'
        f"<td>{name(short_type(r.resource_type))}<br>{identifier(r.resource_id)}</td>"
        f'<td class="prose">{escape(r.annotation or "")}</td></tr>'
        for r in summary.first_non_compliant
    )
    return (
        f"<p>{note}</p><table id=\"non-compliant\"><thead><tr><th>Account and region</th><th>Rule</th>"
        f"<th>Resource</th><th>Why, and how to fix</th></tr></thead><tbody>{rows}</tbody></table>"
    )


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1a1a1a;line-height:1.45;overflow-wrap:break-word}
.name{white-space:nowrap}code.id{overflow-wrap:normal}.secondary{font-size:.85em;color:#555}.secondary code{font-size:1em}.muted{color:#666}
td.prose{overflow-wrap:anywhere}td.reason{width:30%}th.count,td.count{text-align:right;width:1%}td.controls{font-size:.9em;width:30%}
.severity{font-weight:600;text-transform:uppercase;font-size:.8em;white-space:nowrap}.severity.critical,.severity.high{color:#b71c1c}.severity.medium{color:#e65100}
td.expired{color:#c62828}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1rem;margin:1.2rem 0 0}
.scope{margin:.2rem 0;color:#444}.limit{margin:.6rem 0;padding:.5rem .8rem;border-left:4px solid #ef6c00;background:#fff3e0}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:.8rem 1.2rem;min-width:9rem}
.card .number{display:block;font-size:1.8rem;font-weight:600}.card.compliant .number{color:#2e7d32}
.card.non_compliant .number{color:#c62828}.card.not_applicable .number{color:#616161}
table{border-collapse:collapse;width:100%;margin-top:1rem}th,td{border:1px solid #ddd;padding:.35rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.non_compliant.nonzero{color:#c62828;font-weight:600}.title{color:#555;font-size:.9em}
svg .label{font-size:13px;fill:#1a1a1a}
@page{margin:14mm 12mm}
@media print{
body{margin:0;max-width:none;padding:0;font-size:9pt;line-height:1.3}
h1{font-size:14pt}h2{font-size:11pt;margin-top:1.2em;break-after:avoid}h2+p{break-after:avoid}h3{font-size:9pt;break-after:avoid}
table{font-size:8pt}th,td{padding:2pt 4pt}thead{display:table-header-group}
tr,.card,.limit,svg{break-inside:avoid}.cards{gap:6pt}.card{padding:4pt 8pt;min-width:0}.card .number{font-size:14pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""
"""The print rules keep the page inside the margins of A4 and Letter alike (@page sets no size: the
printer's paper decides): tables are as wide as the text, names never break and long identifiers
break at their separators; a row is never split across pages and a table's header row repeats."""
