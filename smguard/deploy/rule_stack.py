"""The resources of one rule: function, role, log group, alarm, the permissions Config invokes it with, and
the rule's declaration in the conformance pack (:func:`config_rule`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.deploy.iam import failure_queue_statements, policy_document, read_statements, required_actions
from smguard.deploy.naming import camel, function_logical_id, names, resource_name
from smguard.deploy.observability import errors_alarm
from smguard.deploy.parameters import template_parameter_name
from smguard.deploy.runtime import (
    ARCHITECTURE,
    ASYNC_MAX_EVENT_AGE_SECONDS,
    ASYNC_RETRY_ATTEMPTS,
    BUILD_METADATA,
    CODE_URI,
    FUNCTION_MEMORY_MB,
    FUNCTION_TIMEOUT_SECONDS,
    RUNTIME,
)
from smguard.deploy.stack_parameters import EXEMPTIONS_PARAMETER
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER

DESCRIPTION_MAX_LENGTH = 256
"""AWS Config's limit for a rule description (ConfigRule and OrganizationCustomRuleMetadata)."""

CHANGE_MESSAGE_TYPES = ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification")
SCHEDULED_MESSAGE_TYPE = "ScheduledNotification"


def checkov_skips(**reasons: str) -> dict[str, Any]:
    """Resource Metadata that skips checkov checks, each with the reason written next to it."""
    return {"checkov": {"skip": [{"id": check, "comment": reason} for check, reason in reasons.items()]}}


def _when(condition: str, statement: dict[str, Any]) -> dict[str, Any]:
    return {"Fn::If": [condition, statement, {"Ref": "AWS::NoValue"}]}


def vpc_attachment_statements() -> list[dict[str, Any]]:
    """What Lambda needs from the execution role to attach a function to SubnetIds/SecurityGroupIds
    (Lambda Developer Guide, "Required IAM permissions" for VPC access), and no more.

    CreateNetworkInterface is limited to the subnets and security groups given, by ID: their ARNs
    cannot be built from the list parameters (Fn::Join's delimiter and Fn::Sub's template must be
    literal strings, so the partition, region and account cannot be put before each ID), and the
    ec2:SubnetID / ec2:SecurityGroupID condition keys name the same resources. IAM authorizes each
    resource of the call on its own, and each key exists only for its resource type (the subnet's
    ID for the subnet, the group's for the group), hence IfExists: the network interface, which
    has neither, passes, a subnet or group not in the lists does not. The network interfaces do not
    exist before Lambda creates them: network-interface/* in this account and region. The Describe
    calls support no resource-level permissions.
    """
    ec2_arn = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:"
    return [
        {
            "Sid": "CreateNetworkInterfacesOnlyInTheGivenSubnetsAndSecurityGroups",
            "Effect": "Allow",
            "Action": "ec2:CreateNetworkInterface",
            "Resource": [
                {"Fn::Sub": ec2_arn + "network-interface/*"},
                {"Fn::Sub": ec2_arn + "subnet/*"},
                {"Fn::Sub": ec2_arn + "security-group/*"},
            ],
            "Condition": {
                "StringEqualsIfExists": {
                    "ec2:SubnetID": {"Ref": "SubnetIds"},
                    "ec2:SecurityGroupID": {"Ref": "SecurityGroupIds"},
                }
            },
        },
        {
            "Sid": "ManageOwnNetworkInterfaces",
            "Effect": "Allow",
            "Action": ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
            "Resource": {"Fn::Sub": ec2_arn + "network-interface/*"},
        },
        {
            "Sid": "DescribeNetworkInterfacesAndSubnets",
            "Effect": "Allow",
            "Action": ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
            "Resource": "*",
        },
    ]


