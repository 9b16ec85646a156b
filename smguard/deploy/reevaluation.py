"""Account mode with an exemption register: a daily re-evaluation of the change-triggered rules.

Exemptions are applied when a rule evaluates a resource. A change-triggered rule evaluates a
resource only when its configuration changes, so an exemption that expires on an unchanged resource
would keep reporting "EXEMPT until <past date>". An EventBridge Scheduler schedule therefore calls
StartConfigRulesEvaluation for those rules every day just after midnight UTC, when exemptions
expire (docs/exemptions.md): AWS Config re-runs them against the last recorded configuration of
every resource in scope, and the engine applies the register afresh. Periodic rules are left out:
they re-apply the register at each run already. Without a register there is nothing to expire, and
the re-evaluation (billed per rule evaluation) is not created.

Organization mode has none: StartConfigRulesEvaluation acts on the rules of the calling account,
and the organization rules live in the member accounts (docs/deployment.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.deploy.iam import failure_queue_statements, policy_document
from smguard.deploy.naming import camel, resource_name
from smguard.engine.rule import PERIODIC_TRIGGER

CONDITION = "ReevaluateForExemptionExpiry"
SCHEDULE_GROUP = "smguard"
SCHEDULE_NAME = "smguard-exemption-expiry"
SCHEDULE_EXPRESSION = "cron(15 0 * * ? *)"
"""00:15 UTC daily: an exemption's last day ends at 23:59:59 UTC, and a register read is cached
for at most 5 minutes, so every run after 00:05 sees the day's expiries."""
START_EVALUATION_MAX_RULES = 25
"""StartConfigRulesEvaluation takes at most 25 rule names per call."""
RETRY_ATTEMPTS = 5
RETRY_MAX_EVENT_AGE_SECONDS = 6 * 3600
"""A call refused because an evaluation of the same rules is still running is retried for up to 6
hours (as the rule functions' asynchronous events are); then it goes to the failed-invocations queue,
whose alarm tells a person."""


class TooManyRulesError(ValueError):
    """More change-triggered rules than one StartConfigRulesEvaluation call takes."""


def change_only_rules(entries: Sequence[RuleEntry]) -> list[RuleEntry]:
    return [entry for entry in entries if PERIODIC_TRIGGER not in entry.rule.triggers]


def reevaluation_resources(entries: Sequence[RuleEntry]) -> dict[str, Any]:
    rules = change_only_rules(entries)
    if len(rules) > START_EVALUATION_MAX_RULES:
        raise TooManyRulesError(
            f"{len(rules)} change-triggered rules, but StartConfigRulesEvaluation takes at most "
            f"{START_EVALUATION_MAX_RULES}: split the schedule in smguard/deploy/reevaluation.py"
        )
    schedule_group_arn = {
        "Fn::Sub": f"arn:${{AWS::Partition}}:scheduler:${{AWS::Region}}:${{AWS::AccountId}}:schedule-group/{SCHEDULE_GROUP}"
    }
    return {
        "ReevaluationScheduleGroup": {
            "Type": "AWS::Scheduler::ScheduleGroup",
            "Condition": CONDITION,
            "Properties": {"Name": SCHEDULE_GROUP},
        },
        "ReevaluationRole": {
            "Type": "AWS::IAM::Role",
            "Condition": CONDITION,
            "Properties": {
                "RoleName": {"Fn::Sub": "smguard-reevaluation-${AWS::Region}"},
                "Description": "Assumed by the smguard daily re-evaluation schedule (exemption expiry).",
                "AssumeRolePolicyDocument": policy_document(
                    [
                        {
                            # Only schedules of this account's smguard group (confused-deputy protection).
                            "Effect": "Allow",
                            "Principal": {"Service": "scheduler.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                                "ArnEquals": {"aws:SourceArn": schedule_group_arn},
                            },
                        }
                    ]
                ),
                "Policies": [
                    {
                        "PolicyName": "reevaluate",
                        "PolicyDocument": policy_document(
                            [
                                {
                                    "Sid": "StartTheChangeTriggeredRules",
                                    "Effect": "Allow",
                                    "Action": "config:StartConfigRulesEvaluation",
                                    "Resource": [
                                        {"Fn::GetAtt": [f"{camel(entry.name)}ConfigRule", "Arn"]} for entry in rules
                                    ],
                                },
                                *failure_queue_statements("Runs"),
                            ]
                        ),
                    }
                ],
            },
        },
        "ReevaluationSchedule": {
            "Type": "AWS::Scheduler::Schedule",
            "Condition": CONDITION,
            "Properties": {
                "Name": SCHEDULE_NAME,
                "GroupName": {"Ref": "ReevaluationScheduleGroup"},
                "Description": (
                    "Re-evaluates the smguard change-triggered rules daily, so that expired exemptions are reported "
                    "on resources that did not change."
                ),
                "ScheduleExpression": SCHEDULE_EXPRESSION,
                "ScheduleExpressionTimezone": "UTC",
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "State": "ENABLED",
                "Target": {
                    "Arn": {"Fn::Sub": "arn:${AWS::Partition}:scheduler:::aws-sdk:config:startConfigRulesEvaluation"},
                    "RoleArn": {"Fn::GetAtt": ["ReevaluationRole", "Arn"]},
                    "Input": json.dumps({"ConfigRuleNames": [resource_name(entry.name) for entry in rules]}),
                    "RetryPolicy": {
                        "MaximumRetryAttempts": RETRY_ATTEMPTS,
                        "MaximumEventAgeInSeconds": RETRY_MAX_EVENT_AGE_SECONDS,
                    },
                    "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["FailedInvocationsQueue", "Arn"]}},
                },
            },
        },
    }
