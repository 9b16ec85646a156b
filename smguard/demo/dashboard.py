"""The Config dashboard of the demo account, read back through the real compliance APIs.

DescribeComplianceByConfigRule gives each rule's overall state, GetComplianceDetailsByConfigRule
every result with its annotation: the same calls the console and the evidence export make.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from smguard.catalogue import rule_names
from smguard.cli.tables import rule_and_resource, short_type, styled_result
from smguard.deploy.naming import rule_of

EXEMPT_PREFIX = "EXEMPT"


@dataclass(frozen=True)
class Result:
    resource_type: str
    resource_id: str
    compliance: str
    annotation: str


@dataclass(frozen=True)
class RuleStatus:
    """One rule as the Config console lists it."""

    rule: str
    """The rule's short name, as every smguard command takes it."""
    config_rule_name: str
    """Its name in AWS, as the console lists it."""
    compliance: str
    results: list[Result] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(result.compliance for result in self.results)


def read_dashboard(config: Any, config_rule_names: Sequence[str]) -> list[RuleStatus]:
    """The rules of ``config``'s account, by their AWS names; each must be a rule of the catalogue."""
    known = rule_names()
    overall = {}
    for page in config.get_paginator("describe_compliance_by_config_rule").paginate(ConfigRuleNames=list(config_rule_names)):
        for entry in page["ComplianceByConfigRules"]:
            overall[entry["ConfigRuleName"]] = entry["Compliance"]["ComplianceType"]
    statuses = []
    for name in config_rule_names:
        results = []
        pages = config.get_paginator("get_compliance_details_by_config_rule").paginate(
            ConfigRuleName=name,
            ComplianceTypes=["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"],
            PaginationConfig={"PageSize": 100},
        )
        for page in pages:
            for result in page["EvaluationResults"]:
                qualifier = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
                results.append(
                    Result(qualifier["ResourceType"], qualifier["ResourceId"], result["ComplianceType"], result.get("Annotation", ""))
                )
        results.sort(key=lambda r: (r.resource_type, r.resource_id))
        rule = rule_of(name, known)
        if rule is None:
            raise LookupError(f"the Config rule {name} is none of the catalogue's rules ({', '.join(known)})")
        statuses.append(RuleStatus(rule, name, overall.get(name, "INSUFFICIENT_DATA"), results))
    return statuses


def render(statuses: Sequence[RuleStatus], *, account_id: str, region: str, after: str | None = None) -> Group:
    """Rules with their counts, then every non-compliant resource, then the exemptions in force; only
    the rules with their counts when the dashboard is shown again ``after`` something (remediation).

    Readable from 80 columns up: rules are shown by their short names, the names every smguard
    command takes (the caption says how AWS names them), and a result's rule and resource share one
    column so that the annotation, the longest text, gets the rest of the width.
    """
    rules = Table(
        title=f"{f'After {after}: ' if after else ''}AWS Config rules (embedded account {account_id}, {region})",
        caption=_aws_names(statuses),
        caption_justify="left",
        title_justify="left",
        show_edge=False,
    )
    rules.add_column("Rule", no_wrap=True)
    rules.add_column("Compliance", no_wrap=True)
    # Two-line headers and no outer border: the table is 80 columns wide, not 88.
    for header in ("Compliant", "Non-\ncompliant", "Not\napplicable"):
        rules.add_column(header, justify="right", no_wrap=True)
    for status in statuses:
        counts = status.counts
        rules.add_row(
            status.rule,
            styled_result(status.compliance),
            str(counts["COMPLIANT"]),
            str(counts["NON_COMPLIANT"]),
            str(counts["NOT_APPLICABLE"]),
        )
    non_compliant = _results_table("Non-compliant resources")
    exempt = _results_table("Exemptions in force (NOT_APPLICABLE, from the central register)")
    for status in statuses:
        for result in status.results:
            where = rule_and_resource(status.rule, (short_type(result.resource_type), result.resource_id))
            row = (where, Text(result.annotation))  # Text: an annotation's brackets are not rich markup
            if result.compliance == "NON_COMPLIANT":
                non_compliant.add_row(*row)
            elif result.annotation.startswith(EXEMPT_PREFIX):
                exempt.add_row(*row)
    if after:  # what changed is in the counts; the findings were shown before
        return Group(rules)
    return Group(rules, non_compliant, exempt)


def _aws_names(statuses: Sequence[RuleStatus]) -> str | None:
    """How AWS names the rules shown by their short names, by the first one's example."""
    if not statuses:
        return None
    return f"Names in AWS: {statuses[0].config_rule_name}, ..."


def _results_table(title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("Rule and resource", no_wrap=True)
    table.add_column("Annotation", overflow="fold")
    return table
