"""Endpoint configurations for inference components must isolate them and place them in the VPC.

A production variant that names a model (``ModelName``) runs that model's containers, with the
model's own ``EnableNetworkIsolation`` and ``VpcConfig``: sagemaker_model_isolation judges them. A
variant that names no model hosts inference components, which bring their own container images
and are deployed onto the endpoint later (CreateInferenceComponent); nothing about them is
recorded on the configuration, so the configuration's own ``EnableNetworkIsolation`` (absent:
false) and ``VpcConfig`` are the only controls over what those containers reach. Shadow variants
count like production variants.

``EnableSSMAccess`` on a variant opens AWS Systems Manager sessions into the containers that host
it: a shell beside the model and its data, outside network isolation, for whoever may call
ssm:StartSession. It is refused on every variant, models' too (the model cannot say it), unless
the ``AllowSsmAccess`` parameter accepts it; single endpoint configurations take an exemption.
Endpoint configurations cannot be updated: every finding says to create a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smguard.engine import Boolean, CsvList, Finding, Resource, RuleParameters, Verdict, describe_ids, describe_typed_value, parameter
from smguard.engine.recorded import ABSENT, SECURITY_GROUP_ID, SUBNET_ID, describe_off_by_default, vpc_config_findings

VARIANT_LISTS = ("ProductionVariants", "ShadowProductionVariants")
SHOWN_IDS = 1
"""Ids and names shown in an annotation before the rest are counted, to stay within 256 characters."""

IMMUTABLE = "Endpoint configurations are immutable"
SWITCH = "then switch the endpoint to it (UpdateEndpoint)"


@dataclass(frozen=True)
class SagemakerEndpointIsolationParameters(RuleParameters):
    subnet_ids: tuple[str, ...] | None = parameter(
        "SubnetIds",
        CsvList(SUBNET_ID, "a subnet id"),
        None,
        "Comma-separated ids of the subnets inference components may use (subnet-...). Not set: any subnet is accepted.",
    )
    security_group_ids: tuple[str, ...] | None = parameter(
        "SecurityGroupIds",
        CsvList(SECURITY_GROUP_ID, "a security group id"),
        None,
        "Comma-separated ids of the security groups inference components may use (sg-...). Not set: any security group is accepted.",
    )
    allow_ssm_access: bool = parameter(
        "AllowSsmAccess",
        Boolean(),
        False,
        "true: production variants may set EnableSSMAccess (SSM sessions into the hosting containers). "
        "Not set or false: EnableSSMAccess true on any variant is NON_COMPLIANT.",
    )


@dataclass
class _Variants:
    """What the variants say: the models they serve, those hosting inference components, SSM access."""

    models: list[str]
    components: list[str]
    ssm: list[str]
    """Variants with EnableSSMAccess true."""
    ssm_problems: list[str]
    """EnableSSMAccess values that are not booleans."""
    unreadable: list[str]
    """Variant lists or variants that cannot be read, so the models they serve are unknown."""


def check(resource: Resource, parameters: SagemakerEndpointIsolationParameters, facts: object = None) -> Verdict:
    configuration = resource.configuration
    variants = _read_variants(configuration)
    ssm_findings: list[str] = []
    ssm_needs: list[str] = []
    if not parameters.allow_ssm_access:
        enabled = [f"EnableSSMAccess is true on {describe_ids(variants.ssm, SHOWN_IDS)}"] if variants.ssm else []
        ssm_findings = variants.ssm_problems + enabled
        ssm_needs = ["EnableSSMAccess off"] if ssm_findings else []
    ssm_note = _ssm_note(variants)
    if not variants.components and not variants.unreadable:
        if ssm_findings:
            return _non_compliant(ssm_findings, ssm_needs)
        return Verdict.not_applicable(
            f"Every variant serves a model ({describe_ids(variants.models, SHOWN_IDS)}), whose isolation "
            f"sagemaker_model_isolation judges; {ssm_note}."
        )
    findings = list(variants.unreadable)
    needs = ["readable ProductionVariants"] if variants.unreadable else []
    isolation = configuration.get("EnableNetworkIsolation", ABSENT)
    if isolation is not True:
        findings.append(f"EnableNetworkIsolation is {describe_off_by_default(isolation)}")
        needs.append("EnableNetworkIsolation=true")
    vpc_findings, vpc_needs, placement = vpc_config_findings(
        configuration.get("VpcConfig", ABSENT), parameters.subnet_ids, parameters.security_group_ids, SHOWN_IDS
    )
    if findings or vpc_findings or ssm_findings:
        return _non_compliant(findings + vpc_findings + ssm_findings, needs + vpc_needs + ssm_needs)
    return Verdict.compliant(
        f"Inference components ({describe_ids(variants.components, SHOWN_IDS)}) are network-isolated in {placement}; {ssm_note}."
    )


def _non_compliant(findings: list[str], needs: list[str]) -> Verdict:
    fixes = (
        f". {IMMUTABLE}: create one with {' and '.join(needs)} (CreateEndpointConfig), {SWITCH}.",
        f". {IMMUTABLE}: recreate it (CreateEndpointConfig, UpdateEndpoint).",
    )
    return Verdict.non_compliant(Finding(tuple(findings), fixes, prefer_parts=True))


def _ssm_note(variants: _Variants) -> str:
    """What a result that is not NON_COMPLIANT says of SSM access (set only where AllowSsmAccess accepts it)."""
    if variants.ssm:
        return f"SSM access on {describe_ids(variants.ssm, SHOWN_IDS)} is allowed (AllowSsmAccess)"
    if variants.ssm_problems:
        return "EnableSSMAccess is not checked (AllowSsmAccess)"
    return "no variant enables SSM access"


def _read_variants(configuration: Mapping[str, Any]) -> _Variants:
    read = _Variants(models=[], components=[], ssm=[], ssm_problems=[], unreadable=[])
    for list_name in VARIANT_LISTS:
        variants = configuration.get(list_name, ABSENT)
        if variants is ABSENT and list_name == "ShadowProductionVariants":
            continue  # shadow variants are optional
        if not isinstance(variants, list) or not variants:
            shown = "absent" if variants is ABSENT else "empty" if variants == [] else describe_typed_value(variants)
            read.unreadable.append(f"{list_name} is {shown}, so the models it serves are unknown")
            continue
        for index, variant in enumerate(variants):
            if not isinstance(variant, Mapping):
                read.unreadable.append(f"{list_name}[{index}] is {describe_typed_value(variant)}, not an object")
                continue
            name = variant.get("VariantName")
            shown_name = name if isinstance(name, str) and name else f"{list_name}[{index}]"
            model = variant.get("ModelName")
            if isinstance(model, str) and model:
                read.models.append(model)
            else:
                # No readable model name: the variant cannot be shown to serve a model, so it is held
                # to what inference components need.
                read.components.append(shown_name)
            ssm = variant.get("EnableSSMAccess", ABSENT)
            if ssm is True:
                read.ssm.append(shown_name)
            elif ssm is not ABSENT and ssm is not False:
                read.ssm_problems.append(f"{shown_name}.EnableSSMAccess is {describe_typed_value(ssm)}, not a boolean")
    return read
