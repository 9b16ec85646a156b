"""Model containers must be network-isolated and run in the organization's VPC.

A model's inference container runs code that came with the model, often from outside the
organization. ``EnableNetworkIsolation`` true keeps that container from making any network call
(and gives it no AWS credentials); it is false when not given. ``VpcConfig`` places what network
access remains (e.g. SageMaker fetching the model artifacts) in the organization's subnets and
security groups instead of SageMaker's network; a VpcConfig without subnets places nothing.
Models cannot be updated, so every finding says to create a new model and redeploy it.
"""

from __future__ import annotations

from dataclasses import dataclass

from smguard.engine import CsvList, Finding, Resource, RuleParameters, Verdict, parameter
from smguard.engine.recorded import ABSENT, SECURITY_GROUP_ID, SUBNET_ID, describe_off_by_default, vpc_config_findings

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
        findings.append(f"EnableNetworkIsolation is {describe_off_by_default(isolation)}")
        needs.append("EnableNetworkIsolation=true")
    vpc_findings, vpc_needs, placement = vpc_config_findings(
        configuration.get("VpcConfig", ABSENT), parameters.subnet_ids, parameters.security_group_ids, SHOWN_IDS
    )
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
