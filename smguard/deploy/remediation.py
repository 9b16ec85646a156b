"""Remediation: what each rule's declared runbook needs to run from the Config console.

For each rule that declares a :class:`smguard.engine.remediation.Remediation`:

- ``<Rule>RemediationRole``: the role the runbook runs as (its ``AutomationAssumeRole``), trusted by
  Systems Manager for its own account only, allowed exactly the runbook's actions; and for
  smguard's own runbooks the ``AWS::SSM::Document`` itself (:data:`SMGUARD_RUNBOOKS`). Both come from
  :func:`remediation_resources`: in template.yaml for account mode, and in the member-account
  StackSet template (smguard/deploy/organization.py) for organization mode;
- ``<Rule>Remediation``: an ``AWS::Config::RemediationConfiguration`` in the conformance pack
  (:func:`remediation_configuration`, smguard/deploy/conformance_pack.py), manual or automatic as
  ``RemediationMode`` says (with the retry limits), passing the non-compliant resource's ID, the
  runbook's fixed values and the rule's own parameter values. AWS Config refuses
  PutRemediationConfigurations on organization rules and on rules a pack created (AWS Config API
  Reference, PutRemediationConfigurations): a pack carries its remediations itself, into every
  account an organization conformance pack reaches.

A fix that interrupts a user (``Remediation.interrupts``: stopping a notebook) is automatic only when
``RemediationMode`` is Automatic and ``AutomaticRemediationThatInterruptsUsers`` is true as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.deploy.iam import policy_document, read_statements
from smguard.deploy.naming import camel, names
from smguard.deploy.parameters import template_parameter_name
from smguard.engine.remediation import Remediation

MODE_PARAMETER = "RemediationMode"
MODES = ("None", "Manual", "Automatic")
INTERRUPTING_PARAMETER = "AutomaticRemediationThatInterruptsUsers"
ATTEMPTS_PARAMETER = "RemediationMaximumAutomaticAttempts"
RETRY_SECONDS_PARAMETER = "RemediationRetryAttemptSeconds"
FLOW_LOG_DESTINATION_PARAMETER = "FlowLogRemediationDestinationArn"

REMEDIATE = "Remediate"
AUTOMATIC = "AutomaticRemediation"
AUTOMATIC_INTERRUPTING = "AutomateInterruptingRemediation"
FLOW_LOG_DESTINATION_SET = "HasFlowLogRemediationDestination"


class UnknownRunbookError(ValueError):
    """A rule declares an smguard runbook (``smguard-...``) that this module does not create."""


class UnknownStackParameterError(ValueError):
    """A rule's remediation takes a template parameter that the template does not declare."""


def parameters() -> dict[str, Any]:
    return {
        MODE_PARAMETER: {
            "Type": "String",
            "AllowedValues": list(MODES),
            "Default": "Manual",
            "Description": (
                "How AWS Config fixes what the rules with a safe fix find, in every account (docs/remediation.md). "
                "None: no remediation. Manual: a Remediate action in the Config console. Automatic: Config runs "
                f"the fix on every NON_COMPLIANT result (a fix that stops a notebook needs {INTERRUPTING_PARAMETER} too)."
            ),
        },
        INTERRUPTING_PARAMETER: {
            "Type": "String",
            "AllowedValues": ["false", "true"],
            "Default": "false",
            "Description": (
                "With RemediationMode=Automatic: true also makes automatic the fixes that interrupt users "
                "(disabling a notebook's root access stops and restarts the notebook, ending its sessions)."
            ),
        },
        ATTEMPTS_PARAMETER: {
            "Type": "Number",
            "Default": 3,
            "MinValue": 1,
            "MaxValue": 25,
            "Description": "Automatic remediation: attempts per resource within RemediationRetryAttemptSeconds (AWS Config allows 1-25).",
        },
        RETRY_SECONDS_PARAMETER: {
            "Type": "Number",
            "Default": 300,
            "MinValue": 1,
            "MaxValue": 2678000,
            "Description": "Automatic remediation: the window, in seconds, in which the attempts are counted.",
        },
        FLOW_LOG_DESTINATION_PARAMETER: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^(|arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^,\s\"\\]*)?)$",
            # Bounded: it reaches the conformance pack as an input parameter (at most 4,096 characters).
            "MaxLength": 1024,
            "ConstraintDescription": "must be empty or an S3 bucket ARN, optionally with a folder, at most 1,024 characters",
            "Description": (
                "The S3 bucket (ARN, optionally with a folder) the flow-log remediation delivers to; it must match "
                "the vpc_flow_logs rule's LogDestinations. Empty: no flow-log remediation."
            ),
        },
    }


