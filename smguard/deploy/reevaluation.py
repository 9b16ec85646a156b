"""Account mode with an exemption register: a daily re-evaluation of the change-triggered rules.

Exemptions are applied when a rule evaluates a resource. A change-triggered rule evaluates a
resource only when its configuration changes, so an exemption that expires on an unchanged resource
would keep reporting "EXEMPT until <past date>". An EventBridge Scheduler schedule therefore runs
the ``smguard-reevaluation`` function every day just after midnight UTC, when exemptions expire
(docs/exemptions.md); it starts those rules (StartConfigRulesEvaluation): AWS Config re-runs them
against the last recorded configuration of every resource in scope, and the engine applies the
register afresh. Periodic rules are left out: they re-apply the register at each run already.
Without a register there is nothing to expire, and the re-evaluation (billed per rule evaluation)
is not created.

Why a function and not the schedule calling StartConfigRulesEvaluation itself: the rules live in
the conformance pack, which creates them as ``smguard-<rule>-conformance-pack-<suffix>`` with a
suffix AWS Config chooses, so their names are known only at run time (smguard/deploy/reevaluate.py
lists them). The schedule's input names the rules to start, from the catalogue.

Organization mode has none: StartConfigRulesEvaluation acts on the rules of the calling account,
and the organization pack's rules live in the member accounts (docs/deployment.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.deploy.iam import failure_queue_statements, policy_document
from smguard.deploy.naming import CONFORMANCE_PACK_NAME
from smguard.deploy.package import REEVALUATION_FUNCTION
from smguard.deploy.rule_stack import log_group, serverless_function
from smguard.deploy.stack_parameters import REEVALUATION_CONDITION as CONDITION
from smguard.engine.rule import PERIODIC_TRIGGER

SCHEDULE_GROUP = "smguard"
SCHEDULE_NAME = "smguard-exemption-expiry"
SCHEDULE_EXPRESSION = "cron(15 0 * * ? *)"
"""00:15 UTC daily: an exemption's last day ends at 23:59:59 UTC, and a register read is cached
for at most 5 minutes, so every run after 00:05 sees the day's expiries."""
FUNCTION_NAME = "smguard-reevaluation"
"""smguard-*: the guardrail SCP protects it like the rule functions."""
HANDLER = "smguard.deploy.reevaluate.lambda_handler"
RETRY_ATTEMPTS = 5
RETRY_MAX_EVENT_AGE_SECONDS = 6 * 3600
"""A run the schedule could not start is retried for up to 6 hours (as the rule functions' asynchronous
events are); then it goes to the failed-invocations queue, whose alarm tells a person. A run that fails
inside the function goes there too, through the function's on-failure destination."""


def change_only_rules(entries: Sequence[RuleEntry]) -> list[RuleEntry]:
    return [entry for entry in entries if PERIODIC_TRIGGER not in entry.rule.triggers]


def function_role() -> dict[str, Any]:
    """What the function calls: the pack's rule list, and starting the rules a pack created (AWS Config
    names them by their ID under the conformance service's path; the suffix is not known in advance)."""
    config = "arn:${AWS::Partition}:config:${AWS::Region}:${AWS::AccountId}:"
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": {"Fn::Sub": f"{FUNCTION_NAME}-${{AWS::Region}}"},
            "Description": "Role of the smguard re-evaluation function (exemption expiry).",
            "AssumeRolePolicyDocument": policy_document(
                [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
            ),
            "Policies": [
                {
                    "PolicyName": "reevaluate",
                    "PolicyDocument": policy_document(
                        [
                            {
                                "Sid": "WriteOwnLogs",
                                "Effect": "Allow",
                                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                "Resource": {
                                    "Fn::Sub": f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/lambda/{FUNCTION_NAME}:*"
                                },
                            },
                            {
                                "Sid": "ListThePacksRules",
                                "Effect": "Allow",
                                "Action": "config:DescribeConformancePackCompliance",
                                "Resource": {"Fn::Sub": f"{config}conformance-pack/{CONFORMANCE_PACK_NAME}/*"},
                            },
                            {
                                "Sid": "StartThePacksRules",
                                "Effect": "Allow",
                                "Action": "config:StartConfigRulesEvaluation",
                                "Resource": {
                                    "Fn::Sub": f"{config}config-rule/aws-service-rule/config-conforms.amazonaws.com/config-rule-*"
                                },
                            },
                            *failure_queue_statements("Invocations"),
                        ]
                    ),
                }
            ],
        },
    }


def reevaluation_resources(entries: Sequence[RuleEntry]) -> dict[str, Any]:
    rules = change_only_rules(entries)
    schedule_group_arn = {
        "Fn::Sub": f"arn:${{AWS::Partition}}:scheduler:${{AWS::Region}}:${{AWS::AccountId}}:schedule-group/{SCHEDULE_GROUP}"
    }
    function = serverless_function(
        REEVALUATION_FUNCTION.removesuffix("Function"),
        FUNCTION_NAME,
        "Starts the smguard change-triggered rules daily, so that expired exemptions are reported.",
        HANDLER,
        vpc=False,
    )
    return {
        # The function, its role and log group exist in every deployment, idle unless the schedule runs it:
        # checkov (3.3.30) leaves a conditional AWS::Serverless::Function unchecked in some runs and not in
        # others, and a check that runs only sometimes is no check.
        "ReevaluationRole": function_role(),
        "ReevaluationLogGroup": log_group(FUNCTION_NAME),
        REEVALUATION_FUNCTION: function,
        "ReevaluationScheduleGroup": {
            "Type": "AWS::Scheduler::ScheduleGroup",
            "Condition": CONDITION,
            "Properties": {"Name": SCHEDULE_GROUP},
        },
        "ReevaluationScheduleRole": {
            "Type": "AWS::IAM::Role",
            "Condition": CONDITION,
            "Properties": {
                "RoleName": {"Fn::Sub": "smguard-reevaluation-schedule-${AWS::Region}"},
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
                                    "Sid": "RunTheReevaluationFunction",
                                    "Effect": "Allow",
                                    "Action": "lambda:InvokeFunction",
                                    "Resource": {"Fn::GetAtt": [REEVALUATION_FUNCTION, "Arn"]},
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
                    "Arn": {"Fn::GetAtt": [REEVALUATION_FUNCTION, "Arn"]},
                    "RoleArn": {"Fn::GetAtt": ["ReevaluationScheduleRole", "Arn"]},
                    "Input": json.dumps({"ConformancePackName": CONFORMANCE_PACK_NAME, "Rules": [entry.name for entry in rules]}),
                    "RetryPolicy": {
                        "MaximumRetryAttempts": RETRY_ATTEMPTS,
                        "MaximumEventAgeInSeconds": RETRY_MAX_EVENT_AGE_SECONDS,
                    },
                    "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["FailedInvocationsQueue", "Arn"]}},
                },
            },
        },
    }
