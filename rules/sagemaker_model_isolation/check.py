"""Model containers must be network-isolated and run in the organization's VPC.

A model's inference container runs code that came with the model, often from outside the
organization. ``EnableNetworkIsolation`` true keeps that container from making any network call
(and gives it no AWS credentials); it is false when not given. ``VpcConfig`` places what network
access remains (e.g. SageMaker fetching the model artifacts) in the organization's subnets and
security groups instead of SageMaker's network; a VpcConfig without subnets places nothing.
Models cannot be updated, so every finding says to create a new model and redeploy it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smguard.engine import CsvList, Finding, Resource, RuleParameters, Verdict, describe_ids, describe_typed_value, parameter
from smguard.engine.recorded import ABSENT, SECURITY_GROUP_ID, SUBNET_ID, id_list_problem

SHOWN_IDS = 1
"""Ids named in an annotation before the rest are counted, to stay within 256 characters."""

REDEPLOY = "then redeploy it (CreateEndpointConfig, UpdateEndpoint)"


@dataclass(frozen=True)
class SagemakerModelIsolationParameters(RuleParameters):
    subnet_ids: tuple[str, ...] | None = parameter(
        "SubnetIds",
        CsvList(SUBNET_ID, "a subnet id"),
        None,
        "Comma-separated ids of the subnets model containers may use (subnet-...). Not set: any subnet is accepted.",
    )
    security_group_ids: tuple[str, ...] | None = parameter(
        "SecurityGroupIds",
        CsvList(SECURITY_GROUP_ID, "a security group id"),
        None,
        "Comma-separated ids of the security groups model containers may use (sg-...). Not set: any security group is accepted.",
    )


def check(resource: Resource, parameters: SagemakerModelIsolationParameters, facts: object = None) -> Verdict:
    configuration = resource.configuration
    findings: list[str] = []
    needs: list[str] = []
    isolation = configuration.get("EnableNetworkIsolation", ABSENT)
    if isolation is not True:
        findings.append(f"EnableNetworkIsolation is {_describe_isolation(isolation)}")
        needs.append("EnableNetworkIsolation=true")
    vpc_findings, vpc_needs, placement = _vpc_config(configuration.get("VpcConfig", ABSENT), parameters)
    findings += vpc_findings
    needs += vpc_needs
    if findings:
        # Every finding names a value to change; the fix naming what the new model needs gives way
        # to a shorter one before any finding does.
        fixes = (
            f". Models are immutable: create a new one with {' and '.join(needs)} (CreateModel), {REDEPLOY}.",
            ". Models are immutable: recreate it (CreateModel, UpdateEndpoint).",
        )
        return Verdict.non_compliant(Finding(tuple(findings), fixes, prefer_parts=True))
    return Verdict.compliant(f"EnableNetworkIsolation is true and VpcConfig places the container in {placement}.")


def _describe_isolation(value: Any) -> str:
    if value is ABSENT:
        return "absent (defaults to false)"
    if value is False:
        return "false"
    return f"{describe_typed_value(value)}, not the boolean true"


def _vpc_config(vpc_config: Any, parameters: SagemakerModelIsolationParameters) -> tuple[list[str], list[str], str]:
    """Findings about VpcConfig, what a new model needs to fix them, and where a compliant one places the container."""
    if vpc_config is ABSENT:
        return ["VpcConfig is absent"], ["a VpcConfig"], ""
    if not isinstance(vpc_config, Mapping):
        return [f"VpcConfig is {describe_typed_value(vpc_config)}, not an object"], ["a VpcConfig"], ""
    subnets = vpc_config.get("Subnets", ABSENT)
    groups = vpc_config.get("SecurityGroupIds", ABSENT)
    if subnets is ABSENT or subnets == []:
        missing = "no" if subnets is ABSENT else "empty"
        return [f"VpcConfig has {missing} Subnets, so it places nothing"], ["a VpcConfig"], ""
    findings, needs = [], []
    for prop, value, approved, what in (
        ("Subnets", subnets, parameters.subnet_ids, "subnet"),
        ("SecurityGroupIds", groups, parameters.security_group_ids, "security group"),
    ):
        problem = id_list_problem(value, f"{what} ids")
        if problem:
            findings.append(f"VpcConfig.{prop} {problem}")
            needs.append(f"valid VpcConfig.{prop}")
            continue
        outside = [item for item in value if approved is not None and item not in approved]
        if outside:
            findings.append(f"VpcConfig.{prop} has {describe_ids(outside, SHOWN_IDS)} not approved")
            needs.append(f"approved {what}s")
    if findings:
        return findings, needs, ""
    # Say approved only of what was checked: one parameter alone approves nothing about the other list.
    checked = [
        name
        for name, ids in (("subnets", parameters.subnet_ids), ("security groups", parameters.security_group_ids))
        if ids is not None
    ]
    approved_note = " (approved)" if len(checked) == 2 else f" ({checked[0]} approved)" if checked else ""
    return [], [], f"subnets {describe_ids(subnets, SHOWN_IDS)} with security groups {describe_ids(groups, SHOWN_IDS)}{approved_note}"
