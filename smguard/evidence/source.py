"""Reading AWS Config: the smguard rules and their results, page by page, for one account or an aggregator.

Every list API is read through its boto3 paginator at its largest page size, with adaptive retries
(client-side rate limiting that backs off on ThrottlingException), so a large organization is read
with as few calls as AWS allows and a throttled export slows down instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.config import Config

from smguard import __version__
from smguard.catalogue import CONFIG_RULE_PREFIX
from smguard.evidence.request import ExportRequest

BOTO_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 10},
    connect_timeout=10,
    read_timeout=60,
    user_agent_extra=f"smguard/{__version__} smguard-export",
)
DESCRIBE_RULES_MAX_NAMES = 25
DETAILS_PAGE_SIZE = 100
AGGREGATE_RULES_PAGE_SIZE = 1000
AGGREGATE_DETAILS_PAGE_SIZE = 100


@dataclass(frozen=True)
class RuleSource:
    """One rule in one account and region whose results are exported."""

    account_id: str
    region: str
    rule_name: str


class ConfigReader:
    """The Config and STS calls of an export, on one boto3 session."""

    def __init__(self, session: Any) -> None:
        self.region = session.region_name
        self.config = session.client("config", config=BOTO_CONFIG)
        self.sts = session.client("sts", config=BOTO_CONFIG)

    def caller(self) -> dict[str, str]:
        identity = self.sts.get_caller_identity()
        return {"account_id": identity["Account"], "arn": identity["Arn"], "user_id": identity["UserId"]}

    def smguard_rules(self, names: tuple[str, ...]) -> list[dict[str, Any]]:
        """DescribeConfigRules entries of the named rules (NoSuchConfigRule if one is missing), or of every smguard rule."""
        paginator = self.config.get_paginator("describe_config_rules")
        if names:
            batches = [names[i : i + DESCRIBE_RULES_MAX_NAMES] for i in range(0, len(names), DESCRIBE_RULES_MAX_NAMES)]
            pages = (page for batch in batches for page in paginator.paginate(ConfigRuleNames=list(batch)))
        else:
            pages = paginator.paginate()
        rules = [rule for page in pages for rule in page["ConfigRules"] if rule["ConfigRuleName"].startswith(CONFIG_RULE_PREFIX)]
        return sorted(rules, key=lambda rule: rule["ConfigRuleName"])

    def rule_results(self, rule_name: str, compliance_types: tuple[str, ...]) -> Iterator[list[dict[str, Any]]]:
        """Pages of GetComplianceDetailsByConfigRule for one rule of the caller's account."""
        pages = self.config.get_paginator("get_compliance_details_by_config_rule").paginate(
            ConfigRuleName=rule_name,
            ComplianceTypes=list(compliance_types),
            PaginationConfig={"PageSize": DETAILS_PAGE_SIZE},
        )
        for page in pages:
            yield page["EvaluationResults"]

    def aggregate_sources(self, request: ExportRequest) -> list[RuleSource]:
        """The (account, region, rule) an aggregator has results for, within the request's filters.

        AWS lists the rules with COMPLIANT or NON_COMPLIANT results, all an aggregator carries (see
        ``AGGREGATED_COMPLIANCE_TYPES``), so no exportable result is missed by listing only these.
        """
        filters = {}
        for key, values in (("AccountId", request.accounts), ("AwsRegion", request.regions), ("ConfigRuleName", request.rules)):
            if len(values) == 1:
                filters[key] = values[0]
        pages = self.config.get_paginator("describe_aggregate_compliance_by_config_rules").paginate(
            ConfigurationAggregatorName=request.aggregator,
            Filters=filters,
            PaginationConfig={"PageSize": AGGREGATE_RULES_PAGE_SIZE},
        )
        sources = {
            RuleSource(entry["AccountId"], entry["AwsRegion"], entry["ConfigRuleName"])
            for page in pages
            for entry in page["AggregateComplianceByConfigRules"]
            if request.wants(account_id=entry["AccountId"], region=entry["AwsRegion"], rule_name=entry["ConfigRuleName"])
        }
        return sorted(sources, key=lambda s: (s.account_id, s.region, s.rule_name))

    def aggregate_results(self, request: ExportRequest, source: RuleSource) -> Iterator[list[dict[str, Any]]]:
        """Pages of GetAggregateComplianceDetailsByConfigRule, filtered to the requested compliance types.

        The API filters on one type at most; the request holds one or both of the two it carries.
        """
        kwargs: dict[str, Any] = {}
        if len(request.compliance_types) == 1:
            kwargs["ComplianceType"] = request.compliance_types[0]
        pages = self.config.get_paginator("get_aggregate_compliance_details_by_config_rule").paginate(
            ConfigurationAggregatorName=request.aggregator,
            ConfigRuleName=source.rule_name,
            AccountId=source.account_id,
            AwsRegion=source.region,
            PaginationConfig={"PageSize": AGGREGATE_DETAILS_PAGE_SIZE},
            **kwargs,
        )
        for page in pages:
            yield page["AggregateEvaluationResults"]

    def described_rules(self, names: set[str]) -> tuple[list[dict[str, Any]], list[str]]:
        """DescribeConfigRules of the caller's account for ``names``, and the names it does not have.

        With an aggregator the rules live in the member accounts; the aggregator's own account
        describes those deployed there too (e.g. the organization's central copy).
        """
        pages = self.config.get_paginator("describe_config_rules").paginate()
        described = sorted(
            (rule for page in pages for rule in page["ConfigRules"] if rule["ConfigRuleName"] in names),
            key=lambda rule: rule["ConfigRuleName"],
        )
        return described, sorted(names - {rule["ConfigRuleName"] for rule in described})
