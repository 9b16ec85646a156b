"""compliance_score_timeline.csv: each account's conformance-pack compliance score at the end of every day of the period.

From the compliance history the episodes come from (``AWS::Config::ResourceCompliance`` items,
smguard/evidence/episodes.py, read in the same order): at the end of each UTC day of the period (the
period's end for the day it ends, when the export cuts it short), a rule-resource pair of a
conformance pack rule holds the result of the last item of the resource captured before that
moment. Its COMPLIANT and NON_COMPLIANT pairs are counted and scored with smguard/score.py;
NOT_APPLICABLE, INSUFFICIENT_DATA, a rule the item does not list and a deleted resource are not
counted, as in the current score. A NON_COMPLIANT pair whose episode is still open at a day's end
counts as non-compliant that day.

An account and region has a score from the end of the first day its history shows a conformance
pack rule (any result of one, in an item captured before that day's end), INSUFFICIENT_DATA when
none of its pairs is COMPLIANT or NON_COMPLIANT then; before that, and when the history shows none,
a day says it has no score. A day whose pairs belong to more than one pack (two smguard packs in one
account, see smguard/evidence/scores.py) says so instead of a number. Only a few counts per account,
region and day are kept (COMPLIANT, NON_COMPLIANT, and the pairs of each pack): each state adds
itself to the days it spans through a difference list, whatever the number of resources. A day's
score names its pack as the current score does (:mod:`smguard.evidence.pack_names`): the pack whose
pairs it counts, or, with none counted, the packs whose rules the history showed by then.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from smguard.deploy.naming import conformance_pack_suffix, is_conformance_pack_rule
from smguard.evidence.episodes import COMPLIANT, NON_COMPLIANT, Period, rule_state, states_of
from smguard.evidence.pack_names import PackNames
from smguard.evidence.period import iso
from smguard.evidence.rows import CSV_ENCODING
from smguard.evidence.scores import score_fields, several_packs
from smguard.results import SCORE_TIMELINE
from smguard.score import COUNTED

TIMELINE_FILE = "compliance_score_timeline.csv"
NO_PACK_YET = "no conformance pack: the compliance history shows no result of a conformance pack rule by the end of this day"


@dataclass(frozen=True)
class Day:
    day: date
    as_of: datetime
    """The end of the day, or the period's end when that comes first."""


def days_of(period: Period) -> list[Day]:
    """The days of ``period`` from its start (midnight UTC in an export), the last one ending with the period."""
    days = []
    begins = period.start
    while begins < period.end:
        days.append(Day(begins.date(), min(begins + timedelta(days=1), period.end)))
        begins += timedelta(days=1)
    return days


@dataclass
class _Counts:
    """Per day (by index) how many pairs start (+1) and stop (-1) being COMPLIANT, NON_COMPLIANT."""

    days: int
    changes: dict[str, list[int]] = field(init=False)
    pack_changes: dict[str, list[int]] = field(default_factory=dict)
    """Per pack (its rules' suffix), how many counted pairs start (+1) and stop (-1) on each day."""
    pack_since: dict[str, datetime] = field(default_factory=dict)
    """Per pack (its rules' suffix), when the history first shows a result of one of its rules."""

    def __post_init__(self) -> None:
        self.changes = {COMPLIANT: [0] * (self.days + 1), NON_COMPLIANT: [0] * (self.days + 1)}

    def count(self, compliance: str, suffix: str, first: int, last: int) -> None:
        """One pair of the pack ``suffix`` with ``compliance`` at the end of days ``first`` to ``last`` (excluded)."""
        for changes in (self.changes[compliance], self.pack_changes.setdefault(suffix, [0] * (self.days + 1))):
            changes[first] += 1
            changes[last] -= 1

    def per_day(self, compliance: str) -> list[int]:
        return list(accumulate(self.changes[compliance][: self.days]))

    def packs_per_day(self) -> list[list[str]]:
        """Each day's packs (suffixes) with a counted pair."""
        counted = {suffix: list(accumulate(changes[: self.days])) for suffix, changes in self.pack_changes.items()}
        return [sorted(suffix for suffix, pairs in counted.items() if pairs[index]) for index in range(self.days)]


class ScoreTimeline:
    """The pairs in force at each day's end, per account and region, fed one resource's history at a time.

    ``include_rule`` selects the Config rules counted among the conformance pack rules (the export's
    smguard rules)."""

    def __init__(self, period: Period, include_rule: Callable[[str], bool]) -> None:
        self.period = period
        self.days = days_of(period)
        self._ends = [day.as_of for day in self.days]
        self._include_rule = include_rule
        self._accounts: dict[tuple[str, str], _Counts] = {}

    def expect(self, account_id: str, region: str) -> None:
        """An account and region the period covers: it has a record for every day, history or none."""
        self._counts(account_id, region)

    def _counts(self, account_id: str, region: str) -> _Counts:
        return self._accounts.setdefault((account_id, region), _Counts(len(self.days)))

    def add(self, account_id: str, region: str, items: Iterable[Mapping[str, Any]]) -> None:
        """One resource's ResourceCompliance items (any order, repeats allowed), as episodes_of takes them."""
        counts = self._counts(account_id, region)
        states = states_of(items, self.period.end)
        pack_rules = sorted({name for s in states for name in s.rules if is_conformance_pack_rule(name) and self._include_rule(name)})
        for name in pack_rules:
            suffix = conformance_pack_suffix(name)
            assert suffix is not None  # a conformance pack rule, selected above
            shown = next(s.captured_at for s in states if name in s.rules)
            counts.pack_since[suffix] = min(counts.pack_since.get(suffix, shown), shown)
            for index, state in enumerate(states):
                result = rule_state(state, name)
                if result not in COUNTED:
                    continue
                # In force at each day's end after its capture, up to and including the next item's capture time.
                first = bisect_right(self._ends, state.captured_at)
                last = bisect_right(self._ends, states[index + 1].captured_at) if index + 1 < len(states) else len(self.days)
                counts.count(result, suffix, first, last)

    def records(self, reason: str | None, pack_names: PackNames) -> list[dict[str, Any]]:
        """One record per account and region (sorted) and day; ``reason`` why no day has a score (the export's filters),
        ``pack_names`` what AWS names the packs."""
        records = []
        for (account_id, region), counts in sorted(self._accounts.items()):
            compliant, non_compliant = counts.per_day(COMPLIANT), counts.per_day(NON_COMPLIANT)
            packs = counts.packs_per_day()
            for index, day in enumerate(self.days):
                shown = [suffix for suffix, since in counts.pack_since.items() if since < day.as_of]
                pairs = Counter({COMPLIANT: compliant[index], NON_COMPLIANT: non_compliant[index]})
                no_score = reason or (NO_PACK_YET if not shown else several_packs(packs[index]) if len(packs[index]) > 1 else None)
                pack = None
                if no_score is None:
                    named = pack_names.of((account_id, region), packs[index] or shown)
                    pack, no_score = named.name, named.unnamed_reason
                records.append(
                    SCORE_TIMELINE.record(
                        {
                            "account_id": account_id,
                            "region": region,
                            "day": day.day.isoformat(),
                            "as_of_utc": iso(day.as_of),
                            **score_fields(pairs, no_score, pack),
                        }
                    )
                )
        return records


def write_timeline(folder: Path, records: list[dict[str, Any]]) -> None:
    """compliance_score_timeline.csv, written as episodes.csv is."""
    with (folder / TIMELINE_FILE).open("w", encoding=CSV_ENCODING, newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(SCORE_TIMELINE.names)
        writer.writerows(SCORE_TIMELINE.csv_row(record) for record in records)
