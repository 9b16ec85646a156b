"""The recorded path's pure parts: what a recording group records, the queries, facts from recorded items."""

from __future__ import annotations

import pytest

from smguard.engine.rule import Resource
from smguard.resources.base import UnrecordedFactError
from smguard.resources.facts.kms_keys import KMS_KEY, KeyFacts, recorded_keys
from smguard.resources.facts.vpc_endpoints import VPC_ENDPOINT, VPC_ENDPOINTS
from smguard.resources.facts.vpc_flow_logs import FLOW_LOG, VPC_FLOW_LOGS
from smguard.sweep.clients import SweepClients
from smguard.sweep.recorded import EXPRESSION_MAX_LENGTH, RecordedPlace, expressions
from smguard.sweep.recording import recorded_types

ACCOUNT, REGION = "111122223333", "eu-west-1"
KEY_ID = "0d6c3a1e-5b7f-4c2a-9e8d-1f2a3b4c5d6e"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
CANDIDATES = ("AWS::EC2::VPC", "AWS::EC2::FlowLog", "AWS::SageMaker::Domain")


@pytest.mark.parametrize(
    ("group", "recorded"),
    [
        ({"allSupported": True}, set(CANDIDATES)),
        ({"AllSupported": True, "RecordingStrategy": {"UseOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}}, set(CANDIDATES)),
        ({"allSupported": False, "resourceTypes": ["AWS::EC2::VPC"]}, {"AWS::EC2::VPC"}),
        (
            {"AllSupported": False, "ExclusionByResourceTypes": {"ResourceTypes": ["AWS::EC2::FlowLog"]},
             "RecordingStrategy": {"UseOnly": "EXCLUSION_BY_RESOURCE_TYPES"}},
            {"AWS::EC2::VPC", "AWS::SageMaker::Domain"},
        ),
        ({}, set()),
    ],
)
def test_what_a_recording_group_records(group, recorded):
    assert recorded_types(group, CANDIDATES) == recorded


def test_one_expression_unless_the_types_would_pass_4096_characters():
    assert expressions(["AWS::EC2::VPC", "AWS::EC2::FlowLog"]) == [
        "SELECT accountId, awsRegion, resourceType, resourceId, arn, configurationItemStatus, configuration "
        "WHERE resourceType IN ('AWS::EC2::FlowLog', 'AWS::EC2::VPC')"
    ]
    many = [f"AWS::Service{index:03}::Type" for index in range(200)]
    split = expressions(many)
    assert len(split) > 1
    assert all(len(expression) <= EXPRESSION_MAX_LENGTH for expression in split)
    assert sorted(t for e in split for t in e.split("IN (")[1].rstrip(")").replace("'", "").split(", ")) == sorted(many)


def place(items: dict[str, list[Resource]], recorded: set[str]) -> RecordedPlace:
    from smguard.sweep.collected import CollectedResource

    found = RecordedPlace(ACCOUNT, REGION, frozenset(recorded), SweepClients.__new__(SweepClients))
    found.items = {t: [CollectedResource(r) for r in resources] for t, resources in items.items()}
    return found


def test_keys_from_recorded_items():
    key = Resource(KMS_KEY, KEY_ID, {"arn": KEY_ARN, "keyId": KEY_ID, "keyManager": "CUSTOMER", "keyState": "Disabled"}, REGION)
    recorded = place({KMS_KEY: [key]}, {KMS_KEY})
    gone_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777"

    assert recorded_keys([KEY_ARN, KEY_ID, gone_arn], recorded) == {
        KEY_ARN: KeyFacts(KEY_ARN, "CUSTOMER", "Disabled"),
        KEY_ID: KeyFacts(KEY_ARN, "CUSTOMER", "Disabled"),
        gone_arn: None,  # a key of this account and region that is not recorded does not exist
    }
    for unanswerable in ("alias/data-science", f"arn:aws:kms:{REGION}:444455556666:key/{KEY_ID}"):
        with pytest.raises(UnrecordedFactError, match="cannot describe it"):
            recorded_keys([unanswerable], recorded)


def test_a_fact_type_that_is_not_recorded_is_an_error_not_an_empty_list():
    recorded = place({}, {"AWS::EC2::VPC"})

    with pytest.raises(UnrecordedFactError, match=f"AWS::EC2::FlowLog is not recorded in {ACCOUNT} {REGION}"):
        VPC_FLOW_LOGS.from_aws(["vpc-1"], recorded)


def test_flow_logs_and_endpoints_are_read_in_their_describe_shape():
    flow_log = Resource(FLOW_LOG, "fl-1", {"flowLogId": "fl-1", "resourceId": "vpc-1", "flowLogStatus": "ACTIVE", "trafficType": "ALL"})
    endpoint = Resource(
        VPC_ENDPOINT, "vpce-1",
        {"vpcEndpointId": "vpce-1", "vpcId": "vpc-1", "serviceName": "com.amazonaws.eu-west-1.sts", "state": {"value": "available"}},
    )
    recorded = place({FLOW_LOG: [flow_log], VPC_ENDPOINT: [endpoint]}, {FLOW_LOG, VPC_ENDPOINT})

    assert VPC_FLOW_LOGS.from_aws(["vpc-1", "vpc-2"], recorded) == {
        "vpc-1": [{"FlowLogId": "fl-1", "ResourceId": "vpc-1", "FlowLogStatus": "ACTIVE", "TrafficType": "ALL"}],
        "vpc-2": [],
    }
    assert VPC_ENDPOINTS.from_aws(["vpc-1"], recorded) == {
        "vpc-1": [{"VpcEndpointId": "vpce-1", "VpcId": "vpc-1", "ServiceName": "com.amazonaws.eu-west-1.sts", "State": "available"}]
    }
