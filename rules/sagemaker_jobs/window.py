"""Which jobs a run reads: those created since the previous run, known from the rule's own last result.

Jobs never change, so each is evaluated once. A run reads the jobs created in its window, after the
previous run's end and up to its own notification time, and then records that window as a
NOT_APPLICABLE result of the rule on the account (``AWS::::Account``), the last of its
evaluations. The next run reads that one result back (GetComplianceDetailsByResource on the
account: the account's results of every rule, a page or two) and starts where it ended.

Why this and not the alternatives:

- The notification time minus the rule's frequency costs no call, but AWS Config does not promise
  that runs are exactly one frequency apart, and a run that fails for good (after Lambda's
  retries) would leave its window unread forever.
- The newest result among the rule's job results (GetComplianceDetailsByConfigRule) needs every
  result the rule ever posted, one call per 100: a cost that grows with every job ever run.
- DescribeConfigRuleEvaluationStatus returns nothing for custom Lambda rules.

The recorded window moves only when a run delivers it: a run that fails before delivery leaves
the previous window in place, so the next run reads its jobs too. A Lambda retry of a run whose
window was already delivered (the same notification time) reads the same window again rather than
an empty one, so evaluations that AWS Config refused are sent again. A notification older than the
recorded window's end (a late duplicate) reads nothing: a newer run covered its jobs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from botocore.utils import parse_to_aware_datetime

from smguard.engine.errors import SmguardError

ACCOUNT_TYPE = "AWS::::Account"
"""AWS Config's resource type for an account; the window is recorded as the rule's result on it."""

EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_ANNOTATION = "SageMaker jobs created after {start} and up to {end} were evaluated; the next run starts at {end}."
_PATTERN = re.compile(r"SageMaker jobs created after (?P<start>\S+) and up to (?P<end>\S+) were evaluated; the next run starts at (?P=end)\.")


class UnreadableWindowError(SmguardError):
    """The rule's recorded window on the account cannot be read: nothing is evaluated rather than guess."""


@dataclass(frozen=True)
class Window:
    """Jobs created after ``start`` and at or before ``end`` (both UTC)."""

    start: datetime
    end: datetime

    def annotation(self) -> str:
        return _ANNOTATION.format(start=_text(self.start), end=_text(self.end))

    @classmethod
    def from_annotation(cls, annotation: str) -> Window:
        match = _PATTERN.fullmatch(annotation)
        if match is None:
            raise UnreadableWindowError(
                f"the rule's result on the account ({ACCOUNT_TYPE}) does not record a window: {annotation!r}; "
                "it is written only by this rule, so delete that result with DeleteEvaluationResults to start again "
                "from FirstRunLookbackDays"
            )
        return cls(parse_time(match["start"]), parse_time(match["end"]))


def parse_time(text: str) -> datetime:
    """A time as botocore reads it (the engine accepted the notification time with the same parser), in UTC."""
    return parse_to_aware_datetime(text).astimezone(timezone.utc)


def _text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def next_window(previous: Window | None, notified: datetime, first_lookback: timedelta) -> Window | None:
    """The window this run reads, or None when a newer run already read past ``notified``."""
    if previous is None:
        return Window(max(notified, EARLIEST + first_lookback) - first_lookback, notified)
    if previous.end == notified:
        return previous
    if previous.end > notified:
        return None
    return Window(previous.end, notified)


def recorded_window(results: Iterable[Mapping[str, Any]], rule_name: str) -> Window | None:
    """The window in this rule's result among the account's results (GetComplianceDetailsByResource pages)."""
    for result in results:
        qualifier = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
        if qualifier.get("ConfigRuleName") == rule_name:
            return Window.from_annotation(str(result.get("Annotation", "")))
    return None


def read_window(config: Any, account_id: str, rule_name: str) -> Window | None:
    """The window the rule's last delivered run recorded on the account, if any."""
    pages = config.get_paginator("get_compliance_details_by_resource").paginate(
        ResourceType=ACCOUNT_TYPE, ResourceId=account_id, ComplianceTypes=["NOT_APPLICABLE"]
    )
    return recorded_window((result for page in pages for result in page.get("EvaluationResults", [])), rule_name)
