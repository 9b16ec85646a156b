"""Rules that decide from API facts, against broken facts: the pure check, and the real handler.

vpc_flow_logs and vpc_endpoints decide from DescribeFlowLogs / DescribeVpcEndpoints entries, which
moto always returns well formed; here the entries are broken field by field (absent, null, wrong
type, wrong casing, oversized). They are handed to the pure check (the function the handler, the
sweep and the template scan call), and returned to the real ``lambda_handler`` as the EC2 API's
answer, through a change notification (full or oversized) or a scheduled one.

The answer comes from a ``before-call`` hook on the shared EC2 client (as world.py answers the
Config APIs moto lacks), not from botocore's Stubber: the Stubber validates a stubbed response
against the operation's output shape and refuses (ParamValidationError) a TrafficType of 7 or a
PrivateDnsEnabled of "yes", which are exactly the values under test. A before-call hook's
(response, parsed) pair is used as the parsed response without parsing or validation, as a
template-built fact would be. Each test counts the check's calls and holds that the check decided
the seeded VPC in every example.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smguard.catalogue import discover
from smguard.engine.errors import MissingFactError
from smguard.engine.handler import SHARED_CLIENTS
from smguard.engine.rule import Resource
from smguard.engine.verdict import ANNOTATION_MAX_LENGTH, Compliance
from tests.hostile.conftest import HOSTILE
from tests.hostile.harness import counting_checks, invoke_checked
from tests.hostile.declared import FACT_NEEDED
from tests.hostile.needed import REGION, VPC, VPC_WITH_FLOW_LOG
from tests.hostile.samples import sample
from tests.hostile.strategies import EVALUABLE_STATUSES, _apply, event_for, mutation, valid_item, valid_parameters
from tests.hostile.world import FakeResponse, World
from tests.support.events import scheduled_event

ENTRIES = {entry.name: entry for entry in discover()}

FLOW_LOG = {
    "FlowLogId": "fl-0a1b2c3d4e5f60718",
    "ResourceId": VPC_WITH_FLOW_LOG,
    "TrafficType": "ALL",
    "FlowLogStatus": "ACTIVE",
    "DeliverLogsStatus": "SUCCESS",
    "LogDestinationType": "cloud-watch-logs",
    "LogGroupName": "vpc-flow-logs",
    "LogDestination": "arn:aws:logs:us-east-1:123456789012:log-group:vpc-flow-logs",
    "MaxAggregationInterval": 60,
}


def _endpoint(index: int, service: str) -> dict:
    gateway = service in ("s3", "dynamodb")
    return {
        "VpcEndpointId": f"vpce-{index:017x}",
        "VpcId": VPC_WITH_FLOW_LOG,
        "ServiceName": f"com.amazonaws.{REGION}.{service}",
        "VpcEndpointType": "Gateway" if gateway else "Interface",
        "State": "available",
        "PrivateDnsEnabled": not gateway,
    }


@st.composite
def broken_entries(draw, baseline: list[dict]) -> list[dict]:
    entries = []
    for entry in baseline:
        entry = dict(entry)
        for key in draw(st.lists(st.sampled_from(sorted(entry)), unique=True)):
            _apply(entry, key, draw(mutation(entry[key])), draw)
        entries.append(entry)
    return entries


def _satisfied(name: str, entry: dict) -> bool:
    return all(needed.satisfied(entry) for needed in FACT_NEEDED[name])


def _assert_valid(verdict) -> None:
    assert verdict.compliance in Compliance
    assert 1 <= len(verdict.annotation) <= ANNOTATION_MAX_LENGTH


@HOSTILE
@given(data=st.data())
def test_vpc_flow_logs_never_counts_a_broken_flow_log(data):
    rule = ENTRIES["vpc_flow_logs"].rule
    parameters = rule.parameters.parse(data.draw(valid_parameters(rule.parameters), label="parameters"))
    flow_logs = data.draw(broken_entries([FLOW_LOG, FLOW_LOG]), label="flow logs")
    vpc = Resource(VPC, VPC_WITH_FLOW_LOG, sample(VPC))
    resource, facts = rule.facts.for_check(vpc, flow_logs, REGION)  # the form the check takes them in
    try:
        verdict = rule.check(resource, parameters, facts)
    except MissingFactError as error:
        assert "flow log" in str(error)
        return
    _assert_valid(verdict)
    if not any(_satisfied("vpc_flow_logs", entry) for entry in flow_logs):
        assert verdict.compliance is not Compliance.COMPLIANT, (verdict, flow_logs)


@HOSTILE
@given(data=st.data())
def test_vpc_endpoints_never_counts_a_broken_endpoint(data):
    rule = ENTRIES["vpc_endpoints"].rule
    parameters = rule.parameters.parse(data.draw(valid_parameters(rule.parameters), label="parameters"))
    endpoints = data.draw(broken_entries([_endpoint(i, s) for i, s in enumerate(dict.fromkeys(parameters.required_services))]), label="endpoints")
    vpc = Resource(VPC, VPC_WITH_FLOW_LOG, sample(VPC))
    resource, facts = rule.facts.for_check(vpc, endpoints, REGION)
    verdict = rule.check(resource, parameters, facts)
    _assert_valid(verdict)
    if not all(_satisfied("vpc_endpoints", entry) for entry in endpoints):
        assert verdict.compliance is not Compliance.COMPLIANT, (verdict, endpoints)


@contextmanager
def ec2_answers(world: World, operation: str, result_key: str, entries: list[dict]) -> Iterator[list[dict]]:
    """The shared EC2 client answers ``operation`` with ``entries`` (placeholders localised), unparsed
    and unvalidated; yields the list of requests it answered."""
    answer_entries = world.localise({result_key: entries})
    requests: list[dict] = []

    def answer(params: dict[str, Any], **_: Any) -> tuple[FakeResponse, dict[str, Any]]:
        requests.append(params)
        return FakeResponse(200), answer_entries

    events = SHARED_CLIENTS.client("ec2").meta.events
    event_name, unique_id = f"before-call.ec2.{operation}", f"smguard-hostile-{operation}"
    events.register(event_name, answer, unique_id=unique_id)
    try:
        yield requests
    finally:
        events.unregister(event_name, unique_id=unique_id)


def _handler_event(world: World, data: st.DataObject, name: str, parameters: dict) -> tuple[dict, dict | None]:
    """A change notification for the seeded VPC (full or oversized; when the rule has the trigger), or the schedule."""
    entry = ENTRIES[name]
    if "ConfigurationChanges" in entry.rule.triggers and data.draw(st.booleans(), label="change notification"):
        item = valid_item(VPC, sample(VPC), data.draw(st.sampled_from(EVALUABLE_STATUSES), label="status"))
        world.record_history(item)
        return event_for(item, parameters, oversized=data.draw(st.booleans(), label="oversized"), left_scope=False), item
    return scheduled_event(parameters=parameters or None), None


class Decisions:
    """Per test: how many examples the check decided for the seeded VPC (it must be all of them)."""

    def __init__(self) -> None:
        self.examples = 0
        self.decided = 0

    def count(self, world: World, calls, outcome) -> str:
        """The compliance delivered for the seeded VPC; counts the example as decided when the check was."""
        vpc = world.vpc_ids[0]
        self.examples += 1
        delivered = [entry[2] for entry in outcome.delivered or () if entry[1] == vpc]
        if calls.resource_ids.count(vpc) == 2 and len(delivered) == 1:  # invoked twice, the same result
            self.decided += 1
        return delivered[0] if delivered else ""

    def assert_all_decided(self) -> None:
        assert self.examples and self.decided == self.examples, (
            f"the check decided the seeded VPC in {self.decided} of {self.examples} examples"
        )


def test_vpc_flow_logs_handler_never_counts_a_broken_flow_log(world):
    entry, decisions = ENTRIES["vpc_flow_logs"], Decisions()

    @HOSTILE
    @given(data=st.data())
    def broken_flow_logs(data: st.DataObject) -> None:
        parameters = data.draw(valid_parameters(entry.rule.parameters), label="parameters")
        if str(parameters.get("LogDestinations", "")).strip():
            parameters["LogDestinations"] = FLOW_LOG["LogDestination"]  # so that the destination is not why it fails
        flow_logs = data.draw(broken_entries([FLOW_LOG, FLOW_LOG]), label="flow logs")
        event, item = _handler_event(world, data, "vpc_flow_logs", parameters)
        with ec2_answers(world, "DescribeFlowLogs", "FlowLogs", flow_logs) as requests, counting_checks(entry.rule) as calls:
            outcome = invoke_checked(entry, event, world, item)
        assert len(requests) == 2, "one DescribeFlowLogs per invocation"
        compliance = decisions.count(world, calls, outcome)
        if not any(_satisfied("vpc_flow_logs", flow_log) for flow_log in flow_logs):
            assert compliance != "COMPLIANT", (outcome, flow_logs)

    broken_flow_logs()
    decisions.assert_all_decided()


def test_vpc_endpoints_handler_never_counts_a_broken_endpoint(world):
    entry, decisions = ENTRIES["vpc_endpoints"], Decisions()

    @HOSTILE
    @given(data=st.data())
    def broken_endpoints(data: st.DataObject) -> None:
        parameters = data.draw(valid_parameters(entry.rule.parameters), label="parameters")
        if str(parameters.get("VpcIds", "")).strip():
            parameters["VpcIds"] = VPC_WITH_FLOW_LOG  # the seeded VPC, so that it is evaluated
        services = entry.rule.parameters.parse(parameters).required_services
        endpoints = data.draw(broken_entries([_endpoint(i, s) for i, s in enumerate(dict.fromkeys(services))]), label="endpoints")
        event, _ = _handler_event(world, data, "vpc_endpoints", parameters)
        with ec2_answers(world, "DescribeVpcEndpoints", "VpcEndpoints", endpoints) as requests, counting_checks(entry.rule) as calls:
            outcome = invoke_checked(entry, event, world)
        assert len(requests) == 2, "one DescribeVpcEndpoints per invocation"
        compliance = decisions.count(world, calls, outcome)
        if not all(_satisfied("vpc_endpoints", endpoint) for endpoint in endpoints):
            assert compliance != "COMPLIANT", (outcome, endpoints)

    broken_endpoints()
    decisions.assert_all_decided()


@pytest.mark.parametrize("name", sorted(FACT_NEEDED))
def test_every_facts_rule_is_in_the_catalogue(name):
    assert name in ENTRIES, f"{name} has hostile-fact tests but is not discovered by the catalogue"
