"""Organization mode: the execution role every member account gets through a service-managed StackSet.

AWS Config invokes the rule functions in this account on behalf of every member account, and the
Config service-linked role cannot be assumed, so each member account needs a role the functions
assume (``ExecutionRoleName``) to read its resources and post its evaluations. The role trusts only
the rule functions' roles (by ARN) and allows only the rules' read calls and the engine's Config
calls. A StackSet with AutoDeployment creates it in every account of the target OUs, including
accounts that join later. The StackSet's template is a string, so :func:`execution_role_template`
is also linted on its own by the tests.

The same StackSet creates, in each member account, the remediation roles and smguard's own runbooks
(smguard/deploy/remediation.py) when ``RemediationMode`` is not None: the organization conformance
pack's remediation configurations run there, as those roles.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.deploy import remediation
from smguard.deploy.iam import policy_document, read_statements, required_actions
from smguard.deploy.stack_parameters import EXECUTION_ROLE_NAME_PATTERN

STACK_SET_NAME = "smguard-execution-role"


def execution_role_template(entries: Sequence[RuleEntry]) -> dict[str, Any]:
    """The template each member account runs: one role, trusting the given function roles only; and
    the remediation roles and runbooks, as the remediation settings say."""
    actions = sorted({action for entry in entries for action in required_actions(entry.rule)})
    declared = remediation.parameters()
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (
            "smguard: the role the smguard rule functions assume in this account to evaluate it, and the roles "
            "the smguard remediations run as."
        ),
        "Parameters": {
            "ExecutionRoleName": {
                "Type": "String",
                "AllowedPattern": EXECUTION_ROLE_NAME_PATTERN,
                "Description": "Name of the role (the rules' ExecutionRoleName parameter).",
            },
            "TrustedAccountId": {
                "Type": "String",
                "AllowedPattern": "^[0-9]{12}$",
                "Description": "The account where the smguard rule functions run.",
            },
            "FunctionRoleArns": {
                "Type": "CommaDelimitedList",
                "Description": "ARNs of the rule functions' roles, the only principals allowed to assume the role.",
            },
            **{name: declared[name] for name in remediation.MEMBER_PARAMETERS},
        },
        "Conditions": remediation.conditions(),
        "Resources": {
            **remediation.remediation_resources(entries),
            "ExecutionRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": {"Ref": "ExecutionRoleName"},
                    "Description": "Assumed by the smguard rule functions to read resources and post Config evaluations.",
                    "MaxSessionDuration": 3600,
                    "AssumeRolePolicyDocument": policy_document(
                        [
                            {
                                "Sid": "OnlyTheRuleFunctions",
                                "Effect": "Allow",
                                "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${TrustedAccountId}:root"}},
                                "Action": "sts:AssumeRole",
                                "Condition": {"ArnEquals": {"aws:PrincipalArn": {"Ref": "FunctionRoleArns"}}},
                            }
                        ]
                    ),
                    "Policies": [
                        {
                            "PolicyName": "evaluate",
                            "PolicyDocument": policy_document(read_statements(actions, "Evaluate")),
                        }
                    ],
                },
            }
        },
        "Outputs": {"ExecutionRoleArn": {"Value": {"Fn::GetAtt": ["ExecutionRole", "Arn"]}}},
    }


def stack_set_resource(entries: Sequence[RuleEntry], role_logical_ids: Sequence[str]) -> dict[str, Any]:
    """The AWS::CloudFormation::StackSet that deploys :func:`execution_role_template` to the target OUs."""
    return {
        "Type": "AWS::CloudFormation::StackSet",
        "Condition": "OrganizationScope",
        "Properties": {
            "StackSetName": {"Fn::Sub": f"{STACK_SET_NAME}-${{AWS::Region}}"},
            "Description": "smguard: the role the rule functions assume in each member account, and the remediation roles.",
            "PermissionModel": "SERVICE_MANAGED",
            "CallAs": {"Ref": "StackSetCallAs"},
            "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
            "Capabilities": ["CAPABILITY_NAMED_IAM"],
            "ManagedExecution": {"Active": True},
            "OperationPreferences": {
                "FailureTolerancePercentage": 10,
                "MaxConcurrentPercentage": 25,
                "RegionConcurrencyType": "PARALLEL",
            },
            # An IAM role is global: one region per account is enough, and a second would collide.
            "StackInstancesGroup": [
                {
                    "DeploymentTargets": {
                        # Never empty in organization mode (a template Rule asserts it); the If tells cfn-lint so.
                        "OrganizationalUnitIds": {
                            "Fn::If": ["HasStackSetTargets", {"Ref": "StackSetTargetOuIds"}, {"Ref": "AWS::NoValue"}]
                        }
                    },
                    "Regions": [{"Ref": "AWS::Region"}],
                }
            ],
            "Parameters": [
                {"ParameterKey": "ExecutionRoleName", "ParameterValue": {"Ref": "ExecutionRoleName"}},
                {"ParameterKey": "TrustedAccountId", "ParameterValue": {"Ref": "AWS::AccountId"}},
                {
                    "ParameterKey": "FunctionRoleArns",
                    "ParameterValue": {
                        "Fn::Join": [",", [{"Fn::GetAtt": [logical_id, "Arn"]} for logical_id in role_logical_ids]]
                    },
                },
                *(
                    {"ParameterKey": name, "ParameterValue": {"Ref": name}}
                    for name in remediation.MEMBER_PARAMETERS
                ),
            ],
            "TemplateBody": json.dumps(execution_role_template(entries), indent=1, sort_keys=False),
        },
    }
