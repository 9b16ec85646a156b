"""IAM policy statements for the rule functions and the member-account execution role.

A rule declares the actions it calls (``SmguardRule.aws_actions``); this module knows, for each
action, which resource ARN IAM lets a policy name, so no statement uses ``*`` where AWS allows a
resource (Service Authorization Reference, per service). An action missing from the table stops
the generator with :class:`UnknownActionError` rather than falling back to ``*``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER, SmguardRule

ANY = "*"

ACTION_RESOURCES: dict[str, str] = {
    # EC2 Describe* calls support no resource-level permissions.
    "ec2:DescribeVpcs": ANY,
    "ec2:DescribeFlowLogs": ANY,
    "ec2:DescribeVpcEndpoints": ANY,
    "ec2:DescribeSecurityGroups": ANY,
    "ec2:DescribeSubnets": ANY,
    # Keys may live in a central key account, so any account of this region.
    "kms:DescribeKey": "arn:${AWS::Partition}:kms:${AWS::Region}:*:key/*",
    # SageMaker List* calls support no resource-level permissions; Describe* name the resource.
    "sagemaker:ListNotebookInstances": ANY,
    "sagemaker:ListEndpointConfigs": ANY,
    "sagemaker:ListDomains": ANY,
    "sagemaker:ListModels": ANY,
    "sagemaker:DescribeNotebookInstance": (
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:notebook-instance/*"
    ),
    "sagemaker:DescribeEndpointConfig": (
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint-config/*"
    ),
    "sagemaker:DescribeDomain": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:domain/*",
    "sagemaker:DescribeModel": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model/*",
    "sagemaker:ListTrainingJobs": ANY,
    "sagemaker:ListProcessingJobs": ANY,
    "sagemaker:ListTransformJobs": ANY,
    "sagemaker:ListHyperParameterTuningJobs": ANY,
    "sagemaker:ListAutoMLJobs": ANY,
    "sagemaker:ListLabelingJobs": ANY,
    "sagemaker:DescribeTrainingJob": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/*",
    "sagemaker:DescribeProcessingJob": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:processing-job/*",
    "sagemaker:DescribeTransformJob": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:transform-job/*",
    "sagemaker:DescribeHyperParameterTuningJob": (
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:hyper-parameter-tuning-job/*"
    ),
    "sagemaker:DescribeAutoMLJobV2": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:automl-job/*",
    "sagemaker:DescribeLabelingJob": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:labeling-job/*",
    # What the remediation runbooks call (smguard.deploy.remediation), with the resources the Service
    # Authorization Reference lets a policy name.
    "ec2:RevokeSecurityGroupIngress": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*",
    "ec2:RevokeSecurityGroupEgress": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*",
    "ec2:CreateFlowLogs": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:*",
    "logs:CreateLogDelivery": ANY,
    "logs:DeleteLogDelivery": ANY,
    "sagemaker:StartNotebookInstance": (
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:notebook-instance/*"
    ),
    "sagemaker:StopNotebookInstance": (
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:notebook-instance/*"
    ),
    "sagemaker:UpdateNotebookInstance": (
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:notebook-instance/*"
    ),
    "ssm:StartAutomationExecution": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-definition/*",
    "ssm:GetAutomationExecution": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*",
    # AWS Config: PutEvaluations, GetResourceConfigHistory and GetComplianceDetailsByResource support no
    # resource-level permissions;
    # GetComplianceDetailsByConfigRule names the rule by its ID (config-rule/config-rule-abc123), which
    # organization rules in member accounts only get at creation, hence the wildcard on the ID.
    "config:PutEvaluations": ANY,
    "config:GetResourceConfigHistory": ANY,
    "config:GetComplianceDetailsByResource": ANY,
    "config:GetComplianceDetailsByConfigRule": (
        "arn:${AWS::Partition}:config:${AWS::Region}:${AWS::AccountId}:config-rule/*"
    ),
}


class UnknownActionError(ValueError):
    """A rule declares an action whose resource format this module does not know."""


def engine_actions(rule: SmguardRule) -> tuple[str, ...]:
    """What the engine calls for ``rule``: deliver results, fetch oversized items, retire stale results."""
    actions = ["config:PutEvaluations"]
    if CHANGE_TRIGGER in rule.triggers:
        actions.append("config:GetResourceConfigHistory")
    if PERIODIC_TRIGGER in rule.triggers and rule.delete_old_evaluations_on_scheduled_notification:
        actions.append("config:GetComplianceDetailsByConfigRule")
    return tuple(actions)


def required_actions(rule: SmguardRule) -> tuple[str, ...]:
    """Every action the rule's evaluation calls, in the account evaluated."""
    return tuple(sorted(set(engine_actions(rule)) | set(rule.aws_actions)))


def read_statements(actions: Iterable[str], sid_prefix: str) -> list[dict[str, Any]]:
    """One statement per resource format, so each action gets exactly the resource IAM accepts for it."""
    by_resource: dict[str, list[str]] = {}
    for action in sorted(set(actions)):
        if action not in ACTION_RESOURCES:
            raise UnknownActionError(
                f"{action} is not in smguard/deploy/iam.py ACTION_RESOURCES; add it with the resource ARN "
                "the Service Authorization Reference gives for it ('*' only if it supports none)"
            )
        by_resource.setdefault(ACTION_RESOURCES[action], []).append(action)
    statements = []
    for index, (resource, grouped) in enumerate(sorted(by_resource.items(), key=lambda item: item[1][0])):
        statements.append(
            {
                "Sid": f"{sid_prefix}{index + 1}",
                "Effect": "Allow",
                "Action": grouped,
                "Resource": resource if resource == ANY else {"Fn::Sub": resource},
            }
        )
    return statements


def failure_queue_statements(what: str) -> list[dict[str, Any]]:
    """Let a role put what failed (``what``: Invocations, Runs) on the stack's encrypted failure queue.

    The queue is encrypted with the stack's key, so sending needs the key too, and only through SQS.
    """
    return [
        {
            "Sid": f"KeepFailed{what}",
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": {"Fn::GetAtt": ["FailedInvocationsQueue", "Arn"]},
        },
        {
            "Sid": f"EncryptFailed{what}",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": {"Fn::GetAtt": ["SmguardKey", "Arn"]},
            "Condition": {"StringEquals": {"kms:ViaService": {"Fn::Sub": "sqs.${AWS::Region}.amazonaws.com"}}},
        },
    ]


def policy_document(statements: list[Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}