def function_role(entry: RuleEntry, engine_parameters: Sequence[str]) -> dict[str, Any]:
    name = resource_name(entry.name)
    statements: list[Any] = [
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {
                "Fn::Sub": f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/lambda/{name}:*"
            },
        },
        *failure_queue_statements("Invocations"),
    ]
    # Account mode: the function evaluates this account with its own role.
    statements += [_when("AccountScope", s) for s in read_statements(required_actions(entry.rule), "Evaluate")]
    # Organization mode: it only assumes the execution role, and only in accounts of the organization.
    statements.append(
        _when(
            "OrganizationScope",
            {
                "Sid": "AssumeExecutionRoleInMemberAccounts",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}"},
                # Only from the code of this rule's own function: the role lent to any other function
                # (or a copy of its credentials used elsewhere) cannot act in the member accounts.
                # Lambda puts lambda:SourceFunctionArn on every request made from inside the function.
                "Condition": {
                    "StringEquals": {"aws:ResourceOrgID": {"Ref": "OrganizationId"}},
                    "ArnEquals": {
                        "lambda:SourceFunctionArn": {
                            "Fn::Sub": f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}"
                        }
                    },
                },
            },
        )
    )
    if EXEMPTIONS_PARAMETER in engine_parameters:
        statements.append(
            _when(
                "HasExemptionsParameter",
                {
                    "Sid": "ReadExemptionRegister",
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": {
                        "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${ExemptionsParameterName}"
                    },
                },
            )
        )
        statements.append(
            _when(
                "HasExemptionsKey",
                {
                    "Sid": "DecryptExemptionRegister",
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": {"Ref": "ExemptionsParameterKeyArn"},
                    "Condition": {"StringEquals": {"kms:ViaService": {"Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"}}},
                },
            )
        )
    statements += [_when("AttachToVpc", statement) for statement in vpc_attachment_statements()]
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": {"Fn::Sub": names(entry.name).role("${AWS::Region}")},
            "Description": f"Role of the {name} rule function.",
            "AssumeRolePolicyDocument": policy_document(
                [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            ),
            "Policies": [{"PolicyName": "rule", "PolicyDocument": policy_document(statements)}],
        },
    }


FUNCTION_SKIPS = {
    "CKV_AWS_116": (
        "Failed asynchronous invocations go to an on-failure destination (EventInvokeConfig, the "
        "KMS-encrypted smguard-failed-invocations queue), which records the error as well as the event."
    ),
    "CKV_AWS_173": "The function has no environment variables.",
}


def serverless_function(stem: str, function_name: str, description: str, handler: str, *, vpc: bool) -> dict[str, Any]:
    """An smguard function (built by smguard/deploy/codeuri/Makefile), with the role ``<stem>Role`` and
    log group ``<stem>LogGroup``, its failed asynchronous invocations kept on the failure queue."""
    skips = dict(FUNCTION_SKIPS)
    if vpc:
        skips["CKV_AWS_117"] = (
            "VPC attachment is a deployment choice (SubnetIds, SecurityGroupIds): accounts without internet "
            "access set it, others need no VPC endpoints."
        )
    else:
        skips["CKV_AWS_117"] = "The function calls only the AWS Config API, once a day: it needs no VPC."
    properties: dict[str, Any] = {
        "FunctionName": function_name,
        "Description": description[:DESCRIPTION_MAX_LENGTH],
        "CodeUri": CODE_URI,
        "Handler": handler,
        "Runtime": RUNTIME,
        "Architectures": [ARCHITECTURE],
        "MemorySize": FUNCTION_MEMORY_MB,
        "Timeout": FUNCTION_TIMEOUT_SECONDS,
        "Role": {"Fn::GetAtt": [f"{stem}Role", "Arn"]},
        "Layers": [{"Ref": "DependenciesLayer"}],
        "ReservedConcurrentExecutions": {
            "Fn::If": ["ReserveConcurrency", {"Ref": "FunctionReservedConcurrency"}, {"Ref": "AWS::NoValue"}]
        },
        "LoggingConfig": {"LogGroup": {"Ref": f"{stem}LogGroup"}},
    }
    if vpc:
        properties["VpcConfig"] = {
            "Fn::If": [
                "AttachToVpc",
                {"SubnetIds": {"Ref": "SubnetIds"}, "SecurityGroupIds": {"Ref": "SecurityGroupIds"}},
                {"Ref": "AWS::NoValue"},
            ]
        }
    properties["EventInvokeConfig"] = {
        "MaximumRetryAttempts": ASYNC_RETRY_ATTEMPTS,
        "MaximumEventAgeInSeconds": ASYNC_MAX_EVENT_AGE_SECONDS,
        "DestinationConfig": {
            "OnFailure": {"Type": "SQS", "Destination": {"Fn::GetAtt": ["FailedInvocationsQueue", "Arn"]}}
        },
    }
    return {
        "Type": "AWS::Serverless::Function",
        "Metadata": {**BUILD_METADATA, **checkov_skips(**dict(sorted(skips.items())))},
        "Properties": properties,
    }


def function(entry: RuleEntry) -> dict[str, Any]:
    return serverless_function(
        camel(entry.name), resource_name(entry.name), entry.metadata.title, f"rules.{entry.name}.app.lambda_handler", vpc=True
    )


def log_group(function_name: str) -> dict[str, Any]:
    return {
        "Type": "AWS::Logs::LogGroup",
        # Logs are evidence: they outlive the stack.
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "LogGroupName": f"/aws/lambda/{function_name}",
            "RetentionInDays": {"Ref": "LogRetentionInDays"},
            "KmsKeyId": {"Fn::GetAtt": ["SmguardKey", "Arn"]},
        },
    }


