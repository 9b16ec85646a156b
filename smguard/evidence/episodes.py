"""Non-compliance episodes over an audit period, from AWS Config's compliance history of one resource.

AWS Config records a resource's compliance as ``AWS::Config::ResourceCompliance`` configuration
items: one item whenever the result of any rule for the resource changes, whose ``configuration``
holds every rule's current result (``configRuleList``). :func:`episodes_of` turns the items of one
resource into, per smguard rule, the episodes during which the rule's result was NON_COMPLIANT and
that overlap the period, plus how long the rule's result was COMPLIANT and NON_COMPLIANT within it.

It is a pure function of the items, so that what the history means is decided in one place and
tested without AWS. What it decides where Config's history is not explicit:

- Items are ordered by capture time, then by ``configurationStateId`` (AWS pages them newest first
  by default; nothing here assumes an order). Two items with the same capture time and state id
  are one item read twice (overlapping pages).
- An episode opens at the first item that shows the rule NON_COMPLIANT after any other state (or
  none) and closes at the first later item that shows it COMPLIANT (fixed), NOT_APPLICABLE (out of
  the rule's scope, or exempted: see ``exemptions``), without the rule (the result was deleted,
  e.g. the rule was), or the resource deleted (``ResourceDeleted``/``ResourceDeletedNotRecorded``).
  Repeated NON_COMPLIANT items continue the episode.
- INSUFFICIENT_DATA, or a rule entry without a readable result, says nothing about the resource:
  an episode stays open through it (a breach is not called fixed because data was missing), and it
  counts neither as compliant nor as non-compliant time.
- An episode opened before the period keeps its true ``opened`` time; its duration is the whole
  episode (to its close, or to the end of the period when still open).
- An episode that closed as NOT_APPLICABLE and stayed so to the end of the period is recorded as
  closed by the exemption in ``exemptions`` when the rule's current result names one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from smguard.evidence.exemptions import RecordedExemption

RESOURCE_COMPLIANCE_TYPE = "AWS::Config::ResourceCompliance"
DELETED_STATUSES = frozenset({"ResourceDeleted", "ResourceDeletedNotRecorded"})
NON_COMPLIANT = "NON_COMPLIANT"
COMPLIANT = "COMPLIANT"
NOT_APPLICABLE = "NOT_APPLICABLE"
UNKNOWN = "INSUFFICIENT_DATA"
NO_RESULT = "NO_RESULT"
DELETED = "DELETED"
EXEMPT = "EXEMPT"


class MalformedHistoryError(ValueError):
    """A compliance-history item lacks what every such item has (capture time, target resource)."""


@dataclass(frozen=True)
class Period:
    """The audit period: ``start`` included, ``end`` excluded, both aware UTC datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period's start and end must be timezone-aware")
        if self.start >= self.end:
            raise ValueError(f"a period must end after it starts ({self.start.isoformat()} to {self.end.isoformat()})")

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def overlap(self, start: datetime, end: datetime) -> float:
        """Seconds of [start, end) inside the period."""
        return max(0.0, (min(end, self.end) - max(start, self.start)).total_seconds())


@dataclass(frozen=True)
class ComplianceState:
    """One item of a resource's compliance history, reduced to what the episodes need."""

    captured_at: datetime
    state_id: str
    resource_type: str
    resource_id: str
    deleted: bool
    rules: Mapping[str, str]
    """Config rule name -> its result for the resource in this item."""


@dataclass(frozen=True)
class Episode:
    config_rule_name: str
    resource_type: str
    resource_id: str
    opened: datetime
    closed: datetime | None
    """None while still NON_COMPLIANT at the end of the period."""
    closed_as: str | None
    """COMPLIANT, NOT_APPLICABLE, EXEMPT, NO_RESULT or DELETED; None while open."""
    duration_seconds: float
    """From ``opened`` to ``closed``, or to the end of the period while open."""
    exemption: RecordedExemption | None = None


@dataclass
class RuleTime:
    """Seconds within the period a rule's result for one resource was COMPLIANT and NON_COMPLIANT."""

    config_rule_name: str
    resource_type: str
    resource_id: str
    compliant_seconds: float = 0.0
    non_compliant_seconds: float = 0.0

    @property
    def compliant_share(self) -> float | None:
        """Share of the judged time (COMPLIANT or NON_COMPLIANT) that was COMPLIANT; None if never judged."""
        judged = self.compliant_seconds + self.non_compliant_seconds
        return self.compliant_seconds / judged if judged else None


@dataclass
class ResourceHistory:
    episodes: list[Episode] = field(default_factory=list)
    times: list[RuleTime] = field(default_factory=list)