def conditions(scope: str | None = None) -> dict[str, Any]:
    """Whether the remediation roles, smguard's runbooks and the remediation configurations exist:
    RemediationMode is not None (and, for the flow-log fix, a destination is given). ``scope``: the
    condition of the template's deployment mode (template.yaml creates the roles only in account
    mode; the pack and the member StackSet template are deployed only in their own mode)."""
    remediate: dict[str, Any] = {"Fn::Not": [{"Fn::Equals": [{"Ref": MODE_PARAMETER}, "None"]}]}
    return {
        REMEDIATE: {"Fn::And": [{"Condition": scope}, remediate]} if scope else remediate,
        FLOW_LOG_DESTINATION_SET: {
            "Fn::And": [
                {"Condition": REMEDIATE},
                {"Fn::Not": [{"Fn::Equals": [{"Ref": FLOW_LOG_DESTINATION_PARAMETER}, ""]}]},
            ]
        },
    }


def automatic_conditions() -> dict[str, Any]:
    """Whether a remediation configuration is automatic (the pack template's)."""
    return {
        AUTOMATIC: {"Fn::Equals": [{"Ref": MODE_PARAMETER}, "Automatic"]},
        AUTOMATIC_INTERRUPTING: {
            "Fn::And": [{"Condition": AUTOMATIC}, {"Fn::Equals": [{"Ref": INTERRUPTING_PARAMETER}, "true"]}]
        },
    }


def flow_log_document() -> dict[str, Any]:
    """smguard-EnableVpcFlowLog: one VPC-level flow log to S3, with the traffic type and aggregation
    interval the vpc_flow_logs rule requires (EC2 API Reference, CreateFlowLogs), then a check that it exists.

    CreateFlowLogs answers a refused resource (a flow log to that destination already exists, the
    bucket refuses delivery) with an ``Unsuccessful`` item in a successful response, and an
    ``aws:executeAwsApi`` step fails only when its API call fails (Systems Manager User Guide,
    "aws:executeAwsApi - Call and run AWS API operations"). So the second step,
    ``aws:assertAwsResourceProperty`` (Systems Manager User Guide, "aws:assertAwsResourceProperty -
    Assert an AWS resource state or event state": Service, Api, the API's inputs, PropertySelector,
    DesiredValues), reads the VPC's flow logs of that traffic type to S3 back with DescribeFlowLogs
    and fails the run unless one is ACTIVE. The role's actions are what the two steps call
    (rules/vpc_flow_logs/app.py), with the log-delivery actions CreateFlowLogs needs for S3."""
    return {
        "schemaVersion": "0.3",
        "description": "Creates a VPC flow log to S3 as smguard's vpc_flow_logs rule requires (smguard, docs/remediation.md).",
        "assumeRole": "{{ AutomationAssumeRole }}",
        "parameters": {
            "AutomationAssumeRole": {"type": "String", "description": "The role this runbook runs as."},
            "VpcId": {"type": "String", "allowedPattern": "^vpc-[0-9a-f]{8,17}$", "description": "The VPC without a flow log."},
            "TrafficType": {"type": "String", "allowedValues": ["ALL", "ACCEPT", "REJECT"], "default": "ALL"},
            "MaxAggregationInterval": {"type": "Integer", "allowedValues": [60, 600], "default": 600},
            "LogDestination": {"type": "String", "allowedPattern": "^arn:aws[a-z-]*:s3:::.+$", "description": "S3 bucket ARN."},
        },
        "mainSteps": [
            {
                "name": "CreateFlowLog",
                "action": "aws:executeAwsApi",
                "inputs": {
                    "Service": "ec2",
                    "Api": "CreateFlowLogs",
                    "ResourceIds": ["{{ VpcId }}"],
                    "ResourceType": "VPC",
                    "TrafficType": "{{ TrafficType }}",
                    "LogDestinationType": "s3",
                    "LogDestination": "{{ LogDestination }}",
                    "MaxAggregationInterval": "{{ MaxAggregationInterval }}",
                },
                "outputs": [
                    {"Name": "FlowLogIds", "Selector": "$.FlowLogIds", "Type": "StringList"},
                    {"Name": "Unsuccessful", "Selector": "$.Unsuccessful", "Type": "MapList"},
                ],
            },
            {
                "name": "VerifyFlowLog",
                "action": "aws:assertAwsResourceProperty",
                "isEnd": True,
                "inputs": {
                    "Service": "ec2",
                    "Api": "DescribeFlowLogs",
                    "Filter": [
                        {"Name": "resource-id", "Values": ["{{ VpcId }}"]},
                        {"Name": "traffic-type", "Values": ["{{ TrafficType }}"]},
                        {"Name": "log-destination-type", "Values": ["s3"]},
                    ],
                    "PropertySelector": "$.FlowLogs[0].FlowLogStatus",
                    "DesiredValues": ["ACTIVE"],
                },
            },
        ],
    }


