"""The engine's contracts, held once against small test rules rather than again in every rule folder.

What a rule folder's tests used to repeat (deleted and out-of-scope items, oversized notifications
read from the configuration history, malformed events, parameters a rule does not take, the wrong
trigger, a periodic run that cannot clean up) is decided by the engine before or around a rule's
``check``: here it is held for every resource type the catalogue evaluates on change, with a probe
rule whose verdict names the item it was given. A rule folder's tests hold that rule's own cases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from unittest.mock import ANY

import pytest
from botocore.stub import Stubber

from smguard.catalogue import discover
from smguard.engine import (
    CHANGE_TRIGGER,
    PERIODIC_TRIGGER,
    CsvList,
    InvalidEventError,
    InvalidRuleParameterError,
    Resource,
    RuleHandler,
    RuleParameters,
    SmguardRule,
    Verdict,
    parameter,
)
from tests.support.aws import config_client
from tests.support.events import change_event, configuration_item, history_response, oversized_event, scheduled_event

CHANGE_TYPES = tuple(sorted({
    resource_type
    for entry in discover()
    if CHANGE_TRIGGER in entry.rule.triggers
    for resource_type in entry.rule.resource_types
}))
"""Every resource type a rule of the catalogue evaluates on a change notification."""


@dataclass(frozen=True)
class ProbeParameters(RuleParameters):
    names: tuple[str, ...] | None = parameter(
        "AllowedNames", CsvList(r"[a-z]+", "a lower-case name"), None, "Names the probe accepts (only parsed, never used)."
    )


def probe_check(resource: Resource, parameters: ProbeParameters, facts: object = None) -> Verdict:
    return Verdict.non_compliant(f"{resource.resource_type} {resource.resource_id} was checked.")


class Probe(SmguardRule):
    """Change-triggered, scoped to every change-evaluated type of the catalogue, one parameter."""

    name = "test_probe"
    resource_types = CHANGE_TYPES
    parameters = ProbeParameters
    check = staticmethod(probe_check)


class Bare(SmguardRule):
    """Change-triggered, no parameters of its own."""

    name = "test_bare"
    resource_types = CHANGE_TYPES
    check = staticmethod(probe_check)


class PeriodicOnly(SmguardRule):
    """Periodic only, listing no resources."""

    name = "test_periodic"
    resource_types = ("AWS::EC2::VPC",)
    triggers = frozenset({PERIODIC_TRIGGER})
    check = staticmethod(probe_check)

    def list_resources(self, clients: object) -> list[Resource]:
        return []


probe = RuleHandler(Probe())
bare = RuleHandler(Bare())
periodic = RuleHandler(PeriodicOnly())


def item_of(resource_type: str, status: str = "OK") -> dict:
    configuration = None if status != "OK" else {"Name": "recorded"}
    return configuration_item(resource_type, "res-1", configuration, status=status)


@pytest.mark.parametrize("resource_type", CHANGE_TYPES)
def test_a_change_of_an_item_in_scope_is_checked(posted, resource_type):
    probe(change_event(item_of(resource_type)), None)
    assert posted.results() == [(resource_type, "res-1", "NON_COMPLIANT", f"{resource_type} res-1 was checked.")]


@pytest.mark.parametrize("resource_type", CHANGE_TYPES)
def test_a_deleted_item_is_not_applicable_without_a_check(posted, resource_type):
    probe(change_event(item_of(resource_type, "ResourceDeleted")), None)
    assert posted.results() == [(resource_type, "res-1", "NOT_APPLICABLE", "The resource is ResourceDeleted.")]


@pytest.mark.parametrize("resource_type", CHANGE_TYPES)
def test_an_item_that_left_the_scope_is_not_applicable_without_a_check(posted, resource_type):
    probe(change_event(item_of(resource_type), left_scope=True), None)
    assert posted.results() == [(resource_type, "res-1", "NOT_APPLICABLE", "The resource left the rule's scope.")]


@pytest.mark.parametrize("resource_type", CHANGE_TYPES)
def test_an_oversized_notification_is_checked_on_the_item_read_from_the_history(posted, resource_type):
    item = item_of(resource_type)
    with Stubber(config_client()) as stubber:
        stubber.add_response(
            "get_resource_config_history",
            history_response(item),
            {"resourceType": resource_type, "resourceId": "res-1", "limit": 1},
        )
        stubber.add_response("put_evaluations", {"FailedEvaluations": []}, {"Evaluations": ANY, "ResultToken": "TESTMODE", "TestMode": True})
        probe(oversized_event(item, parameters={"AllowedNames": "abc"}), None)
        stubber.assert_no_pending_responses()
    assert posted.results() == [(resource_type, "res-1", "NON_COMPLIANT", f"{resource_type} res-1 was checked.")]


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda event: {**event, "invokingEvent": "{not json"}, "invokingEvent is not valid JSON"),
        (
            lambda event: {**event, "invokingEvent": json.dumps({"messageType": "ConfigurationItemChangeNotification"})},
            "invokingEvent.configurationItem is missing or not an object",
        ),
        (lambda event: {**event, "ruleParameters": "[]"}, "ruleParameters must be a JSON object"),
        (lambda event: {key: value for key, value in event.items() if key != "resultToken"}, "resultToken is missing"),
    ],
)
def test_a_malformed_event_is_rejected_with_what_is_wrong(posted, mangle, message):
    with pytest.raises(InvalidEventError, match=f"^rule test_probe, the event: {message}"):
        probe(mangle(change_event(item_of(CHANGE_TYPES[0]))), None)
    assert posted.calls == []


@pytest.mark.parametrize(
    ("handler", "accepted"),
    [(bare, "none"), (probe, "AllowedNames")],
)
def test_a_parameter_the_rule_does_not_take_is_rejected_by_name(posted, handler, accepted):
    with pytest.raises(InvalidRuleParameterError) as raised:
        handler(change_event(item_of(CHANGE_TYPES[0]), parameters={"SubnetIds": "subnet-0a1b2c3d"}), None)
    assert raised.value.parameter == "SubnetIds"
    assert f"'SubnetIds': unknown parameter; this rule accepts: {accepted}" in str(raised.value)
    assert posted.calls == []


def test_a_malformed_parameter_is_rejected_by_name_before_anything_is_checked(posted):
    with pytest.raises(InvalidRuleParameterError) as raised:
        probe(change_event(item_of(CHANGE_TYPES[0]), parameters={"AllowedNames": "abc,Not-A-Name"}), None)
    assert raised.value.parameter == "AllowedNames"
    assert "'Not-A-Name' is not a lower-case name" in str(raised.value)
    assert posted.calls == []


def test_a_periodic_only_rule_refuses_a_change_notification(posted):
    with pytest.raises(InvalidEventError, match="this rule is periodic only"):
        periodic(change_event(item_of("AWS::EC2::VPC")), None)
    assert posted.calls == []


def test_a_periodic_run_without_a_rule_name_cannot_retire_results(posted):
    event = scheduled_event()
    del event["configRuleName"]
    with pytest.raises(InvalidEventError, match="configRuleName is missing"):
        periodic(event, None)
    assert posted.calls == []
