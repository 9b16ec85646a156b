"""Run the rules' own code over an account: the Lambda path without Lambda.

Change-triggered rules get the collected resources of their scope; periodic rules list their own
(``list_resources``: every VPC, as on a ScheduledNotification). Then each rule runs ``gather_facts``
once for all of them (batched: one DescribeKey per distinct key, one paginated DescribeFlowLogs or
DescribeVpcEndpoints for all VPCs) and ``check`` on each. Parameters are parsed and the central
exemption register applied as the handler does. Nothing here decides compliance itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.engine.errors import InvalidRuleParameterError
from smguard.engine.exemptions import apply_exemptions, known_arn, read_register
from smguard.engine.handler import EngineParameters, parse_parameters
from smguard.engine.parameters import RuleParameters
from smguard.engine.rule import PERIODIC_TRIGGER, SmguardRule
from smguard.resources.base import UnrecordedFactError
from smguard.sweep.clients import ClientSetupError, SweepClients
from smguard.sweep.collected import CollectedResource


@dataclass(frozen=True)
class RuleSettings:
    """A rule's parsed parameters: the engine's own (exemptions) and the rule's."""

    engine: EngineParameters
    rule: RuleParameters


@dataclass(frozen=True)
class EvaluationRow:
    """One line of the compliance table (written as smguard.results.EVALUATE): which account and region
    the resource is in, then the result."""

    rule: str
    account_id: str
    region: str
    resource_type: str
    resource_id: str
    compliance: str
    annotation: str


EVALUATE_ROLE_REFUSAL = "applies to deployed rules only; evaluate another account with --profile instead"
"""Why ``smguard evaluate`` refuses ExecutionRoleName (each command that parses settings says its own why)."""


def parse_settings(entry: RuleEntry, raw: Mapping[str, object], role_refusal: str = EVALUATE_ROLE_REFUSAL) -> RuleSettings:
    """Parse a rule's parameters exactly as its Lambda handler does; bad ones raise InvalidRuleParameterError.

    ``ExecutionRoleName`` makes a deployed rule assume a role in each member account; a command run
    here reads the account of the chosen profile (or a template) instead, so it is refused rather
    than silently ignored, with ``role_refusal`` saying why in the command's own terms.
    """
    engine, rule = parse_parameters(entry.rule, raw)
    if engine.execution_role_name is not None:
        raise InvalidRuleParameterError("ExecutionRoleName", role_refusal)
    return RuleSettings(engine, rule)


def is_periodic(rule: SmguardRule) -> bool:
    return PERIODIC_TRIGGER in rule.triggers


def types_to_collect(entries: Iterable[RuleEntry]) -> set[str]:
    """The resource types the sweep must read: those of change-triggered rules (periodic ones read their own)."""
    return {t for entry in entries if not is_periodic(entry.rule) for t in entry.rule.resource_types}


def evaluate(
    entries: Sequence[RuleEntry],
    settings: Mapping[str, RuleSettings],
    resources: Mapping[str, Sequence[CollectedResource]],
    clients: Any,
    now: datetime,
    *,
    account: str | None = None,
    periodic_list_their_own: bool = True,
    registers: dict[str, Any] | None = None,
) -> list[EvaluationRow]:
    """Every rule on every resource of its scope, sorted by rule, type and id.

    ``clients`` is a :class:`SweepClients` of the evaluated account and region (or a recorded
    place, :class:`smguard.sweep.recorded.RecordedPlace`, whose ``resources`` include the periodic
    rules' types: ``periodic_list_their_own`` False). Each row names the account (read from STS,
    which needs no permission, when not given) and the clients' region. ``registers`` keeps the
    exemption registers read, by parameter name, across calls."""
    arns = {(c.resource.resource_type, c.resource.resource_id): c.arn for found in resources.values() for c in found}
    region = clients.region
    if region is None:
        raise ClientSetupError("the session has no region; a sweep reads one account in one region")
    account = account or clients.build_client("sts").get_caller_identity()["Account"]
    registers = {} if registers is None else registers
    rows: list[EvaluationRow] = []
    for entry in entries:
        parameters = settings[entry.name]
        if is_periodic(entry.rule) and periodic_list_their_own:
            in_scope = entry.rule.list_resources(clients)
        else:
            in_scope = [c.resource for t in entry.rule.resource_types for c in resources.get(t, ())]
        facts = entry.rule.gather_facts(in_scope, parameters.rule, clients) if in_scope else None
        checked = [(r, entry.rule.check(r, parameters.rule, facts)) for r in in_scope]
        evaluations = [_evaluation(r.resource_type, r.resource_id, verdict) for r, verdict in checked]
        register_name = parameters.engine.exemptions_parameter_name
        if register_name is not None and evaluations:
            if register_name not in registers:
                registers[register_name] = read_register(clients.build_client("ssm"), register_name)
            register = registers[register_name]
            evaluations = apply_exemptions(
                evaluations,
                register,
                entry.rule.name,
                now.date(),
                _arns(evaluations, arns, clients, account),
                {(r.resource_type, r.resource_id): verdict.findings for r, verdict in checked},
            )
        rows += [
            EvaluationRow(
                entry.name, account, region, e["ComplianceResourceType"], e["ComplianceResourceId"], e["ComplianceType"], e["Annotation"]
            )
            for e in evaluations
        ]
    return sorted(rows, key=row_order)


