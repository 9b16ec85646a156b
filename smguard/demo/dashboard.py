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

    config_rule_name: str
    compliance: str
    results: list[Result] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(result.compliance for result in self.results)


def read_dashboard(config: Any, config_rule_names: Sequence[str]) -> list[RuleStatus]:
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
        statuses.append(RuleStatus(name, overall.get(name, "INSUFFICIENT_DATA"), results))
    return statuses


def render(statuses: Sequence[RuleStatus]) -> Group:
    """Rules with their counts, then every non-compliant resource, then the exemptions in force.

    Readable from 80 columns up: each Config rule is shown by its smguard rule's short name (the
    title says so), and a result's rule and resource share one column so that the annotation, the
    longest text, gets the rest of the width.
    """
    rules = Table(
        title="AWS Config rules, by smguard rule (embedded account 123456789012, us-east-1)",
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
            short_rule(status.config_rule_name),
            styled_result(status.compliance),
            str(counts["COMPLIANT"]),
            str(counts["NON_COMPLIANT"]),
            str(counts["NOT_APPLICABLE"]),
        )
    non_compliant = _results_table("Non-compliant resources")
    exempt = _results_table("Exemptions in force (NOT_APPLICABLE, from the central register)")
    for status in statuses:
        for result in status.results:
            where = rule_and_resource(short_rule(status.config_rule_name), (short_type(result.resource_type), result.resource_id))
            row = (where, Text(result.annotation))  # Text: an annotation's brackets are not rich markup
            if result.compliance == "NON_COMPLIANT":
                non_compliant.add_row(*row)
            elif result.annotation.startswith(EXEMPT_PREFIX):
                exempt.add_row(*row)
    return Group(rules, non_compliant, exempt)


def short_rule(config_rule_name: str) -> str:
    """The smguard rule a Config rule is (any of its AWS names), or the Config name when none."""
    return rule_of(config_rule_name, rule_names()) or config_rule_name


def _results_table(title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("Rule and resource", no_wrap=True)
    table.add_column("Annotation", overflow="fold")
    return table
