"""Period evidence: episodes.csv and, per rule, how much of the period its resources were compliant
and how fast breaches were fixed or approved.

Episodes are written as each resource's history is read; per rule only counters, the fix times
(one number per closed episode) and the first resources below 100% are kept, so memory grows with
the number of episodes, not of history items.
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from html import escape
from typing import IO, Any

from smguard.evidence.episodes import COMPLIANT, EXEMPT, Episode, Period, ResourceHistory
from smguard.evidence.errors import InvalidExportRequestError
from smguard.results import EPISODES

EPISODES_FILE = "episodes.csv"
EPISODE_COLUMNS = EPISODES.names
FIXED = frozenset({COMPLIANT, EXEMPT})
"""How an episode ends when the breach was fixed or approved (not merely out of scope or deleted)."""
BELOW_FULL_LISTED = 50


def period_of(start: date, end: date, exported_at: datetime) -> Period:
    """The period from the start of ``start`` to the end of ``end`` (UTC days, both included, in
    that order: ``ExportRequest`` checks it), ending at ``exported_at`` when that is earlier: the
    history after the export is not known yet."""
    begins = datetime.combine(start, time.min, timezone.utc)
    if begins >= exported_at:
        raise InvalidExportRequestError(f"--from {start.isoformat()} has not begun yet ({exported_at.isoformat()}); nothing is recorded for it")
    return Period(begins, min(datetime.combine(end + timedelta(days=1), time.min, timezone.utc), exported_at))


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class RulePeriod:
    """One smguard rule over the period, all its Config rules (one per account) together."""

    resources: int = 0
    always_compliant: int = 0
    share_sum: float = 0.0
    lowest: tuple[float, str] | None = None
    fix_hours: list[float] = field(default_factory=list)
    closed_otherwise: int = 0
    open: int = 0
    longest_open_hours: float = 0.0

    @property
    def average_share(self) -> float | None:
        return self.share_sum / self.resources if self.resources else None


@dataclass
class PeriodSummary:
    period: Period
    per_rule: dict[str, RulePeriod] = field(default_factory=dict)
    below_full: list[tuple[str, str, str, str, str, float]] = field(default_factory=list)
    """(rule, account, region, resource type, resource id, share) of the first resources not compliant all period."""
    episodes: int = 0
    limits: list[str] = field(default_factory=list)
    """What the history read cannot show (an account that records no compliance history), for the bundle's limits."""

    def expect_rule(self, rule: str) -> None:
        self.per_rule.setdefault(rule, RulePeriod())

    def to_manifest(self) -> dict[str, Any]:
        return {
            "episodes": self.episodes,
            "open_at_end": sum(r.open for r in self.per_rule.values()),
            "per_rule": {
                rule: {"episodes": len(r.fix_hours) + r.closed_otherwise + r.open, "open_at_end": r.open}
                for rule, r in sorted(self.per_rule.items())
            },
        }


class EpisodeWriter:
    """Writes episodes.csv (records of smguard.results.EPISODES, written as evaluations.csv is: UTF-8 with a
    byte-order mark, CRLF, times a spreadsheet reads) and keeps the period summary."""

    def __init__(self, stream: IO[str], summary: PeriodSummary) -> None:
        self._csv = csv.writer(stream, lineterminator="\r\n")
        self._csv.writerow(EPISODE_COLUMNS)
        self.summary = summary

    def write(self, history: ResourceHistory, rule_of: Callable[[str], str | None], account_id: str, region: str) -> None:
        for episode in history.episodes:
            rule = rule_of(episode.config_rule_name)
            if rule is None:
                continue
            self._row(episode, rule, account_id, region)
            self._count(episode, rule)
        for time_ in history.times:
            rule = rule_of(time_.config_rule_name)
            share = time_.compliant_share
            if rule is None or share is None:
                continue
            stats = self.summary.per_rule.setdefault(rule, RulePeriod())
            stats.resources += 1
            stats.share_sum += share
            stats.always_compliant += share == 1.0
            where = f"{account_id} {region} {time_.resource_id}"
            if stats.lowest is None or share < stats.lowest[0]:
                stats.lowest = (share, where)
            if share < 1.0 and len(self.summary.below_full) < BELOW_FULL_LISTED:
                self.summary.below_full.append((rule, account_id, region, time_.resource_type, time_.resource_id, share))

    def _row(self, episode: Episode, rule: str, account_id: str, region: str) -> None:
        exemption = episode.exemption
        record = EPISODES.record(
            {
                "account_id": account_id,
                "region": region,
                "rule": rule,
                "config_rule_name": episode.config_rule_name,
                "resource_type": episode.resource_type,
                "resource_id": episode.resource_id,
                "opened_time_utc": iso(episode.opened),
                "closed_time_utc": iso(episode.closed) if episode.closed else None,
                "duration_hours": f"{episode.duration_seconds / 3600:.2f}",
                "closed_as": episode.closed_as,
                "exemption_ticket": exemption.ticket if exemption else None,
                "exemption_expires": exemption.expires.isoformat() if exemption else None,
            }
        )
        self._csv.writerow(EPISODES.csv_row(record))
        self.summary.episodes += 1

    def _count(self, episode: Episode, rule: str) -> None:
        stats = self.summary.per_rule.setdefault(rule, RulePeriod())
        hours = episode.duration_seconds / 3600
        if episode.closed is None:
            stats.open += 1
            stats.longest_open_hours = max(stats.longest_open_hours, hours)
        elif episode.closed_as in FIXED:
            stats.fix_hours.append(hours)
        else:
            stats.closed_otherwise += 1