SMGUARD_RUNBOOKS: dict[str, tuple[Callable[[], dict[str, Any]], str]] = {
    "smguard-EnableVpcFlowLog": (flow_log_document, FLOW_LOG_DESTINATION_SET),
}
"""smguard's own runbooks: document builder, and the condition under which the template creates it."""

STACK_PARAMETERS = (FLOW_LOG_DESTINATION_PARAMETER,)
PACK_PARAMETERS = (MODE_PARAMETER, INTERRUPTING_PARAMETER, ATTEMPTS_PARAMETER, RETRY_SECONDS_PARAMETER, *STACK_PARAMETERS)
"""The remediation settings the conformance pack takes as input parameters."""
MEMBER_PARAMETERS = (MODE_PARAMETER, *STACK_PARAMETERS)
"""What the member-account StackSet template takes to create the roles and runbooks (organization mode)."""


def role_logical_id(rule_name: str) -> str:
    return f"{camel(rule_name)}RemediationRole"


def runbook_logical_id(runbook: str) -> str:
    return camel(runbook.removeprefix("smguard-")) + "Runbook"


def _condition(remediation: Remediation) -> str:
    if remediation.is_smguard_runbook:
        if remediation.runbook not in SMGUARD_RUNBOOKS:
            raise UnknownRunbookError(
                f"{remediation.runbook} is declared as smguard's own runbook, but smguard/deploy/remediation.py creates "
                f"only {', '.join(SMGUARD_RUNBOOKS)}"
            )
        return SMGUARD_RUNBOOKS[remediation.runbook][1]
    return REMEDIATE


def _automatic(remediation: Remediation) -> dict[str, Any]:
    condition = AUTOMATIC_INTERRUPTING if remediation.interrupts else AUTOMATIC
    return {"Fn::If": [condition, True, False]}


def role(entry: RuleEntry, remediation: Remediation) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Condition": _condition(remediation),
        "Properties": {
            "RoleName": {"Fn::Sub": names(entry.name).remediation_role("${AWS::Region}")},
            "Description": f"Runs {remediation.runbook} for the {names(entry.name).config_rule} rule.",
            "AssumeRolePolicyDocument": policy_document(
                [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ssm.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                        # Only Automation runs of this account (confused deputy).
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                            "ArnLike": {
                                "aws:SourceArn": {
                                    "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*"
                                }
                            },
                        },
                    }
                ]
            ),
            "Policies": [
                {"PolicyName": "remediation", "PolicyDocument": policy_document(read_statements(remediation.actions, "Remediate"))}
            ],
        },
    }


