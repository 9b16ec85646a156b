"""Run every rule's own check on the resources of CloudFormation and SAM templates.

Nothing here decides compliance: each resource is mapped to the configuration AWS Config would
record, each cross-resource rule gets the facts its ``gather_facts`` would read (built from the
template by :mod:`smguard.scan.facts`), and ``entry.rule.check`` decides. A check that needs a
value the template leaves open raises (see :mod:`smguard.scan.values`), and so does one that needs
a fact a template cannot give (MissingFactError): both become UNKNOWN with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.engine.errors import MissingFactError
from smguard.engine.parameters import RuleParameters
from smguard.engine.rule import Resource, SmguardRule
from smguard.engine.verdict import Compliance
from smguard.scan import facts as template_facts
from smguard.scan.errors import UnknownTemplateParameterError, UnresolvedValueError
from smguard.scan.loader import load_template
from smguard.scan.shapes import (
    DOMAIN,
    EGRESS,
    ENDPOINT_CONFIG,
    INGRESS,
    MODEL,
    NOTEBOOK,
    SECURITY_GROUP,
    VPC,
    default_group_configuration,
    permission,
    security_group_configuration,
    vpc_configuration,
)
from smguard.scan.template import ScannedTemplate, TemplateResource
from smguard.scan.values import Configuration, Opaque, ResourceReference

UNKNOWN = "UNKNOWN"
SAGEMAKER_TYPES = (NOTEBOOK, ENDPOINT_CONFIG, DOMAIN, MODEL)
DEFAULT_GROUP_NOT_DECLARED = (
    "The default security group of {vpc} is created by AWS with the VPC and the template adds no rule to it; "
    "the deployed rule evaluates it (AWS creates it with an all-traffic self rule and all egress: revoke them "
    "after deployment)."
)
MISSING_FACT = (
    "{error}; a template scan knows only the keys the template declares and alias/aws/ keys, the deployed "
    "rule describes the others with kms:DescribeKey."
)


@dataclass(frozen=True)
class ScanFinding:
    """One rule's result on one template resource."""

    rule: str
    resource_type: str
    logical_id: str
    result: str
    annotation: str
    file: str
    line: int


@dataclass(frozen=True)
class Evaluated:
    """A resource as a check sees it, where it is in the template, and the facts for it."""

    resource: Resource
    line: int
    facts: Any = None
    if_all_created: tuple[Resource, Any] | None = None
    """The same resource and facts had every resource with an open condition been created."""
    uncertainties: tuple[str, ...] = ()
    """Why some of those resources may not be created or may not count."""
    open_services: tuple[tuple[Any, str], ...] = ()
    """vpc_endpoints: the VPC's endpoints whose ServiceName is open, with why."""
    fixed: tuple[str, str] | None = None
    """A result the scanner states itself (the default group a template does not touch)."""


def scan_templates(
    paths: Sequence[Path],
    entries: Sequence[RuleEntry],
    parameters: Mapping[str, RuleParameters],
    overrides: Mapping[str, str],
    region: str | None,
) -> list[ScanFinding]:
    """Every rule on every resource of its scope in each template, by file, line and rule.

    All templates are read first, so that a bad one or an override no template declares stops
    the scan before anything is reported."""
    templates = [ScannedTemplate(load_template(path), overrides, region) for path in paths]
    declared = {name for template in templates for name in template.resolver.parameters}
    unknown = sorted(set(overrides) - declared)
    if unknown:
        raise UnknownTemplateParameterError(
            f"{unknown[0]}: no scanned template declares a parameter of that name"
        )
    findings: list[ScanFinding] = []
    for template in templates:
        findings += _scan(template, entries, parameters, region)
    return findings


def scan_template(
    path: Path,
    entries: Sequence[RuleEntry],
    parameters: Mapping[str, RuleParameters],
    overrides: Mapping[str, str],
    region: str | None,
) -> list[ScanFinding]:
    """Every rule on every resource of its scope in one template."""
    return scan_templates([path], entries, parameters, overrides, region)


def _scan(
    template: ScannedTemplate, entries: Sequence[RuleEntry], parameters: Mapping[str, RuleParameters], region: str | None
) -> list[ScanFinding]:
    vpcs = {vpc.logical_id: vpc for vpc in template.of_types(VPC)}
    findings = []
    for entry in entries:
        rule_parameters = parameters[entry.name]
        for evaluated in _in_scope(entry.rule, template, vpcs):
            result, annotation = evaluated.fixed or _decide(entry.rule, evaluated, rule_parameters, region)
            findings.append(
                ScanFinding(
                    rule=entry.name,
                    resource_type=evaluated.resource.resource_type,
                    logical_id=evaluated.resource.resource_id,
                    result=result,
                    annotation=annotation,
                    file=str(template.path),
                    line=evaluated.line,
                )
            )
    return sorted(findings, key=lambda f: (f.line, f.rule, f.logical_id))


