"""Account mode with an exemption register re-evaluates the change-triggered rules daily, with a role
that can start exactly those rules and nothing else; no other deployment gets the schedule."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from smguard.catalogue import discover
from smguard.deploy.naming import camel, resource_name
from smguard.deploy.reevaluation import START_EVALUATION_MAX_RULES, TooManyRulesError, reevaluation_resources
from smguard.engine.rule import PERIODIC_TRIGGER
from tests.template.conftest import MODE_PARAMETERS, OPTIONAL_FEATURES, resolver
from tests.template.intrinsics import Resolver

ENTRIES = discover()
CHANGE_ONLY = [entry for entry in ENTRIES if PERIODIC_TRIGGER not in entry.rule.triggers]
RESOURCES = ("ReevaluationScheduleGroup", "ReevaluationRole", "ReevaluationSchedule")


def test_the_catalogue_has_change_only_rules_and_fits_one_call():
    assert 0 < len(CHANGE_ONLY) <= START_EVALUATION_MAX_RULES


def test_the_schedule_starts_every_change_only_rule_daily_after_midnight_utc(template):
    resolved = resolver(template, "Account")
    schedule = resolved.resolve(template["Resources"]["ReevaluationSchedule"]["Properties"])
    target = schedule.pop("Target")
    assert json.loads(target.pop("Input")) == {"ConfigRuleNames": [resource_name(entry.name) for entry in CHANGE_ONLY]}
    assert target == {
        "Arn": "arn:aws:scheduler:::aws-sdk:config:startConfigRulesEvaluation",
        "RoleArn": "arn:aws:iam::111122223333:role/ReevaluationRole",
        "RetryPolicy": {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 21600},
        "DeadLetterConfig": {"Arn": "arn:aws:sqs:eu-west-1:111122223333:FailedInvocationsQueue"},
    }
    assert {key: schedule[key] for key in ("GroupName", "ScheduleExpression", "ScheduleExpressionTimezone", "State")} == {
        "GroupName": "smguard",
        "ScheduleExpression": "cron(15 0 * * ? *)",
        "ScheduleExpressionTimezone": "UTC",
        "State": "ENABLED",
    }


def test_the_schedule_role_starts_only_those_rules_and_trusts_only_smguard_schedules(template):
    role = resolver(template, "Account").resolve(template["Resources"]["ReevaluationRole"]["Properties"])
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "111122223333"},
        "ArnEquals": {"aws:SourceArn": "arn:aws:scheduler:eu-west-1:111122223333:schedule-group/smguard"},
    }
    (policy,) = role["Policies"]
    statements = {s["Sid"]: (s["Action"], s["Resource"]) for s in policy["PolicyDocument"]["Statement"]}
    assert statements == {
        "StartTheChangeTriggeredRules": (
            "config:StartConfigRulesEvaluation",
            [f"arn:aws:config:eu-west-1:111122223333:config-rule/config-rule-{camel(e.name).lower()}configrule" for e in CHANGE_ONLY],
        ),
        "KeepFailedRuns": ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:FailedInvocationsQueue"),
        "EncryptFailedRuns": (
            ["kms:GenerateDataKey", "kms:Decrypt"],
            "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555",
        ),
    }


@pytest.mark.parametrize(
    ("mode", "register", "created"),
    [("Account", "/smguard/exemptions", True), ("Account", "", False), ("Organization", "/smguard/exemptions", False)],
)
def test_only_account_mode_with_a_register_gets_the_schedule(template, mode, register, created):
    resolved = Resolver(template, {**MODE_PARAMETERS[mode], **OPTIONAL_FEATURES, "ExemptionsParameterName": register})
    assert {logical_id: resolved.resource_exists(logical_id) for logical_id in RESOURCES} == dict.fromkeys(RESOURCES, created)


def test_more_change_only_rules_than_one_call_takes_stop_the_generator():
    entry = CHANGE_ONLY[0]
    too_many = [replace(entry, name=f"rule_{index}") for index in range(START_EVALUATION_MAX_RULES + 1)]
    with pytest.raises(TooManyRulesError, match=r"26 change-triggered rules, but StartConfigRulesEvaluation takes at most 25"):
        reevaluation_resources(too_many)