def remediation_configuration(entry: RuleEntry, remediation: Remediation, rule_logical_id: str) -> dict[str, Any]:
    """The pack's RemediationConfiguration: it names the rule by its declared name (AWS Config attaches it
    to the rule the pack creates from that declaration), and the role by the name the account has it
    under (:func:`role`, created before the pack in account mode, by the StackSet in member accounts)."""
    role_arn = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + names(entry.name).remediation_role("${AWS::Region}")
    values: dict[str, Any] = {
        "AutomationAssumeRole": {"StaticValue": {"Values": [{"Fn::Sub": role_arn}]}},
        remediation.resource_id_parameter: {"ResourceValue": {"Value": "RESOURCE_ID"}},
    }
    for name, value in remediation.static_parameters.items():
        values[name] = {"StaticValue": {"Values": [value]}}
    for name, rule_parameter in remediation.rule_parameters.items():
        values[name] = {"StaticValue": {"Values": [_effective_value(entry, rule_parameter)]}}
    for name, stack_parameter in remediation.stack_parameters.items():
        if stack_parameter not in STACK_PARAMETERS:
            raise UnknownStackParameterError(
                f"{entry.name}'s remediation takes the template parameter {stack_parameter}, which smguard/deploy/remediation.py "
                f"does not declare ({', '.join(STACK_PARAMETERS)})"
            )
        values[name] = {"StaticValue": {"Values": [{"Ref": stack_parameter}]}}
    properties: dict[str, Any] = {
        "ConfigRuleName": names(entry.name).config_rule,
        "TargetType": "SSM_DOCUMENT",
        "TargetId": remediation.runbook,
        "Parameters": values,
        "Automatic": _automatic(remediation),
        "MaximumAutomaticAttempts": {"Ref": ATTEMPTS_PARAMETER},
        "RetryAttemptSeconds": {"Ref": RETRY_SECONDS_PARAMETER},
    }
    if len(entry.rule.resource_types) == 1:
        # Needed for a periodic rule's results, which name the resource type themselves.
        properties["ResourceType"] = entry.rule.resource_types[0]
    return {
        "Type": "AWS::Config::RemediationConfiguration",
        "Condition": _condition(remediation),
        "DependsOn": [rule_logical_id],
        "Properties": properties,
    }


def _unset_condition(entry: RuleEntry, rule_parameter: str) -> str:
    return f"{template_parameter_name(entry.name, rule_parameter)}Unset"


def _effective_value(entry: RuleEntry, rule_parameter: str) -> dict[str, Any]:
    """The value the rule applies: the template parameter, or when it is left empty the rule's own
    default (what the engine does with an empty parameter), so the fix makes what the check wants."""
    [spec] = [spec for spec in entry.rule.parameters.specs() if spec.name == rule_parameter]
    reference = {"Ref": template_parameter_name(entry.name, rule_parameter)}
    return {"Fn::If": [_unset_condition(entry, rule_parameter), str(spec.default), reference]}


def rule_parameter_conditions(entries: Sequence[RuleEntry]) -> dict[str, Any]:
    """Whether each rule parameter a remediation takes is left empty (the rule's default applies)."""
    return {
        _unset_condition(entry, rule_parameter): {"Fn::Equals": [{"Ref": template_parameter_name(entry.name, rule_parameter)}, ""]}
        for entry in entries
        if entry.rule.remediation is not None
        for rule_parameter in entry.rule.remediation.rule_parameters.values()
    }


def remediation_resources(entries: Sequence[RuleEntry]) -> dict[str, Any]:
    """The roles and smguard runbooks of every rule that declares a fix, under :func:`conditions`."""
    resources: dict[str, Any] = {}
    for entry in entries:
        remediation = entry.rule.remediation
        if remediation is None:
            continue
        resources[role_logical_id(entry.name)] = role(entry, remediation)
        if remediation.is_smguard_runbook:
            build, condition = SMGUARD_RUNBOOKS[remediation.runbook]
            resources[runbook_logical_id(remediation.runbook)] = {
                "Type": "AWS::SSM::Document",
                "Condition": condition,
                "Properties": {
                    "Name": remediation.runbook,
                    "DocumentType": "Automation",
                    "Content": build(),
                    "UpdateMethod": "NewVersion",
                },
            }
    return resources
