"""Run every rule's own check on the resources of CloudFormation and SAM templates.

Nothing here decides compliance: each resource type maps its template resources to the
configuration AWS Config would record (smguard.resources.types), the fact kind a rule declares
builds from the template what its ``gather_facts`` would read (smguard.resources.facts), and
``entry.rule.check`` decides. A check that needs a value the template leaves open raises (see
:mod:`smguard.scan.values`), and so does one that needs a fact a template cannot give
(MissingFactError): both become UNKNOWN with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.engine.errors import MissingFactError
from smguard.engine.parameters import RuleParameters
from smguard.engine.rule import Resource, SmguardRule
from smguard.engine.verdict import Compliance
from smguard.resources import resource_types
from smguard.resources.base import FactKind, FactSlice, TemplateFacts
from smguard.scan.errors import UnknownTemplateParameterError, UnresolvedValueError
from smguard.scan.loader import load_template
from smguard.scan.template import Recorded, ScannedTemplate, link_exports
from smguard.scan.values import Opaque

UNKNOWN = "UNKNOWN"
NO_FACTS = FactSlice(certain=None)


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


def scan_templates(
    paths: Sequence[Path],
    entries: Sequence[RuleEntry],
    parameters: Mapping[str, RuleParameters],
    overrides: Mapping[str, str],
    region: str | None,
) -> list[ScanFinding]:
    """Every rule on every resource of its scope in each template, by file, line and rule.

    All templates are read first, so that a bad one or an override no template declares stops
    the scan before anything is reported, and so that an ``!ImportValue`` in one links to the
    export of another (a VPC in one template, its flow log in another)."""
    templates = [ScannedTemplate(load_template(path), overrides, region) for path in paths]
    link_exports(templates)
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
    findings = []
    recorded: dict[str, list[Recorded]] = {}
    built: dict[FactKind, TemplateFacts] = {}
    for entry in entries:
        rule, rule_parameters, kind = entry.rule, parameters[entry.name], entry.rule.facts
        if kind is not None and kind not in built:
            built[kind] = kind.from_template(template)
        for resource_type in rule.resource_types:
            if resource_type not in recorded:
                recorded[resource_type] = resource_types()[resource_type].from_template(template)
            for item in recorded[resource_type]:
                result, annotation = item.fixed or _decide(
                    rule, kind, item, NO_FACTS if kind is None else built[kind](item.resource), rule_parameters, region
                )
                findings.append(
                    ScanFinding(
                        rule=entry.name,
                        resource_type=item.resource.resource_type,
                        logical_id=item.resource.resource_id,
                        result=result,
                        annotation=annotation,
                        file=str(template.path),
                        line=item.line,
                    )
                )
    return sorted(findings, key=lambda f: (f.line, f.rule, f.logical_id))


def _decide(
    rule: SmguardRule, kind: FactKind | None, item: Recorded, facts: FactSlice, parameters: RuleParameters, region: str | None
) -> tuple[str, str]:
    """The check's result, UNKNOWN when it needed what the template leaves open, and UNKNOWN too
    when resources that may not be created (or may not count) would change it.

    Only the results are compared: the same result in other words (fewer gaps once the uncertain
    resources are added) is still decided, and the annotation says what holds either way."""
    certain = _judge(rule, kind, item.resource, facts.certain, facts, parameters, region)
    if item.if_all_created is None and not facts.uncertain:
        return certain
    every = facts.certain if not facts.uncertain else [*facts.certain, *(entry for entry, _ in facts.uncertain)]
    with_all = _judge(rule, kind, item.if_all_created or item.resource, every, facts, parameters, region)
    if with_all[0] == certain[0]:
        # Entries that can only help their resource (a flow log, an endpoint of a VPC): the gaps
        # left with all of them are the ones to fix whatever is created. Elsewhere (rules added to
        # a default group) the resources created for sure are what certainly holds.
        helps = kind is not None and kind.entries_only_help
        return with_all if helps and certain[0] == Compliance.NON_COMPLIANT else certain
    if with_all[0] == UNKNOWN:
        return with_all
    uncertainties = (*item.uncertainties, *(why for _, why in facts.uncertain))
    reasons = "; ".join(uncertainties[:2])
    more = f" (+{len(uncertainties) - 2} more)" if len(uncertainties) > 2 else ""
    return UNKNOWN, (
        f"Depends on resources that may not be created or may not count ({reasons}{more}): "
        f"{certain[0]} without them, {with_all[0]} with them."
    )


def _judge(
    rule: SmguardRule,
    kind: FactKind | None,
    resource: Resource,
    entries: Any,
    facts: FactSlice,
    parameters: RuleParameters,
    region: str | None,
) -> tuple[str, str]:
    def judge(judged: Any, asked: Any) -> tuple[str, str]:
        return _run(rule, kind, resource, judged, asked, region)

    if kind is None or not facts.open_entries:
        return judge(entries, parameters)
    return kind.decide_open(judge, FactSlice(entries, open_entries=facts.open_entries), parameters, region)


def _run(
    rule: SmguardRule, kind: FactKind | None, resource: Resource, facts: Any, parameters: RuleParameters, region: str | None
) -> tuple[str, str]:
    if isinstance(resource.configuration, Opaque):
        return UNKNOWN, resource.configuration.reason
    if kind is not None:
        resource, facts = kind.for_check(resource, facts, region)
    try:
        verdict = rule.check(resource, parameters, facts)
    except UnresolvedValueError as error:
        return UNKNOWN, error.reason
    except MissingFactError as error:
        text = str(error)
        return UNKNOWN, f"{text[:1].upper() + text[1:]}; {(kind or FactKind).missing_from_template}"
    return verdict.compliance.value, verdict.annotation