def _duration(hours: float | None) -> str:
    if hours is None:
        return "none"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def _share(share: float | None) -> str:
    return "no result" if share is None else f"{share * 100:.1f}%"


def render_period_section(summary: PeriodSummary) -> str:
    """The summary page's section on the period (an addition to the snapshot's counts)."""
    rows = []
    for rule, stats in sorted(summary.per_rule.items()):
        median = statistics.median(stats.fix_hours) if stats.fix_hours else None
        worst = max(stats.fix_hours) if stats.fix_hours else None
        lowest = f"{_share(stats.lowest[0])}<br><code>{escape(stats.lowest[1])}</code>" if stats.lowest else "no result"
        rows.append(
            f'<tr data-rule="{escape(rule)}"><td><code>{escape(rule)}</code></td>'
            f'<td data-resources="{stats.resources}">{stats.resources}</td>'
            f'<td data-always-compliant="{stats.always_compliant}">{stats.always_compliant}</td>'
            f'<td data-average-share="{"" if stats.average_share is None else f"{stats.average_share:.4f}"}">{_share(stats.average_share)}</td>'
            f"<td>{lowest}</td>"
            f'<td data-fixed="{len(stats.fix_hours)}">{len(stats.fix_hours)}</td>'
            f'<td data-median-hours="{"" if median is None else f"{median:.2f}"}">{_duration(median)}</td>'
            f'<td data-worst-hours="{"" if worst is None else f"{worst:.2f}"}">{_duration(worst)}</td>'
            f'<td data-open="{stats.open}">{stats.open}'
            + (f"<br><span class=\"title\">longest {_duration(stats.longest_open_hours)}</span>" if stats.open else "")
            + "</td></tr>"
        )
    below = "".join(
        f"<tr><td><code>{escape(rule)}</code></td><td>{escape(account)}</td><td>{escape(region)}</td>"
        f'<td>{escape(resource_type)}<br><code>{escape(resource_id)}</code></td><td data-share="{share:.4f}">{_share(share)}</td></tr>'
        for rule, account, region, resource_type, resource_id, share in sorted(summary.below_full)
    )
    listed = (
        f'<table id="period-below-full"><thead><tr><th>Rule</th><th>Account</th><th>Region</th><th>Resource</th>'
        f"<th>Compliant share of the period</th></tr></thead><tbody>{below}</tbody></table>"
        if below
        else '<p id="period-below-full-none">Every resource was compliant whenever it was judged.</p>'
    )
    more = (
        f"<p>The first {BELOW_FULL_LISTED} resources not compliant all period; episodes.csv lists every episode.</p>"
        if len(summary.below_full) >= BELOW_FULL_LISTED
        else ""
    )
    return f"""<section id="period">
<h2>Over the period {escape(iso(summary.period.start))} to {escape(iso(summary.period.end))}</h2>
<p>From AWS Config's compliance history (the recorded changes of every resource's result). An
<strong>episode</strong> is a stretch of time a resource was non-compliant with a rule; episodes.csv
lists every one that overlaps the period, with when it opened and closed. <strong>Compliant share</strong>:
of the time the rule judged the resource (compliant or non-compliant) within the period, the part it
was compliant. <strong>Time to fix</strong>: how long the episodes that ended with the resource compliant
or exempted lasted (an episode opened before the period counts whole).</p>
<table id="per-rule-period"><thead><tr><th>Rule</th><th>Resources</th><th>Compliant all period</th>
<th>Average compliant share</th><th>Lowest share</th><th>Breaches fixed or approved</th><th>Median time to fix</th>
<th>Worst time to fix</th><th>Still open at the end</th></tr></thead><tbody>{''.join(rows)}</tbody></table>
{more}{listed}
</section>
"""
