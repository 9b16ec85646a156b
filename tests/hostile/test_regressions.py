"""Every failing example the hostile suite found, kept as a plain test.

Engine defects were fixed in smguard/engine (items.py, events.py), rule defects in the rule's
check.py.
"""

from __future__ import annotations

import json

import pytest

from smguard.catalogue import load
from smguard.engine.errors import ConfigurationItemUnavailableError, InvalidEventError
from smguard.engine.rule import Resource
from tests.hostile.world import FakeResponse
from tests.support.aws import config_client
from tests.support.events import change_event, configuration_item, history_response, oversized_event, scheduled_event

NOTEBOOK = "AWS::SageMaker::NotebookInstance"


def _notebook(resource_id: str = "risk-model-dev", **item: str) -> dict:
    notebook = configuration_item(NOTEBOOK, resource_id, {"DirectInternetAccess": "Disabled", "RootAccess": "Disabled"})
    notebook.update(item)
    return notebook


def test_an_item_id_longer_than_put_evaluations_accepts_is_rejected_by_name(posted):
    """Found: a 770-character resourceId was posted as ComplianceResourceId (AWS accepts at most 768)."""
    handler = load("notebook_direct_internet").handler
    with pytest.raises(InvalidEventError, match=r"configurationItem.resourceId is 770 characters; PutEvaluations accepts at most 768"):
        handler(change_event(_notebook("0" * 770)))
    assert posted.calls == []


def test_an_item_id_of_exactly_768_characters_is_evaluated(posted):
    load("notebook_direct_internet").handler(change_event(_notebook("n" * 768)))
    assert [(r[1], r[2]) for r in posted.results()] == [("n" * 768, "COMPLIANT")]


@pytest.mark.parametrize("capture_time", ["6" * 230, "2026-13-45T99:00:00Z", "yesterday"])
def test_a_capture_time_that_is_not_a_timestamp_is_rejected_by_name(posted, capture_time):
    """Found: "666...6" escaped as botocore's RuntimeError; a bad date failed as a misleading
    AwsCallError ("did not complete after retries") from PutEvaluations' parameter validation."""
    handler = load("notebook_root_access").handler
    with pytest.raises(InvalidEventError, match=r"configurationItem.configurationItemCaptureTime '.*' is not a timestamp"):
        handler(change_event(_notebook(configurationItemCaptureTime=capture_time)))
    assert posted.calls == []


@pytest.mark.parametrize("depth", [101, 1000, 100_000])
def test_an_invoking_event_nested_too_deeply_is_rejected_by_name(aws, depth):
    """Found: json.loads raised RecursionError, which escaped the handler undocumented. Then found
    by running the suite on Python 3.12, whose parser takes 1,000 levels: the bound is now the
    engine's own (101 levels is past it on every version)."""
    event = change_event(_notebook())
    event["invokingEvent"] = "[" * depth + "]" * depth
    with pytest.raises(InvalidEventError, match="invokingEvent is nested too deeply"):
        load("notebook_root_access").handler(event)


def test_an_oversized_item_whose_configuration_is_nested_too_deeply_is_unavailable(posted):
    item = _notebook()
    history = history_response(item)
    history["configurationItems"][0]["configuration"] = '{"a":' * 5000 + "1" + "}" * 5000
    posted_history = []

    def answer(params, **_):
        posted_history.append(params)
        return FakeResponse(200), history

    config = config_client()
    config.meta.events.register("before-call.config-service.GetResourceConfigHistory", answer)
    with pytest.raises(ConfigurationItemUnavailableError, match="is not valid JSON"):
        load("notebook_root_access").handler(oversized_event(item))
    assert len(posted_history) == 1 and posted.calls == []


def test_a_scheduled_notification_time_that_is_not_a_timestamp_is_rejected_by_name(posted):
    event = scheduled_event()
    invoking = json.loads(event["invokingEvent"])
    invoking["notificationCreationTime"] = "66666666666666666666666666666666"
    event["invokingEvent"] = json.dumps(invoking)
    with pytest.raises(InvalidEventError, match="invokingEvent.notificationCreationTime '6+' is not a timestamp"):
        load("vpc_endpoints").handler(event)
    assert posted.calls == []


def test_vpc_flow_logs_reports_a_traffic_type_that_is_not_a_string():
    rule = load("vpc_flow_logs").rule
    flow_log = {"FlowLogId": "fl-1", "ResourceId": "vpc-1", "TrafficType": ["ALL"], "FlowLogStatus": "ACTIVE"}
    vpc = Resource("AWS::EC2::VPC", "vpc-1", {"state": "available"}, "us-east-1")
    verdict = rule.check(vpc, rule.parameters(), {"vpc-1": [flow_log]})
    assert verdict.compliance.value == "NON_COMPLIANT"
    assert "TrafficType" in verdict.annotation or "captures" in verdict.annotation
