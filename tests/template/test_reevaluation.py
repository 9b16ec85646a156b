"""Account mode with an exemption register re-evaluates the change-triggered rules daily: the schedule
runs the smguard-reevaluation function, which may list the smguard pack's rules and start pack rules and
nothing else; no other deployment gets the schedule."""

from __future__ import annotations

import json

import pytest

from smguard.catalogue import discover
from smguard.deploy.reevaluation import FUNCTION_NAME, HANDLER
from smguard.engine.rule import PERIODIC_TRIGGER
from tests.template.conftest import MODE_PARAMETERS, OPTIONAL_FEATURES, resolver
from tests.template.intrinsics import Resolver

ENTRIES = discover()
CHANGE_ONLY = [entry for entry in ENTRIES if PERIODIC_TRIGGER not in entry.rule.triggers]
SCHEDULED = ("ReevaluationScheduleGroup", "ReevaluationScheduleRole", "ReevaluationSchedule")


def test_the_schedule_runs_the_function_for_every_change_only_rule_daily_after_midnight_utc(template):
    resolved = resolver(template, "Account")
    schedule = resolved.resolve(template["Resources"]["ReevaluationSchedule"]["Properties"])
    target = schedule.pop("Target")
    assert json.loads(target.pop("Input")) == {"ConformancePackName": "smguard", "Rules": [entry.name for entry in CHANGE_ONLY]}
    assert target == {
        "Arn": "arn:aws:lambda:eu-west-1:111122223333:function:ReevaluationFunction",
        "RoleArn": "arn:aws:iam::111122223333:role/ReevaluationScheduleRole",
        "RetryPolicy": {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 21600},
        "DeadLetterConfig": {"Arn": "arn:aws:sqs:eu-west-1:111122223333:FailedInvocationsQueue"},
    }
    assert {key: schedule[key] for key in ("GroupName", "ScheduleExpression", "ScheduleExpressionTimezone", "State")} == {
        "GroupName": "smguard",
        "ScheduleExpression": "cron(15 0 * * ? *)",
        "ScheduleExpressionTimezone": "UTC",
        "State": "ENABLED",
    }


def test_the_schedule_role_only_runs_the_function_and_trusts_only_smguard_schedules(template):
    role = resolver(template, "Account").resolve(template["Resources"]["ReevaluationScheduleRole"]["Properties"])
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "111122223333"},
        "ArnEquals": {"aws:SourceArn": "arn:aws:scheduler:eu-west-1:111122223333:schedule-group/smguard"},
    }
    (policy,) = role["Policies"]
    statements = {s["Sid"]: (s["Action"], s["Resource"]) for s in policy["PolicyDocument"]["Statement"]}
    assert statements == {
        "RunTheReevaluationFunction": ("lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:111122223333:function:ReevaluationFunction"),
        "KeepFailedRuns": ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:FailedInvocationsQueue"),
        "EncryptFailedRuns": (
            ["kms:GenerateDataKey", "kms:Decrypt"],
            "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555",
        ),
    }


def test_the_function_may_list_the_smguard_pack_and_start_pack_rules_only(template):
    resolved = resolver(template, "Account")
    function = resolved.resolve(template["Resources"]["ReevaluationFunction"]["Properties"])
    assert (function["FunctionName"], function["Handler"]) == (FUNCTION_NAME, HANDLER)
    assert FUNCTION_NAME.startswith("smguard-")  # the guardrail SCP protects smguard-* functions
    role = resolved.resolve(template["Resources"]["ReevaluationRole"]["Properties"])
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    (policy,) = role["Policies"]
    statements = {s["Sid"]: (s["Action"], s["Resource"]) for s in policy["PolicyDocument"]["Statement"]}
    assert statements == {
        "WriteOwnLogs": (
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/smguard-reevaluation:*",
        ),
        "ListThePacksRules": (
            "config:DescribeConformancePackCompliance",
            "arn:aws:config:eu-west-1:111122223333:conformance-pack/smguard/*",
        ),
        # The ARN of every rule a conformance pack creates (AWS Config's service-linked path).
        "StartThePacksRules": (
            "config:StartConfigRulesEvaluation",
            "arn:aws:config:eu-west-1:111122223333:config-rule/aws-service-rule/config-conforms.amazonaws.com/config-rule-*",
        ),
        "KeepFailedInvocations": ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:FailedInvocationsQueue"),
        "EncryptFailedInvocations": (
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
    assert {logical_id: resolved.resource_exists(logical_id) for logical_id in SCHEDULED} == dict.fromkeys(SCHEDULED, created)