def row_order(row: EvaluationRow) -> tuple[str, ...]:
    return (row.rule, row.account_id, row.region, row.resource_type, row.resource_id)


@dataclass(frozen=True)
class CoverageGap:
    """Rules that could not judge some resources of an account and region: why, and which rules."""

    account: str
    region: str
    reason: str
    rules: tuple[str, ...]


def evaluate_recorded(
    entries: Sequence[RuleEntry], settings: Mapping[str, RuleSettings], places: Sequence[Any], now: datetime
) -> tuple[list[EvaluationRow], list[CoverageGap]]:
    """Every rule on the recorded items of each account and region (:func:`smguard.sweep.recorded.places`).

    A type in a rule's scope that the place does not record, or facts that its recorded items
    cannot give (UnrecordedFactError), is a gap: reported with the rules it concerns, never
    taken for a type without resources. The rule still judges the types that are recorded."""
    rows: list[EvaluationRow] = []
    gaps: dict[tuple[str, str, str], list[str]] = {}
    registers: dict[str, Any] = {}
    for place in places:
        for entry in entries:
            for resource_type in entry.rule.resource_types:
                if not place.records(resource_type):
                    gaps.setdefault((place.account, place.region, place.why_not(resource_type)), []).append(entry.name)
            resources = {t: place.items.get(t, []) for t in entry.rule.resource_types if place.records(t)}
            try:
                rows += evaluate(
                    [entry], settings, resources, place, now, account=place.account, periodic_list_their_own=False, registers=registers
                )
            except UnrecordedFactError as error:
                gaps.setdefault((place.account, place.region, str(error)), []).append(entry.name)
    found = [CoverageGap(account, region, reason, tuple(dict.fromkeys(rules))) for (account, region, reason), rules in gaps.items()]
    return sorted(rows, key=row_order), sorted(found, key=lambda gap: (gap.account, gap.region, gap.reason))


def _evaluation(resource_type: str, resource_id: str, verdict: Any) -> dict[str, Any]:
    return {
        "ComplianceResourceType": resource_type,
        "ComplianceResourceId": resource_id,
        "ComplianceType": verdict.compliance.value,
        "Annotation": verdict.annotation,
    }


def _arns(
    evaluations: Sequence[Mapping[str, Any]],
    described: Mapping[tuple[str, str], str | None],
    clients: SweepClients,
    account: str,
) -> dict[tuple[str, str], str]:
    """The ARN of each evaluated resource, as the exemption register may name it: from the API, or built from the id."""
    partition = clients.session.get_partition_for_region(clients.region) if clients.region else "aws"
    arns = {}
    for evaluation in evaluations:
        key = (evaluation["ComplianceResourceType"], evaluation["ComplianceResourceId"])
        arn = described.get(key) or known_arn(*key, partition=partition, region=clients.region, account=account)
        if arn:
            arns[key] = arn
    return arns
