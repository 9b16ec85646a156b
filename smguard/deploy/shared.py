"""Resources every rule function shares: the KMS key, the failed-invocations queue, the alarm topic
and the dependencies layer."""

from __future__ import annotations

from typing import Any

from smguard.deploy.iam import policy_document
from smguard.deploy.observability import failed_invocations_alarm
from smguard.deploy.runtime import ARCHITECTURE, BUILD_METADATA, CODE_URI, RUNTIME
from smguard.policies import PROTECTION_TAG


def key_resource() -> dict[str, Any]:
    """One customer managed key for the failed-invocations queue, the alarm topic and the log groups."""
    return {
        "Type": "AWS::KMS::Key",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "Description": "smguard: encrypts the rule functions' logs, failed invocations and alarm notifications.",
            "EnableKeyRotation": True,
            # Its ID is generated, so the guardrail SCP protects it by this tag (ProtectTaggedResources):
            # disabling it would silence the alarm topic, the failed-invocations queue and the logs at once.
            "Tags": [{"Key": PROTECTION_TAG[0], "Value": PROTECTION_TAG[1]}],
            "KeyPolicy": policy_document(
                [
                    {
                        # Without this statement IAM policies could not grant use of the key, and the key
                        # could become unmanageable; it delegates to IAM in this account only.
                        "Sid": "AccountAdministersThroughIam",
                        "Effect": "Allow",
                        "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "CloudWatchLogsEncryptsRuleLogs",
                        "Effect": "Allow",
                        "Principal": {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}},
                        "Action": [
                            "kms:Encrypt",
                            "kms:Decrypt",
                            "kms:ReEncryptFrom",
                            "kms:ReEncryptTo",
                            "kms:GenerateDataKey",
                            "kms:GenerateDataKeyWithoutPlaintext",
                        ],
                        "Resource": "*",
                        "Condition": {
                            "StringLike": {
                                "kms:EncryptionContext:aws:logs:arn": {
                                    "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/smguard-*"
                                }
                            }
                        },
                    },
                    {
                        "Sid": "CloudWatchAlarmsPublishToEncryptedTopic",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                    },
                ]
            ),
        },
    }


def deny_insecure_transport(resource: Any, action: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def shared_resources() -> dict[str, Any]:
    return {
        "SmguardKey": key_resource(),
        "SmguardKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": "alias/smguard", "TargetKeyId": {"Ref": "SmguardKey"}},
        },
        "FailedInvocationsQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": "smguard-failed-invocations",
                "KmsMasterKeyId": {"Fn::GetAtt": ["SmguardKey", "Arn"]},
                "KmsDataKeyReusePeriodSeconds": 3600,
                "MessageRetentionPeriod": 1209600,
            },
        },
        "FailedInvocationsQueuePolicy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": "FailedInvocationsQueue"}],
                "PolicyDocument": policy_document(
                    [deny_insecure_transport({"Fn::GetAtt": ["FailedInvocationsQueue", "Arn"]}, "sqs:*")]
                ),
            },
        },
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "TopicName": "smguard-alarms",
                "DisplayName": "smguard alarms",
                "KmsMasterKeyId": {"Fn::GetAtt": ["SmguardKey", "Arn"]},
            },
        },
        "AlarmTopicPolicy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [{"Ref": "AlarmTopic"}],
                "PolicyDocument": policy_document(
                    [
                        {
                            "Sid": "CloudWatchAlarmsOfThisAccount",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": {"Ref": "AlarmTopic"},
                            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                        },
                        deny_insecure_transport({"Ref": "AlarmTopic"}, "sns:Publish"),
                    ]
                ),
            },
        },
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}},
        },
        "FailedInvocationsAlarm": failed_invocations_alarm(),
        "DependenciesLayer": {
            "Type": "AWS::Serverless::LayerVersion",
            "Metadata": dict(BUILD_METADATA),
            "Properties": {
                "LayerName": "smguard-dependencies",
                "Description": "smguard rule functions' runtime dependencies (requirements.txt, pinned).",
                "ContentUri": CODE_URI,
                "CompatibleRuntimes": [RUNTIME],
                "CompatibleArchitectures": [ARCHITECTURE],
                "RetentionPolicy": "Delete",
            },
        },
    }