def parse_item(item: Mapping[str, Any]) -> ComplianceState:
    """A ResourceCompliance configuration item, as GetResourceConfigHistory returns it (boto3: the
    capture time a datetime, ``configuration`` a JSON string) or a history file holds it (ISO
    string, ``configuration`` an object)."""
    try:
        captured = item["configurationItemCaptureTime"]
        captured_at = captured if isinstance(captured, datetime) else datetime.fromisoformat(str(captured).replace("Z", "+00:00"))
        if captured_at.tzinfo is None:
            captured_at = captured_at.replace(tzinfo=timezone.utc)
        target_type, _, target_id = str(item["resourceId"]).partition("/")
    except (KeyError, ValueError) as error:
        raise MalformedHistoryError(f"a {RESOURCE_COMPLIANCE_TYPE} item without a readable capture time or resource id: {error}") from None
    status = item.get("configurationItemStatus")
    configuration = item.get("configuration")
    if isinstance(configuration, str):
        try:
            configuration = json.loads(configuration) if configuration else None
        except ValueError:
            configuration = None
    rules: dict[str, str] = {}
    if isinstance(configuration, dict):
        target_type = str(configuration.get("targetResourceType") or target_type)
        target_id = str(configuration.get("targetResourceId") or target_id)
        for entry in configuration.get("configRuleList") or []:
            if isinstance(entry, dict) and isinstance(entry.get("configRuleName"), str):
                compliance = entry.get("complianceType")
                rules[entry["configRuleName"]] = compliance if compliance in (COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE) else UNKNOWN
    if not target_type or not target_id:
        raise MalformedHistoryError(f"the {RESOURCE_COMPLIANCE_TYPE} item {item.get('resourceId')!r} names no target resource")
    state_id = next((item[key] for key in ("configurationStateId", "ConfigurationStateId", "configurationStateID") if key in item), "")
    return ComplianceState(captured_at, str(state_id), target_type, target_id, status in DELETED_STATUSES, rules)


def _state_key(state: ComplianceState) -> tuple[datetime, int, str]:
    digits = state.state_id.isdigit()
    return (state.captured_at, int(state.state_id) if digits else 0, state.state_id)


def states_of(items: Iterable[Mapping[str, Any]], before: datetime) -> list[ComplianceState]:
    """One resource's items captured before ``before``, parsed, in order, an item read twice kept once."""
    unique = {(s.captured_at, s.state_id): s for s in map(parse_item, items)}
    return sorted((s for s in unique.values() if s.captured_at < before), key=_state_key)


def rule_state(state: ComplianceState, config_rule_name: str) -> str:
    """The rule's result in one item: its compliance type, INSUFFICIENT_DATA, NO_RESULT or DELETED."""
    return DELETED if state.deleted else state.rules.get(config_rule_name, NO_RESULT)


def episodes_of(
    items: Iterable[Mapping[str, Any]],
    period: Period,
    *,
    include_rule: Callable[[str], bool] = lambda name: True,
    exemptions: Mapping[str, RecordedExemption] | None = None,
) -> ResourceHistory:
    """The episodes of one resource's compliance history that overlap ``period``, and its rules'
    compliant and non-compliant time within it.

    ``items`` are that resource's ResourceCompliance configuration items in any order, including
    the last one before the period (the state in force when it starts) if there is one; items after
    the period's end are ignored. ``include_rule`` selects Config rules by name; ``exemptions`` maps
    a Config rule name to the exemption its current result records for this resource.
    """
    states = states_of(items, period.end)
    history = ResourceHistory()
    if not states:
        return history
    resources = {(s.resource_type, s.resource_id) for s in states}
    if len(resources) > 1:
        raise MalformedHistoryError(f"episodes_of takes one resource's history, got {sorted(resources)}")
    resource_type, resource_id = states[0].resource_type, states[0].resource_id
    names = sorted({name for s in states for name in s.rules if include_rule(name)})
    for name in names:
        _rule_history(name, states, period, resource_type, resource_id, (exemptions or {}).get(name), history)
    return history


def _rule_history(
    name: str,
    states: list[ComplianceState],
    period: Period,
    resource_type: str,
    resource_id: str,
    exemption: RecordedExemption | None,
    history: ResourceHistory,
) -> None:
    time = RuleTime(name, resource_type, resource_id)
    opened: datetime | None = None
    closes: list[Episode] = []
    timeline = [(s.captured_at, rule_state(s, name)) for s in states]
    present = False
    for index, (at, state) in enumerate(timeline):
        until = timeline[index + 1][0] if index + 1 < len(timeline) else period.end
        present = present or (state not in (NO_RESULT, DELETED) and period.overlap(at, until) > 0)
        if state == COMPLIANT:
            time.compliant_seconds += period.overlap(at, until)
        elif state == NON_COMPLIANT:
            time.non_compliant_seconds += period.overlap(at, until)
        if state == NON_COMPLIANT and opened is None:
            opened = at
        elif opened is not None and state not in (NON_COMPLIANT, UNKNOWN):
            if at > period.start:
                closes.append(Episode(name, resource_type, resource_id, opened, at, state, (at - opened).total_seconds()))
            opened = None
    if opened is not None:
        closes.append(Episode(name, resource_type, resource_id, opened, None, None, (period.end - opened).total_seconds()))
    if closes and exemption is not None and timeline[-1][1] == NOT_APPLICABLE and closes[-1].closed_as == NOT_APPLICABLE:
        last = closes[-1]
        closes[-1] = Episode(name, resource_type, resource_id, last.opened, last.closed, EXEMPT, last.duration_seconds, exemption)
    history.episodes += closes
    if present:
        history.times.append(time)
