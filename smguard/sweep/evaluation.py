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
from smguard.sweep.clients import ClientSetupError, SweepClients
from smguard.sweep.collected import CollectedResource


@dataclass(frozen=True)
class RuleSettings:
    """A rule's parsed parameters: the engine's own (exemptions) and the rule's."""

    engine: EngineParameters
    rule: RuleParameters


@dataclass(frozen=True)
class EvaluationRow:
    """One line of the compliance table (written as smguard.results.EVALUATE)."""

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
    clients: SweepClients,
    now: datetime,
) -> list[EvaluationRow]:
    """Every rule on every resource of its scope, sorted by rule, type and id.

    Each row names the caller's account (STS GetCallerIdentity, which needs no permission) and the
    clients' region: the sweep reads exactly that account and region."""
    arns = {(c.resource.resource_type, c.resource.resource_id): c.arn for found in resources.values() for c in found}
    region = clients.region
    if region is None:
        raise ClientSetupError("the session has no region; a sweep reads one account in one region")
    account: str = clients.build_client("sts").get_caller_identity()["Account"]
    rows: list[EvaluationRow] = []
    for entry in entries:
        parameters = settings[entry.name]
        if is_periodic(entry.rule):
            in_scope = entry.rule.list_resources(clients)
        else:
            in_scope = [c.resource for t in entry.rule.resource_types for c in resources.get(t, ())]
        facts = entry.rule.gather_facts(in_scope, parameters.rule, clients) if in_scope else None
        checked = [(r, entry.rule.check(r, parameters.rule, facts)) for r in in_scope]
        evaluations = [_evaluation(r.resource_type, r.resource_id, verdict) for r, verdict in checked]
        register_name = parameters.engine.exemptions_parameter_name
        if register_name is not None and evaluations:
            register = read_register(clients.build_client("ssm"), register_name)
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
    return sorted(rows, key=lambda row: (row.rule, row.resource_type, row.resource_id))


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
