"""The demo's operator pressing "Remediate" in the Config console, for every fix that is safe to run.

For each deployed rule with a remediation configuration, the NON_COMPLIANT resources are sent to
StartRemediationExecution, as the console's Remediate action does (manual mode, the template's
default). A fix that interrupts users (stopping a notebook) is not run: the demo says it is offered,
and why a person decides. The rules then run again and the dashboard shows what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import boto3

from smguard.catalogue import load, rule_names
from smguard.demo.runner import RuleRun
from smguard.deploy.naming import rule_of

EMBEDDED_DIFFERENCE = (
    "AWS Config starts a remediation through Systems Manager Automation and it runs on its own time; the "
    "embedded AWS runs the runbook's steps within StartRemediationExecution against the embedded resources, "
    "and does not enforce the remediation role's IAM policy."
)
"""What the demo's reader must know about the remediation they saw (a note the demo prints)."""

MAX_RESOURCE_KEYS = 100
"""StartRemediationExecution's bound (AWS Config API Reference)."""


@dataclass(frozen=True)
class RemediationRun:
    rule: str
    config_rule_name: str
    runbook: str
    resource_id: str
    state: str
    """SUCCEEDED or FAILED as DescribeRemediationExecutionStatus says, or NOT_RUN for a fix left to a person."""
    detail: str


def remediate(session: boto3.Session, runs: Sequence[RuleRun]) -> list[RemediationRun]:
    config = session.client("config")
    names = sorted({run.config_rule_name for run in runs})
    configurations = [
        configuration
        for start in range(0, len(names), 25)
        for configuration in config.describe_remediation_configurations(ConfigRuleNames=names[start : start + 25])["RemediationConfigurations"]
    ]
    known = rule_names()
    done: list[RemediationRun] = []
    for configuration in configurations:
        name = configuration["ConfigRuleName"]
        rule = rule_of(name, known)
        remediation = load(rule).rule.remediation if rule else None
        if rule is None or remediation is None:
            continue
        keys = [
            result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
            for page in config.get_paginator("get_compliance_details_by_config_rule").paginate(
                ConfigRuleName=name, ComplianceTypes=["NON_COMPLIANT"]
            )
            for result in page["EvaluationResults"]
        ]
        if remediation.interrupts:
            done += [
                RemediationRun(rule, name, configuration["TargetId"], key["ResourceId"], "NOT_RUN", f"offered, left to its owner: it {remediation.interrupts}")
                for key in keys
            ]
            continue
        resource_keys = [{"resourceType": key["ResourceType"], "resourceId": key["ResourceId"]} for key in keys]
        for start in range(0, len(resource_keys), MAX_RESOURCE_KEYS):
            config.start_remediation_execution(ConfigRuleName=name, ResourceKeys=resource_keys[start : start + MAX_RESOURCE_KEYS])
        if not resource_keys:
            continue
        statuses = config.describe_remediation_execution_status(ConfigRuleName=name, ResourceKeys=resource_keys)["RemediationExecutionStatuses"]
        for status in statuses:
            steps = status.get("StepDetails", [])
            failed = [step for step in steps if step["State"] == "FAILED"]
            detail = failed[0].get("ErrorMessage", "") if failed else ", ".join(step["Name"] for step in steps)
            done.append(RemediationRun(rule, name, configuration["TargetId"], status["ResourceKey"]["resourceId"], status["State"], detail))
    return sorted(done, key=lambda run: (run.rule, run.resource_id))
