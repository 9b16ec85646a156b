"""episodes_of: non-compliance episodes from one resource's ResourceCompliance history, hostile cases included."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from smguard.evidence.episodes import (
    EXEMPT,
    Episode,
    MalformedHistoryError,
    Period,
    episodes_of,
    parse_item,
)
from smguard.evidence.exemptions import RecordedExemption

START = datetime(2026, 10, 1, tzinfo=timezone.utc)
END = datetime(2026, 11, 1, tzinfo=timezone.utc)
PERIOD = Period(START, END)
RULE = "smguard-notebook-root-access"
OTHER = "smguard-notebook-direct-internet"
NOTEBOOK = "AWS::SageMaker::NotebookInstance"
DAY = 86400.0
_state_ids = iter(range(1, 10**6))


def at(day: float) -> datetime:
    """``day`` days after the period's start (negative: before it)."""
    return START + timedelta(days=day)


def item(day: float, rules: dict[str, str] | None, *, status: str = "OK", resource: str = "nb-1", api_shape: bool = True) -> dict[str, Any]:
    """A ResourceCompliance item as GetResourceConfigHistory returns it through boto3 (``api_shape``),
    or as a configuration history file holds it."""
    configuration: dict[str, Any] | None = None
    if rules is not None:
        configuration = {
            "complianceType": "NON_COMPLIANT" if "NON_COMPLIANT" in rules.values() else "COMPLIANT",
            "targetResourceId": resource,
            "targetResourceType": NOTEBOOK,
            "configRuleList": [
                {"configRuleArn": f"arn:aws:config:us-east-1:123456789012:config-rule/config-rule-{name[-6:]}", "configRuleId": f"config-rule-{name[-6:]}",
                 "configRuleName": name, "complianceType": compliance}
                for name, compliance in rules.items()
            ],
        }
    captured = at(day)
    return {
        "configurationItemCaptureTime": captured if api_shape else captured.isoformat().replace("+00:00", "Z"),
        "configurationItemStatus": status,
        "configurationStateId": str(next(_state_ids)),
        "resourceType": "AWS::Config::ResourceCompliance",
        "resourceId": f"{NOTEBOOK}/{resource}",
        "configuration": (json.dumps(configuration) if configuration is not None else None) if api_shape else configuration,
    }


def episode(opened: float, closed: float | None, closed_as: str | None, rule: str = RULE, exemption: RecordedExemption | None = None) -> Episode:
    end = at(closed) if closed is not None else END
    return Episode(rule, NOTEBOOK, "nb-1", at(opened), at(closed) if closed is not None else None, closed_as, (end - at(opened)).total_seconds(), exemption)


def test_a_breach_fixed_within_the_period_is_one_closed_episode_with_its_duration() -> None:
    history = episodes_of([item(-5, {RULE: "COMPLIANT"}), item(3, {RULE: "NON_COMPLIANT"}), item(5.5, {RULE: "COMPLIANT"})], PERIOD)
    assert history.episodes == [episode(3, 5.5, "COMPLIANT")]
    assert history.episodes[0].duration_seconds == 2.5 * DAY
    [time] = history.times
    assert (time.compliant_seconds, time.non_compliant_seconds) == (28.5 * DAY, 2.5 * DAY)
    assert time.compliant_share == pytest.approx(28.5 / 31)


def test_items_out_of_order_and_read_twice_give_the_same_episodes() -> None:
    items = [item(-5, {RULE: "COMPLIANT"}), item(3, {RULE: "NON_COMPLIANT"}), item(5.5, {RULE: "COMPLIANT"}), item(20, {RULE: "NON_COMPLIANT"})]
    shuffled = items + items[1:3]  # overlapping pages repeat items
    random.Random(7).shuffle(shuffled)
    assert episodes_of(shuffled, PERIOD) == episodes_of(items, PERIOD)
    assert episodes_of(shuffled, PERIOD).episodes == [episode(3, 5.5, "COMPLIANT"), episode(20, None, None)]


def test_repeated_non_compliant_items_continue_one_episode() -> None:
    items = [item(1, {RULE: "NON_COMPLIANT"}), item(2, {RULE: "NON_COMPLIANT", OTHER: "COMPLIANT"}), item(4, {RULE: "NON_COMPLIANT", OTHER: "NON_COMPLIANT"})]
    history = episodes_of(items, PERIOD)
    assert [e for e in history.episodes if e.config_rule_name == RULE] == [episode(1, None, None)]
    assert [e for e in history.episodes if e.config_rule_name == OTHER] == [episode(4, None, None, OTHER)]


def test_an_episode_open_at_the_end_of_the_period_has_no_close_and_lasts_to_the_end() -> None:
    [open_episode] = episodes_of([item(30, {RULE: "NON_COMPLIANT"})], PERIOD).episodes
    assert (open_episode.closed, open_episode.closed_as, open_episode.duration_seconds) == (None, None, 1 * DAY)


def test_an_episode_opened_before_the_period_keeps_its_true_opening_and_whole_duration() -> None:
    history = episodes_of([item(-40, {RULE: "NON_COMPLIANT"}), item(2, {RULE: "COMPLIANT"})], PERIOD)
    assert history.episodes == [episode(-40, 2, "COMPLIANT")]
    assert history.episodes[0].duration_seconds == 42 * DAY
    assert history.times[0].non_compliant_seconds == 2 * DAY  # only the period's part counts towards the share


def test_episodes_entirely_before_or_after_the_period_are_left_out() -> None:
    items = [item(-40, {RULE: "NON_COMPLIANT"}), item(-30, {RULE: "COMPLIANT"}), item(0, {RULE: "COMPLIANT"}), item(31, {RULE: "NON_COMPLIANT"})]
    history = episodes_of(items, PERIOD)
    assert history.episodes == []
    assert history.times[0].compliant_share == 1.0


