"""The re-evaluation function (smguard/deploy/reevaluate.py) against AWS Config's API shapes, through a
botocore Stubber: moto has no DescribeConformancePackCompliance."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from smguard.deploy.reevaluate import (
    InvalidScheduleInputError,
    MissingPackRulesError,
    batches,
    lambda_handler,
    parse_event,
    reevaluate,
)

RULES = ["notebook_direct_internet", "notebook_in_vpc", "vpc_default_sg"]


def compliance(*names: str) -> list[dict]:
    return [{"ConfigRuleName": name, "ComplianceType": "COMPLIANT", "Controls": []} for name in names]


@pytest.fixture
def config():
    client = boto3.client("config", region_name="eu-west-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_it_starts_the_named_rules_of_the_pack_over_every_page_and_leaves_the_others(config):
    client, stubber = config
    stubber.add_response(
        "describe_conformance_pack_compliance",
        {
            "ConformancePackName": "smguard",
            "ConformancePackRuleComplianceList": compliance(
                "smguard-notebook-in-vpc-conformance-pack-a1b2c3", "smguard-vpc-flow-logs-conformance-pack-d4e5f6"
            ),
            "NextToken": "page2",
        },
        {"ConformancePackName": "smguard"},
    )
    stubber.add_response(
        "describe_conformance_pack_compliance",
        {
            "ConformancePackName": "smguard",
            "ConformancePackRuleComplianceList": compliance(
                "smguard-vpc-default-sg-conformance-pack-g7h8i9",
                "smguard-notebook-direct-internet-conformance-pack-j0k1l2",
                "someone-elses-rule-conformance-pack-m3n4o5",
            ),
        },
        {"ConformancePackName": "smguard", "NextToken": "page2"},
    )
    started = [
        "smguard-notebook-direct-internet-conformance-pack-j0k1l2",
        "smguard-notebook-in-vpc-conformance-pack-a1b2c3",
        "smguard-vpc-default-sg-conformance-pack-g7h8i9",
    ]
    stubber.add_response("start_config_rules_evaluation", {}, {"ConfigRuleNames": started})
    assert reevaluate(client, "smguard", RULES) == started


def test_more_than_25_rules_are_started_25_at_a_time(config):
    client, stubber = config
    rules = [f"rule_{index:02d}" for index in range(30)]
    names = [f"smguard-rule-{index:02d}-conformance-pack-x1" for index in range(30)]
    stubber.add_response(
        "describe_conformance_pack_compliance",
        {"ConformancePackName": "smguard", "ConformancePackRuleComplianceList": compliance(*names)},
        {"ConformancePackName": "smguard"},
    )
    stubber.add_response("start_config_rules_evaluation", {}, {"ConfigRuleNames": names[:25]})
    stubber.add_response("start_config_rules_evaluation", {}, {"ConfigRuleNames": names[25:]})
    assert reevaluate(client, "smguard", rules) == names
    assert [len(batch) for batch in batches(names)] == [25, 5]


def test_a_pack_without_one_of_the_rules_is_an_error_naming_it_and_starts_nothing(config):
    client, stubber = config
    stubber.add_response(
        "describe_conformance_pack_compliance",
        {"ConformancePackName": "smguard", "ConformancePackRuleComplianceList": compliance("smguard-notebook-in-vpc-conformance-pack-a1")},
        {"ConformancePackName": "smguard"},
    )
    with pytest.raises(MissingPackRulesError, match="no rule for notebook_direct_internet, vpc_default_sg"):
        reevaluate(client, "smguard", RULES)


def test_a_refused_start_is_raised_so_lambda_retries_the_run(config):
    client, stubber = config
    stubber.add_response(
        "describe_conformance_pack_compliance",
        {"ConformancePackName": "smguard", "ConformancePackRuleComplianceList": compliance("smguard-notebook-in-vpc-conformance-pack-a1")},
        {"ConformancePackName": "smguard"},
    )
    stubber.add_client_error("start_config_rules_evaluation", "LimitExceededException", "evaluation in progress")
    with pytest.raises(client.exceptions.LimitExceededException):
        reevaluate(client, "smguard", ["notebook_in_vpc"])


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ([], "must be an object, not list"),
        ({"Rules": ["a"]}, "needs ConformancePackName"),
        ({"ConformancePackName": "smguard", "Rules": []}, "needs Rules, a non-empty list"),
        ({"ConformancePackName": "smguard", "Rules": ["a", 3]}, "needs Rules, a non-empty list"),
    ],
)
def test_a_malformed_schedule_input_is_refused_naming_what_is_wrong(event, message):
    with pytest.raises(InvalidScheduleInputError, match=message):
        parse_event(event)


def test_the_handler_reads_the_schedule_input_the_template_writes(template_input, monkeypatch):
    client = boto3.client("config", region_name="eu-west-1")
    pack, rules = parse_event(template_input)
    names = sorted(f"smguard-{rule.replace('_', '-')}-conformance-pack-q9" for rule in rules)
    with Stubber(client) as stubber:
        stubber.add_response(
            "describe_conformance_pack_compliance",
            {"ConformancePackName": pack, "ConformancePackRuleComplianceList": compliance(*names)},
            {"ConformancePackName": pack},
        )
        stubber.add_response("start_config_rules_evaluation", {}, {"ConfigRuleNames": names})
        monkeypatch.setattr("smguard.deploy.reevaluate.boto3.client", lambda *args, **kwargs: client)
        assert lambda_handler(template_input, None) == {"Started": names}


@pytest.fixture
def template_input() -> dict:
    import json

    from smguard.catalogue import discover
    from smguard.deploy.reevaluation import reevaluation_resources

    schedule = reevaluation_resources(discover())["ReevaluationSchedule"]
    return json.loads(schedule["Properties"]["Target"]["Input"])
