"""Run the rules' own ``gather_facts`` and ``check`` over collected resources.

This is the Lambda path without Lambda: the same parameter parsing, the same batched fact
gathering (one DescribeFlowLogs for every VPC, one DescribeKey per distinct key...), the same pure
check, and the same central exemption register. Nothing here decides compliance itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from smguard.catalogue import RuleEntry
from smguard.engine.errors import InvalidRuleParameterError
from smguard.engine.exemptions import apply_exemptions, known_arn, read_register
from smguard.engine.handler import EngineParameters
from smguard.engine.parameters import RuleParameters
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import CollectedResource


@dataclass(frozen=True)
class RuleSettings:
    """A rule's parsed parameters: the engine's own (exemptions) and the rule's."""

    engine: EngineParameters
    rule: RuleParameters


@dataclass(frozen=True)
class EvaluationRow:
    """One line of the compliance table."""

    rule: str
    resource_type: str
    resource_id: str
    compliance: str
    annotation: str


def parse_settings(entry: RuleEntry, raw: Mapping[str, object]) -> RuleSettings:
    """Parse a rule's parameters exactly as its Lambda handler does; bad ones raise InvalidRuleParameterError.

    ``ExecutionRoleName`` makes a deployed rule assume a role in each member account; a sweep reads
    the account of the chosen profile instead, so it is refused rather than silently ignored.
    """
    engine_names = {spec.name for spec in EngineParameters.specs()}
    engine = EngineParameters.parse({k: v for k, v in raw.items() if k in engine_names})
    if engine.execution_role_name is not None:
        raise InvalidRuleParameterError(
            "ExecutionRoleName", "applies to deployed rules only; evaluate another account with --profile instead"
        )
    return RuleSettings(engine, entry.rule.evaluate_parameters({k: v for k, v in raw.items() if k not in engine_names}))


def evaluate(
    entries: Sequence[RuleEntry],
    settings: Mapping[str, RuleSettings],
    resources: Mapping[str, Sequence[CollectedResource]],
    clients: SweepClients,
    today: date,
) -> list[EvaluationRow]:
    """Every rule on every resource of its scope, sorted by rule, type and id."""
    rows: list[EvaluationRow] = []
    account: str | None = None
    for entry in entries:
        rule = entry.rule
        parameters = settings[entry.name]
        in_scope = [collected for t in rule.resource_types for collected in resources.get(t, ())]
        if not in_scope:
            continue
        facts = rule.gather_facts([c.resource for c in in_scope], parameters.rule, clients)
        evaluations = []
        for collected in in_scope:
            verdict = rule.check(collected.resource, parameters.rule, facts)
            evaluations.append(
                {
                    "ComplianceResourceType": collected.resource.resource_type,
                    "ComplianceResourceId": collected.resource.resource_id,
                    "ComplianceType": verdict.compliance.value,
                    "Annotation": verdict.annotation,
                }
            )
        register_name = parameters.engine.exemptions_parameter_name
        if register_name is not None:
            account = account or clients.build_client("sts").get_caller_identity()["Account"]
            register = read_register(clients.build_client("ssm"), register_name)
            arns = _arns(in_scope, clients, account)
            evaluations = apply_exemptions(evaluations, register, rule.name, today, arns)
        rows += [
            EvaluationRow(
                entry.name,
                e["ComplianceResourceType"],
                e["ComplianceResourceId"],
                e["ComplianceType"],
                e["Annotation"],
            )
            for e in evaluations
        ]
    return sorted(rows, key=lambda row: (row.rule, row.resource_type, row.resource_id))


def _arns(in_scope: Sequence[CollectedResource], clients: SweepClients, account: str) -> dict[tuple[str, str], str]:
    """The ARN of each resource, as the exemption register may name it: from the API, or built from the id."""
    partition = clients.session.get_partition_for_region(clients.region) if clients.region else "aws"
    arns: dict[tuple[str, str], str] = {}
    for collected in in_scope:
        key = (collected.resource.resource_type, collected.resource.resource_id)
        arn = collected.arn or known_arn(*key, partition=partition, region=clients.region, account=account)
        if arn:
            arns[key] = arn
    return arns