FactBuilder = Callable[[ScannedTemplate, Mapping[str, TemplateResource]], Mapping[str, template_facts.FactSlice]]
PER_VPC_FACTS: dict[str, FactBuilder] = {
    "vpc_flow_logs": template_facts.flow_logs,
    "vpc_endpoints": template_facts.vpc_endpoints,
}
"""Rules whose check takes the facts of each VPC (and the region), and how to build them."""
FACTS_FROM_TEMPLATE = frozenset({*PER_VPC_FACTS, "sagemaker_kms"})
"""Every rule whose gather_facts reads AWS has its facts built from the template here."""
SUPPORTED_TYPES = frozenset({*SAGEMAKER_TYPES, SECURITY_GROUP, VPC})
"""The resource types the scanner maps to their recorded shape (a test holds the catalogue to them)."""


def _in_scope(rule: SmguardRule, template: ScannedTemplate, vpcs: Mapping[str, TemplateResource]) -> list[Evaluated]:
    evaluated: list[Evaluated] = []
    per_vpc = PER_VPC_FACTS.get(rule.name)
    if per_vpc is not None:
        slices = per_vpc(template, vpcs)
        for logical_id, vpc in vpcs.items():
            facts = slices[logical_id]
            evaluated.append(_evaluated(vpc, VPC, _vpc_shape(vpc), facts.certain, facts.uncertain, facts.open_services))
        return evaluated
    facts = template_facts.TemplateKeys(template) if rule.name == "sagemaker_kms" else None
    for resource_type in rule.resource_types:
        if resource_type in SAGEMAKER_TYPES:
            evaluated += [_evaluated(r, resource_type, r.properties, facts) for r in template.of_types(resource_type)]
        elif resource_type == SECURITY_GROUP:
            evaluated += _security_groups(template, vpcs)
        elif resource_type == VPC:
            evaluated += [_evaluated(v, VPC, _vpc_shape(v), facts) for v in vpcs.values()]
    return evaluated


def _evaluated(
    declared: TemplateResource,
    resource_type: str,
    configuration: Any,
    facts: Any,
    uncertain: Sequence[tuple[Any, str]] = (),
    open_services: Sequence[tuple[Any, str]] = (),
) -> Evaluated:
    resource = Resource(resource_type, declared.logical_id, configuration)
    if not uncertain:
        return Evaluated(resource, declared.line, facts, open_services=tuple(open_services))
    every = list(facts) + [entry for entry, _ in uncertain]
    return Evaluated(resource, declared.line, facts, (resource, every), tuple(why for _, why in uncertain), tuple(open_services))


def _vpc_shape(vpc: TemplateResource) -> Any:
    properties = vpc.properties
    return properties if isinstance(properties, Opaque) else vpc_configuration(vpc.logical_id, properties)


def _security_groups(template: ScannedTemplate, vpcs: Mapping[str, TemplateResource]) -> list[Evaluated]:
    """Declared groups (never a default group), and the default group of each template VPC."""
    found = []
    for group in template.of_types(SECURITY_GROUP):
        properties = group.properties
        shape = properties if isinstance(properties, Opaque) else security_group_configuration(group.logical_id, properties, vpcs)
        found.append(_evaluated(group, SECURITY_GROUP, shape, None))
    added: dict[str, list[tuple[TemplateResource, Configuration, bool]]] = {vpc: [] for vpc in vpcs}
    for rule in template.of_types(INGRESS, EGRESS):
        properties = rule.properties
        group = dict.get(properties, "GroupId") if isinstance(properties, Configuration) else None
        if isinstance(group, ResourceReference) and group.attribute == "DefaultSecurityGroup" and group.logical_id in vpcs:
            egress = rule.resource_type == EGRESS
            added[group.logical_id].append((rule, permission(properties, egress), egress))
    for logical_id, rules in added.items():
        vpc = vpcs[logical_id]
        resource_id = f"{logical_id}.DefaultSecurityGroup"
        if not rules:
            fixed = ("NOT_APPLICABLE", DEFAULT_GROUP_NOT_DECLARED.format(vpc=logical_id))
            found.append(Evaluated(Resource(SECURITY_GROUP, resource_id, Configuration()), vpc.line, fixed=fixed))
            continue
        certain = [(entry, egress) for rule, entry, egress in rules if rule.certain]
        every = [(entry, egress) for _, entry, egress in rules]
        resource = Resource(SECURITY_GROUP, resource_id, _default_group(logical_id, certain))
        found.append(
            Evaluated(
                resource,
                min(rule.line for rule, _, _ in rules),
                if_all_created=None if len(every) == len(certain) else (
                    Resource(SECURITY_GROUP, resource_id, _default_group(logical_id, every)), None
                ),
                uncertainties=tuple(rule.uncertainty() for rule, _, _ in rules if not rule.certain),
            )
        )
    return found


