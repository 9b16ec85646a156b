"""The conformance pack that deploys the rules and their remediations, in both deployment modes.

AWS Config deploys a conformance pack as a CloudFormation stack of its own in each account (AWS
Config Developer Guide, "Deploying a conformance pack using the AWS CLI": the pack's status names a
stack ``awsconfigconforms-<pack>-<id>``), so the pack template is a CloudFormation template whose
Resources are only ``AWS::Config::ConfigRule`` and ``AWS::Config::RemediationConfiguration``. AWS
Config creates each declared rule as ``<declared name>-conformance-pack-<suffix>``
(:mod:`smguard.deploy.naming`), and every account it reaches gets a compliance score.

The pack template is one constant text, the same in both modes (``TemplateBody``): every value a
deployment chooses reaches it as an input parameter (``ConformancePackInputParameters``), never
substituted into the text, so no parameter value can add to or change the template. Its parameters
are named like template.yaml's own (``NotebookInVpcSubnetIds``, ``RemediationMode``), plus
``<Rule>FunctionArn`` for each rule function.

template.yaml deploys it as ``ConformancePack`` (``DeploymentScope=Account``) or
``OrganizationConformancePack`` (``DeploymentScope=Organization``; AWS Config creates
``OrgConformsPack-smguard-<suffix>`` in every member account but the excluded ones, and in accounts
that join later).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from smguard.catalogue import RuleEntry
from smguard.deploy import remediation
from smguard.deploy.naming import CONFORMANCE_PACK_NAME, camel
from smguard.deploy.rule_stack import config_rule, function_arn_parameter, rule_parameter_names
from smguard.deploy.stack_parameters import EXECUTION_ROLE_PARAMETER

TEMPLATE_BODY_MAX_BYTES = 51_200
"""AWS Config API Reference, PutConformancePack / PutOrganizationConformancePack: TemplateBody."""
INPUT_PARAMETERS_MAX = 60
"""AWS Config API Reference, PutConformancePack: ConformancePackInputParameters, at most 60. The
service model botocore ships (and the embedded AWS enforces) allows 330; smguard keeps to the
published 60, which every region is documented to accept."""
INPUT_PARAMETER_VALUE_MAX_LENGTH = 4096
"""AWS Config API Reference, ConformancePackInputParameter: ParameterValue, 0 to 4,096 characters."""
ACCOUNT_PACK = "ConformancePack"
ORGANIZATION_PACK = "OrganizationConformancePack"
REMEDIATION_READY = "RemediationReady"


class PackLimitError(ValueError):
    """The pack exceeds a limit AWS Config sets on conformance packs."""


def config_rule_logical_id(rule_name: str) -> str:
    return f"{camel(rule_name)}ConfigRule"


def remediation_logical_id(rule_name: str) -> str:
    return f"{camel(rule_name)}Remediation"


def parameter_values(
    entries: Sequence[RuleEntry], engine_parameters: Sequence[str], *, organization: bool
) -> dict[str, Any]:
    """Pack parameter -> the template.yaml value given for it, in the pack's parameter order."""
    values: dict[str, Any] = {}
    for entry in entries:
        values[function_arn_parameter(entry.name)] = {"Fn::GetAtt": [f"{camel(entry.name)}Function", "Arn"]}
        values.update({ref: {"Ref": ref} for ref in rule_parameter_names(entry).values()})
    for name in engine_parameters:
        values[name] = {"Ref": name}
    if EXECUTION_ROLE_PARAMETER in values and not organization:
        # Account mode: the functions evaluate their own account with their own role.
        values[EXECUTION_ROLE_PARAMETER] = ""
    values.update({name: {"Ref": name} for name in remediation.PACK_PARAMETERS})
    return values


