"""Model Monitor jobs must be network-isolated, encrypt traffic between their instances and run in the organization's VPC.

A monitoring job reads the data an endpoint captured (often the inference payloads themselves) and
runs an analysis container. ``NetworkConfig.EnableNetworkIsolation`` true keeps that container from
making any network call; ``EnableInterContainerTrafficEncryption`` true encrypts what a job on
several instances sends between them; ``VpcConfig`` places what network access remains in the
organization's subnets and security groups. Each is false or absent when not given (SageMaker API
Reference, MonitoringNetworkConfig). The four job definitions hold ``NetworkConfig`` at the top; a
monitoring schedule that inlines its job holds it in ``MonitoringScheduleConfig.MonitoringJobDefinition``,
and one that names a job definition holds none (the definition is evaluated on its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smguard.engine import CsvList, Finding, Resource, RuleParameters, Verdict, describe_typed_value, parameter
from smguard.engine.recorded import ABSENT, SECURITY_GROUP_ID, SUBNET_ID, describe_off_by_default, vpc_config_findings
from smguard.resources.monitoring import JobDefinitionType
from smguard.resources.types import (
    data_quality_job_definition,
    model_bias_job_definition,
    model_explainability_job_definition,
    model_quality_job_definition,
    monitoring_schedule,
)

SHOWN_IDS = 1
"""Ids named in an annotation before the rest are counted, to stay within 256 characters."""

JOB_DEFINITIONS: tuple[JobDefinitionType, ...] = (
    data_quality_job_definition.TYPE,
    model_bias_job_definition.TYPE,
    model_explainability_job_definition.TYPE,
    model_quality_job_definition.TYPE,
)
MONITORING_SCHEDULE = monitoring_schedule.TYPE.name


@dataclass(frozen=True)
class SagemakerMonitoringNetworkParameters(RuleParameters):
    subnet_ids: tuple[str, ...] | None = parameter(
        "SubnetIds",
        CsvList(SUBNET_ID, "a subnet id"),
        None,
        "Comma-separated ids of the subnets monitoring jobs may run in (subnet-...). Not set: any subnet is accepted.",
    )
    security_group_ids: tuple[str, ...] | None = parameter(
        "SecurityGroupIds",
        CsvList(SECURITY_GROUP_ID, "a security group id"),
        None,
        "Comma-separated ids of the security groups monitoring jobs may use (sg-...). Not set: any security group is accepted.",
    )


@dataclass(frozen=True)
class NetworkLocation:
    """Where a type keeps its job's NetworkConfig, and how a data scientist changes it."""

    path: tuple[str, ...]
    label: str
    """How annotations name NetworkConfig (the path, shortened where it would crowd out the rest)."""
    fix: str
    """``{needs}`` is replaced by what the job needs."""
    short_fix: str
    """Said instead when ``fix`` leaves no room for the findings."""


def _job_definition(job: JobDefinitionType) -> NetworkLocation:
    create = f"Create{job.kind}JobDefinition"
    return NetworkLocation(
        ("NetworkConfig",),
        "NetworkConfig",
        f". Job definitions cannot be updated: create a new one with {{needs}} ({create}) and schedule it.",
        f". Job definitions cannot be updated: recreate it ({create}).",
    )


NETWORK_CONFIG: Mapping[str, NetworkLocation] = {
    **{job.name: _job_definition(job) for job in JOB_DEFINITIONS},
    MONITORING_SCHEDULE: NetworkLocation(
        ("MonitoringScheduleConfig", "MonitoringJobDefinition", "NetworkConfig"),
        "MonitoringJobDefinition.NetworkConfig",
        ". Set {needs} with UpdateMonitoringSchedule.",
        ". Update the schedule (UpdateMonitoringSchedule).",
    ),
}
"""Each type's NetworkConfig, declared once."""


class UnknownResourceTypeError(ValueError):
    """The check was given a type whose NetworkConfig it does not know."""


def check(resource: Resource, parameters: SagemakerMonitoringNetworkParameters, facts: object = None) -> Verdict:
    try:
        location = NETWORK_CONFIG[resource.resource_type]
    except KeyError:
        raise UnknownResourceTypeError(
            f"sagemaker_monitoring_network does not evaluate {resource.resource_type}; it evaluates {', '.join(NETWORK_CONFIG)}"
        ) from None
    configuration = resource.configuration
    named = monitoring_schedule.named_job_definition(configuration) if resource.resource_type == MONITORING_SCHEDULE else None
    if named:
        return Verdict.not_applicable(
            f"MonitoringScheduleConfig names the job definition {named} (MonitoringJobDefinitionName) instead of "
            "inlining one: the definition is evaluated on its own, and its NetworkConfig is where it must be set."
        )
    network, where = _network_config(configuration, location)
    if where:
        return _non_compliant([where], ["a NetworkConfig"], location)
    findings: list[str] = []
    needs: list[str] = []
    for flag in ("EnableNetworkIsolation", "EnableInterContainerTrafficEncryption"):
        value = network.get(flag, ABSENT)
        if value is not True:
            findings.append(f"{flag} is {describe_off_by_default(value)}")
            needs.append(f"{flag}=true")
    vpc_config = network.get("VpcConfig", ABSENT)
    vpc_findings, vpc_needs, placement = vpc_config_findings(
        ABSENT if vpc_config is None else vpc_config, parameters.subnet_ids, parameters.security_group_ids, SHOWN_IDS
    )
    findings += vpc_findings
    needs += vpc_needs
    if findings:
        return _non_compliant(findings, needs, location, lead=f"{location.label}: ")
    return Verdict.compliant(
        f"{location.label} isolates the job, encrypts traffic between its instances and places it in {placement}."
    )


def _network_config(configuration: Mapping[str, Any], location: NetworkLocation) -> tuple[Mapping[str, Any], str]:
    """The NetworkConfig, or why there is none (a step of its path absent or not an object)."""
    value: Any = configuration
    for depth, step in enumerate(location.path):
        value = value.get(step, ABSENT)
        name = ".".join(location.path[: depth + 1])
        if value is ABSENT or value is None:
            return {}, f"{location.label} is absent (no isolation, no encryption between instances, no VPC)"
        if not isinstance(value, Mapping):
            return {}, f"{name} is {describe_typed_value(value)}, not an object"
    return value, ""


def _non_compliant(findings: list[str], needs: list[str], location: NetworkLocation, lead: str = "") -> Verdict:
    fixes = (location.fix.format(needs=" and ".join(needs)), location.short_fix)
    return Verdict.non_compliant(Finding(tuple(findings), fixes, lead=lead, prefer_parts=True))
