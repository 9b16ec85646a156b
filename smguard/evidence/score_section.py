"""The "Compliance score" section of summary.html: the formula, each account's score, and over a period its days.

The records are those of compliance_scores.csv and compliance_score_timeline.csv, so the page shows
exactly what the files hold. A period's view stays short enough to print: per account, the first
day and each day whose counts differ from the day before (a day not listed had the counts of the
one above it), at most :data:`TIMELINE_ROWS_LISTED`; the CSV has every day.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from itertools import groupby
from typing import Any

from smguard.evidence.html_names import name
from smguard.evidence.score_timeline import TIMELINE_FILE
from smguard.evidence.scores import FORMULA, SCORES_CSV
from smguard.score import INSUFFICIENT_DATA

TIMELINE_ROWS_LISTED = 40


def _plain(record: dict[str, Any]) -> str:
    score = record["score"]
    return "no score" if score is None else "insufficient data" if score == INSUFFICIENT_DATA else f"{score}%"


def _score(record: dict[str, Any]) -> str:
    return f'<td class="count" data-score="{escape(record["score"] or "")}">{_plain(record)}</td>'


def _counts(record: dict[str, Any]) -> str:
    return "".join(
        f'<td class="count" data-{key.replace("_", "-")}="{"" if record[key] is None else record[key]}">'
        f'{"" if record[key] is None else record[key]}</td>'
        for key in ("compliant_pairs", "non_compliant_pairs")
    )


def _account(record: dict[str, Any]) -> str:
    return f'{record["account_id"]} {record["region"]}'


def _current(records: list[dict[str, Any]]) -> str:
    if not records:
        return '<p id="compliance-scores-none">No account or region had a smguard result to score.</p>'
    rows = []
    for record in records:
        label = f'{name(record["account_id"])} {name(record["region"])}'
        if record["score"] is None:
            cells = f'<td class="count" data-score="">no score</td><td colspan="3" class="prose">{escape(record["no_score_reason"], quote=False)}</td>'
        else:
            cells = f'{_score(record)}<td>{escape(record["conformance_pack"])}</td>{_counts(record)}'
        rows.append(f'<tr data-account="{escape(_account(record))}"><td>{label}</td>{cells}</tr>')
    return (
        '<table id="compliance-scores"><thead><tr><th>Account and region</th><th class="count">Score</th>'
        '<th>Conformance pack</th><th class="count">Compliant pairs</th><th class="count">Non-compliant pairs</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _changes(days: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first day and every day whose score or counts differ from the day before."""
    listed, previous = [], None
    for record in days:
        state = (record["score"], record["compliant_pairs"], record["non_compliant_pairs"], record["no_score_reason"])
        if state != previous:
            listed.append(record)
        previous = state
    return listed


def _timeline(records: list[dict[str, Any]]) -> str:
    tables = []
    for account, days in groupby(records, key=_account):
        every = list(days)
        changes = _changes(every)
        shown = changes[:TIMELINE_ROWS_LISTED]
        rows = "".join(
            f'<tr data-day="{record["day"]}"><td>{name(record["day"])}</td>{_score(record)}'
            + (_counts(record) if record["score"] is not None else f'<td colspan="2" class="prose">{escape(record["no_score_reason"], quote=False)}</td>')
            + "</tr>"
            for record in shown
        )
        more = (
            f'<p>The first {len(shown)} of {len(changes)} changes over {len(every)} days; {TIMELINE_FILE} lists every day.</p>'
            if len(changes) > len(shown)
            else ""
        )
        first, last = every[0], every[-1]
        tables.append(
            f'<h3>{name(first["account_id"])} {name(first["region"])}: {_plain(first)} on {first["day"]}, {_plain(last)} on {last["day"]}</h3>'
            f'<table class="score-timeline" data-account="{escape(account)}"><thead><tr><th>Day (UTC)</th><th class="count">Score</th>'
            f'<th class="count">Compliant pairs</th><th class="count">Non-compliant pairs</th></tr></thead><tbody>{rows}</tbody></table>{more}'
        )
    return "".join(tables)



def render_score_section(current: list[dict[str, Any]], timeline: list[dict[str, Any]] | None) -> str:
    """The section, from the records of compliance_scores.csv and (with a period) compliance_score_timeline.csv."""
    over_period = ""
    if timeline:
        over_period = (
            "<h3>At the end of each day of the period</h3>"
            "<p>From the compliance history: the results in force at the end of each UTC day (the export's time for a day it "
            "ends). Listed per account: the first day and every day whose counts changed; a day not listed had the counts of "
            f"the day above it. {TIMELINE_FILE} lists every day.</p>" + _timeline(timeline)
        )
    return f"""<section id="compliance-score">
<h2>Compliance score</h2>
<p id="score-formula">{escape(FORMULA, quote=False)}</p>
<p>{SCORES_CSV} holds each score with the pairs it counts, every one a row of evaluations.csv: to recompute a
score, count the COMPLIANT and NON_COMPLIANT rows of the account and region whose <code>config_rule_name</code>
ends in <code>-conformance-pack-</code> and a suffix.</p>
{_current(current)}
{over_period}
</section>
"""