def pack_template(entries: Sequence[RuleEntry], engine_parameters: Sequence[str]) -> dict[str, Any]:
    """The pack template: each rule (rule_stack.config_rule) and its remediation (remediation.py)."""
    resources: dict[str, Any] = {}
    for entry in entries:
        rule_id = config_rule_logical_id(entry.name)
        resources[rule_id] = config_rule(entry, engine_parameters)
        if entry.rule.remediation is not None:
            resources[remediation_logical_id(entry.name)] = remediation.remediation_configuration(
                entry, entry.rule.remediation, rule_id
            )
    names = parameter_values(entries, engine_parameters, organization=False)
    return {
        "Description": "smguard: the SageMaker guardrail rules and their remediations (docs/deployment.md).",
        "Parameters": {name: {"Type": "String"} for name in names},
        "Conditions": {
            **remediation.conditions(),
            **remediation.automatic_conditions(),
            **remediation.rule_parameter_conditions(entries),
        },
        "Resources": resources,
    }


def render(template: dict[str, Any]) -> str:
    """The pack template as the YAML text of TemplateBody."""
    return yaml.safe_dump(template, sort_keys=False, width=200)


def _input_parameters(values: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"ParameterName": name, "ParameterValue": value} for name, value in values.items()]


def check_limits(body: str, input_parameters: int) -> None:
    size = len(body.encode())
    if size > TEMPLATE_BODY_MAX_BYTES:
        raise PackLimitError(
            f"the conformance pack template is {size:,} bytes, over AWS Config's {TEMPLATE_BODY_MAX_BYTES:,}-byte "
            "TemplateBody limit: shorten it in smguard/deploy/conformance_pack.py"
        )
    if input_parameters > INPUT_PARAMETERS_MAX:
        raise PackLimitError(
            f"the conformance pack takes {input_parameters} input parameters, over AWS Config's {INPUT_PARAMETERS_MAX}"
        )


def pack_resources(entries: Sequence[RuleEntry], engine_parameters: Sequence[str]) -> dict[str, Any]:
    """``ConformancePack`` (account mode) and ``OrganizationConformancePack`` (organization mode), with
    what must exist before AWS Config creates the rules: the permissions it invokes the functions with,
    and the remediation roles and runbooks (:data:`REMEDIATION_READY` in account mode; the member
    StackSet, which creates them in organization mode)."""
    body = render(pack_template(entries, engine_parameters))
    account_values = parameter_values(entries, engine_parameters, organization=False)
    check_limits(body, len(account_values))
    fixes = remediation.remediation_resources(entries)
    return {
        # CloudFormation refuses a DependsOn on a resource whose condition is false; a Ref inside Fn::If
        # on that same condition is allowed and orders the creation all the same.
        REMEDIATION_READY: {
            "Type": "AWS::CloudFormation::WaitConditionHandle",
            "Condition": "AccountScope",
            "Metadata": {
                "Remediation": {
                    logical_id: {"Fn::If": [resource["Condition"], {"Ref": logical_id}, ""]}
                    for logical_id, resource in fixes.items()
                }
            },
        },
        ACCOUNT_PACK: {
            "Type": "AWS::Config::ConformancePack",
            "Condition": "AccountScope",
            "DependsOn": [*(f"{camel(entry.name)}ConfigPermission" for entry in entries), REMEDIATION_READY],
            "Properties": {
                "ConformancePackName": CONFORMANCE_PACK_NAME,
                "TemplateBody": body,
                "ConformancePackInputParameters": _input_parameters(account_values),
            },
        },
        ORGANIZATION_PACK: {
            "Type": "AWS::Config::OrganizationConformancePack",
            "Condition": "OrganizationScope",
            # The execution role and the remediation roles must exist in the member accounts first.
            "DependsOn": [*(f"{camel(entry.name)}OrganizationPermission" for entry in entries), "ExecutionRoleStackSet"],
            "Properties": {
                "OrganizationConformancePackName": CONFORMANCE_PACK_NAME,
                "TemplateBody": body,
                "ConformancePackInputParameters": _input_parameters(
                    parameter_values(entries, engine_parameters, organization=True)
                ),
                "ExcludedAccounts": {
                    "Fn::If": ["HasExcludedAccounts", {"Ref": "ExcludedAccounts"}, {"Ref": "AWS::NoValue"}]
                },
            },
        },
    }