def rule_parameter_names(entry: RuleEntry) -> dict[str, str]:
    """Config parameter name -> template parameter name, for the rule's own parameters."""
    return {spec.name: template_parameter_name(entry.name, spec.name) for spec in entry.rule.parameters.specs()}


def function_arn_parameter(rule_name: str) -> str:
    """The conformance pack's parameter carrying the rule function's ARN (``NotebookRootAccessFunctionArn``)."""
    return f"{camel(rule_name)}FunctionArn"


def input_parameters(entry: RuleEntry, engine_parameters: Sequence[str]) -> dict[str, Any]:
    """Config parameter name -> pack template value; empty strings mean "not set" to the engine (account
    mode passes an empty ExecutionRoleName: the function evaluates with its own role)."""
    values: dict[str, Any] = {name: {"Ref": ref} for name, ref in rule_parameter_names(entry).items()}
    for name in engine_parameters:
        values[name] = {"Ref": name}
    return values


def _periodic_frequency(entry: RuleEntry) -> str | None:
    if PERIODIC_TRIGGER not in entry.rule.triggers:
        return None
    return entry.rule.maximum_execution_frequency


def config_rule(entry: RuleEntry, engine_parameters: Sequence[str]) -> dict[str, Any]:
    """The rule as the conformance pack template declares it (smguard/deploy/conformance_pack.py): every
    variable value is a pack parameter, the function's ARN included."""
    source_details = []
    if CHANGE_TRIGGER in entry.rule.triggers:
        source_details += [{"EventSource": "aws.config", "MessageType": message} for message in CHANGE_MESSAGE_TYPES]
    frequency = _periodic_frequency(entry)
    if frequency:
        source_details.append(
            {"EventSource": "aws.config", "MessageType": SCHEDULED_MESSAGE_TYPE, "MaximumExecutionFrequency": frequency}
        )
    properties: dict[str, Any] = {
        "ConfigRuleName": names(entry.name).config_rule,
        "Description": entry.metadata.title[:DESCRIPTION_MAX_LENGTH],
    }
    if CHANGE_TRIGGER in entry.rule.triggers:
        properties["Scope"] = {"ComplianceResourceTypes": list(entry.rule.resource_types)}
    values = input_parameters(entry, engine_parameters)
    if values:
        properties["InputParameters"] = values
    properties["Source"] = {
        "Owner": "CUSTOM_LAMBDA",
        "SourceIdentifier": {"Ref": function_arn_parameter(entry.name)},
        "SourceDetails": source_details,
    }
    return {"Type": "AWS::Config::ConfigRule", "Properties": properties}


def permissions(entry: RuleEntry) -> dict[str, Any]:
    stem = camel(entry.name)
    function_arn = {"Fn::GetAtt": [f"{stem}Function", "Arn"]}
    return {
        f"{stem}ConfigPermission": {
            "Type": "AWS::Lambda::Permission",
            "Condition": "AccountScope",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": function_arn,
                "Principal": "config.amazonaws.com",
                "SourceAccount": {"Ref": "AWS::AccountId"},
            },
        },
        # Config invokes the function on behalf of each member account. A Lambda permission can name
        # one SourceAccount; its SourceArn must name a 12-digit account (no wildcard, and the member
        # rules' ARNs end in generated IDs); PrincipalOrgID (aws:PrincipalOrgID) never matches a
        # service principal. So member accounts cannot be listed here as they join; the organization
        # boundary is enforced where the function acts instead: it may assume the execution role only
        # in accounts of OrganizationId (aws:ResourceOrgID), and that role trusts only the rule
        # functions' roles. The residual risk (invocations from outside) is in docs/deployment.md.
        f"{stem}OrganizationPermission": {
            "Type": "AWS::Lambda::Permission",
            "Condition": "OrganizationScope",
            "Metadata": checkov_skips(
                CKV_AWS_364=(
                    "Organization mode: Config invokes from every member account, which one SourceAccount cannot "
                    "express; the function can act only in accounts of OrganizationId (aws:ResourceOrgID)."
                )
            ),
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": function_arn,
                "Principal": "config.amazonaws.com",
            },
        },
    }


def rule_resources(entry: RuleEntry, engine_parameters: Sequence[str]) -> dict[str, Any]:
    stem = camel(entry.name)
    return {
        f"{stem}Role": function_role(entry, engine_parameters),
        f"{stem}LogGroup": log_group(resource_name(entry.name)),
        function_logical_id(entry.name): function(entry),
        **permissions(entry),
        f"{stem}ErrorsAlarm": errors_alarm(entry.name),
    }
