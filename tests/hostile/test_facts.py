"""Checks of rules that decide from API facts, against broken facts.

vpc_flow_logs and vpc_endpoints decide from DescribeFlowLogs / DescribeVpcEndpoints entries, which
moto always returns well formed; here the entries are broken field by field (absent, null, wrong
type, wrong casing, oversized) and handed to the pure check, the same function the handler, the
sweep and the template scan call.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smguard.catalogue import discover
from smguard.engine.errors import MissingFactError
from smguard.engine.rule import Resource
from smguard.engine.verdict import ANNOTATION_MAX_LENGTH, Compliance
from tests.hostile.conftest import HOSTILE
from tests.hostile.needed import FACT_NEEDED, REGION, VPC, VPC_WITH_FLOW_LOG
from tests.hostile.samples import sample
from tests.hostile.strategies import _apply, mutation, valid_parameters

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
    try:
        verdict = rule.check(replace(vpc, region=REGION), parameters, {vpc.resource_id: flow_logs})
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
    verdict = rule.check(replace(vpc, region=REGION), parameters, {vpc.resource_id: endpoints})
    _assert_valid(verdict)
    if not all(_satisfied("vpc_endpoints", entry) for entry in endpoints):
        assert verdict.compliance is not Compliance.COMPLIANT, (verdict, endpoints)


@pytest.mark.parametrize("name", sorted(FACT_NEEDED))
def test_every_facts_rule_is_in_the_catalogue(name):
    assert name in ENTRIES, f"{name} has hostile-fact tests but is not discovered by the catalogue"