def _default_group(vpc: str, rules: Sequence[tuple[Configuration, bool]]) -> Configuration:
    return default_group_configuration(vpc, [e for e, egress in rules if not egress], [e for e, egress in rules if egress])


def _decide(rule: SmguardRule, evaluated: Evaluated, parameters: RuleParameters, region: str | None) -> tuple[str, str]:
    """The check's result, UNKNOWN when it needed what the template leaves open, and UNKNOWN too
    when resources that may not be created (or may not count) would change it.

    Only the results are compared: the same result in other words (fewer gaps once the uncertain
    resources are added) is still decided, and the annotation says what holds either way."""
    per_vpc = rule.name in PER_VPC_FACTS
    certain = _judge(rule, evaluated.resource, evaluated.facts, evaluated.open_services, parameters, per_vpc, region)
    if evaluated.if_all_created is None:
        return certain
    with_all = _judge(rule, *evaluated.if_all_created, evaluated.open_services, parameters, per_vpc, region)
    if with_all[0] == certain[0]:
        # A flow log or an endpoint can only help its VPC: the gaps left with all of them are the
        # ones to fix whatever is created. Elsewhere (rules added to a default group) the
        # resources created for sure are what certainly holds.
        return with_all if per_vpc and certain[0] == Compliance.NON_COMPLIANT else certain
    if with_all[0] == UNKNOWN:
        return with_all
    reasons = "; ".join(evaluated.uncertainties[:2])
    more = f" (+{len(evaluated.uncertainties) - 2} more)" if len(evaluated.uncertainties) > 2 else ""
    return UNKNOWN, (
        f"Depends on resources that may not be created or may not count ({reasons}{more}): "
        f"{certain[0]} without them, {with_all[0]} with them."
    )


def _judge(
    rule: SmguardRule,
    resource: Resource,
    facts: Any,
    open_services: Sequence[tuple[Any, str]],
    parameters: RuleParameters,
    per_vpc: bool,
    region: str | None,
) -> tuple[str, str]:
    if not open_services:
        return _run(rule, resource, facts, parameters, per_vpc, region)
    return _with_open_services(rule, resource, facts, open_services, parameters, region)


def _with_open_services(
    rule: SmguardRule, resource: Resource, endpoints: list[Any], open_services: Sequence[tuple[Any, str]], parameters: Any, region: str | None
) -> tuple[str, str]:
    """vpc_endpoints for a VPC some of whose endpoints have an open ServiceName.

    Each such endpoint serves one service or none, and the rule judges each required service by
    the endpoints of that service alone. So the VPC is judged without them (they serve none of
    the required services; an endpoint cannot take a service away, so COMPLIANT stands), then
    each service it lacks is tried with each open endpoint serving it. When more services are
    lacking than there are open endpoints able to serve one, no value of their names can make
    the VPC compliant: NON_COMPLIANT. Otherwise some value may: UNKNOWN, with why the names are open.
    """

    def run(facts: list[Any], services: tuple[str, ...] | None = None) -> tuple[str, str]:
        asked = parameters if services is None else replace(parameters, required_services=services)
        return _run(rule, resource, facts, asked, True, region)

    without = run(endpoints)
    if without[0] in (Compliance.COMPLIANT, Compliance.NOT_APPLICABLE):
        return without
    lacking = tuple(service for service in parameters.required_services if run(endpoints, (service,))[0] == Compliance.NON_COMPLIANT)
    able = [
        why
        for entry, why in open_services
        if any(run([*endpoints, template_facts.serving(entry, service, region)], (service,))[0] != Compliance.NON_COMPLIANT for service in lacking)
    ]
    if len(lacking) > len(able):
        return without if without[0] == Compliance.NON_COMPLIANT else run(endpoints, lacking)
    if not lacking:
        return without  # UNKNOWN for a value of the endpoints that certainly serve
    reasons = list(dict.fromkeys(able))
    more = f" (+{len(reasons) - 2} more)" if len(reasons) > 2 else ""
    return UNKNOWN, " ".join(reasons[:2]) + more


def _run(
    rule: SmguardRule, resource: Resource, facts: Any, parameters: RuleParameters, per_vpc: bool, region: str | None
) -> tuple[str, str]:
    if isinstance(resource.configuration, Opaque):
        return UNKNOWN, resource.configuration.reason
    if per_vpc:  # the template's facts are built per VPC; the check takes them keyed by VPC id
        resource, facts = replace(resource, region=region), {resource.resource_id: facts}
    try:
        verdict = rule.check(resource, parameters, facts)
    except UnresolvedValueError as error:
        return UNKNOWN, error.reason
    except MissingFactError as error:
        text = str(error)
        return UNKNOWN, MISSING_FACT.format(error=text[:1].upper() + text[1:])
    return verdict.compliance.value, verdict.annotation