def test_an_episode_that_closed_exactly_when_the_period_starts_is_outside_it() -> None:
    assert episodes_of([item(-3, {RULE: "NON_COMPLIANT"}), item(0, {RULE: "COMPLIANT"})], PERIOD).episodes == []


def test_insufficient_data_neither_opens_nor_closes_nor_counts() -> None:
    items = [item(1, {RULE: "NON_COMPLIANT"}), item(2, {RULE: "INSUFFICIENT_DATA"}), item(3, {RULE: "NON_COMPLIANT"}), item(4, {RULE: "COMPLIANT"}),
             item(10, {RULE: "INSUFFICIENT_DATA"})]  # fmt: skip
    history = episodes_of(items, PERIOD)
    assert history.episodes == [episode(1, 4, "COMPLIANT")]
    [time] = history.times
    assert (time.non_compliant_seconds, time.compliant_seconds) == (2 * DAY, 6 * DAY)


def test_a_result_the_rule_cannot_post_or_a_malformed_entry_is_insufficient_data() -> None:
    weird = item(2, {RULE: "MAYBE"})
    assert parse_item(weird).rules == {RULE: "INSUFFICIENT_DATA"}
    assert episodes_of([item(1, {RULE: "NON_COMPLIANT"}), weird], PERIOD).episodes == [episode(1, None, None)]


def test_not_applicable_closes_an_episode_and_a_later_breach_opens_another() -> None:
    items = [item(1, {RULE: "NON_COMPLIANT"}), item(2, {RULE: "NOT_APPLICABLE"}), item(6, {RULE: "NON_COMPLIANT"})]
    assert episodes_of(items, PERIOD).episodes == [episode(1, 2, "NOT_APPLICABLE"), episode(6, None, None)]


def test_an_exemption_in_force_is_named_on_the_episode_it_closed() -> None:
    exemption = RecordedExemption(date(2027, 3, 31), "SEC-1042", "cloud-security@example.com", "driver build")
    items = [item(1, {RULE: "NON_COMPLIANT", OTHER: "NON_COMPLIANT"}), item(9, {RULE: "NOT_APPLICABLE", OTHER: "NOT_APPLICABLE"})]
    history = episodes_of(items, PERIOD, exemptions={RULE: exemption})
    assert history.episodes == [episode(1, 9, "NOT_APPLICABLE", OTHER), episode(1, 9, EXEMPT, RULE, exemption)]


def test_an_exemption_is_not_named_once_the_resource_was_judged_again() -> None:
    exemption = RecordedExemption(date(2027, 3, 31), "SEC-1042", None, "driver build")
    items = [item(1, {RULE: "NON_COMPLIANT"}), item(9, {RULE: "NOT_APPLICABLE"}), item(12, {RULE: "COMPLIANT"})]
    assert episodes_of(items, PERIOD, exemptions={RULE: exemption}).episodes == [episode(1, 9, "NOT_APPLICABLE")]


def test_a_deleted_resource_closes_every_open_episode() -> None:
    items = [item(1, {RULE: "NON_COMPLIANT", OTHER: "COMPLIANT"}), item(7, None, status="ResourceDeleted")]
    history = episodes_of(items, PERIOD)
    assert history.episodes == [episode(1, 7, "DELETED")]
    assert {t.config_rule_name: (t.compliant_seconds, t.non_compliant_seconds) for t in history.times} == {
        RULE: (0, 6 * DAY), OTHER: (6 * DAY, 0)
    }


def test_a_rule_dropping_out_of_the_item_closes_its_episode_as_no_result() -> None:
    items = [item(1, {RULE: "NON_COMPLIANT", OTHER: "COMPLIANT"}), item(3, {OTHER: "COMPLIANT"})]
    assert episodes_of(items, PERIOD).episodes == [episode(1, 3, "NO_RESULT")]


def test_only_the_selected_rules_are_reported() -> None:
    items = [item(1, {RULE: "NON_COMPLIANT", "s3-bucket-logging-enabled": "NON_COMPLIANT"})]
    history = episodes_of(items, PERIOD, include_rule=lambda name: name.startswith("smguard-"))
    assert [e.config_rule_name for e in history.episodes] == [RULE]
    assert [t.config_rule_name for t in history.times] == [RULE]


def test_history_files_and_api_items_read_alike() -> None:
    api = [item(1, {RULE: "NON_COMPLIANT"}), item(2, {RULE: "COMPLIANT"})]
    files = [{**i, "configurationItemCaptureTime": i["configurationItemCaptureTime"].isoformat().replace("+00:00", "Z"),
              "configuration": json.loads(i["configuration"])} for i in api]  # fmt: skip
    assert episodes_of(files, PERIOD) == episodes_of(api, PERIOD)


def test_a_resource_never_judged_within_the_period_has_no_time() -> None:
    assert episodes_of([item(31, {RULE: "COMPLIANT"})], PERIOD).times == []
    assert episodes_of([], PERIOD).episodes == []


def test_one_resource_at_a_time() -> None:
    with pytest.raises(MalformedHistoryError, match="one resource"):
        episodes_of([item(1, {RULE: "COMPLIANT"}), item(2, {RULE: "COMPLIANT"}, resource="nb-2")], PERIOD)


def test_an_item_without_a_capture_time_is_refused_by_name() -> None:
    broken = item(1, {RULE: "COMPLIANT"})
    del broken["configurationItemCaptureTime"]
    with pytest.raises(MalformedHistoryError, match="capture time"):
        episodes_of([broken], PERIOD)


def test_a_period_must_end_after_it_starts_and_be_in_utc() -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        Period(END, START)
    with pytest.raises(ValueError, match="timezone-aware"):
        Period(datetime(2026, 10, 1), END)
