"""Reading AWS Config: the smguard rules and their results, page by page, for one account or an aggregator.

A Config rule is smguard's when ``smguard.deploy.naming.rule_of`` knows its name: the rule smguard's
conformance pack creates, ``smguard-notebook-root-access-conformance-pack-<suffix>`` (in account mode,
and in every account an organization conformance pack reaches), or, from a deployment before the
pack, the account rule ``smguard-notebook-root-access``, the organization rule of the same name, or
an organization rule's copy in a member account, ``OrgConfigRule-smguard-notebook-root-access-<suffix>``.
The suffix differs in every account, so rules are never asked for by name: each listing is read
whole and filtered.

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
from smguard.deploy.naming import is_smguard_pack
from smguard.evidence.pack_names import AccountPackNames, AggregatedPackNames, pack_id_suffix
from smguard.evidence.request import ExportRequest

BOTO_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 10},
    connect_timeout=10,
    read_timeout=60,
    user_agent_extra=f"smguard/{__version__} smguard-export",
)
DETAILS_PAGE_SIZE = 100
AGGREGATE_RULES_PAGE_SIZE = 1000
AGGREGATE_DETAILS_PAGE_SIZE = 100
PACKS_PAGE_SIZE = 20
AGGREGATE_PACKS_PAGE_SIZE = 100


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

    def smguard_rules(self, request: ExportRequest) -> tuple[list[dict[str, Any]], list[str]]:
        """DescribeConfigRules entries of the caller's account for the rules the request covers, and
        the names of the rules it leaves out that look like smguard's (``ExportRequest.unrecognised``)."""
        pages = self.config.get_paginator("describe_config_rules").paginate()
        every = [rule for page in pages for rule in page["ConfigRules"]]
        rules = [rule for rule in every if request.rule_of(rule["ConfigRuleName"])]
        unrecognised = [rule["ConfigRuleName"] for rule in every if request.unrecognised(rule["ConfigRuleName"])]
        return sorted(rules, key=lambda rule: rule["ConfigRuleName"]), sorted(unrecognised)

    def rule_results(self, rule_name: str, compliance_types: tuple[str, ...]) -> Iterator[list[dict[str, Any]]]:
        """Pages of GetComplianceDetailsByConfigRule for one rule of the caller's account."""
        pages = self.config.get_paginator("get_compliance_details_by_config_rule").paginate(
            ConfigRuleName=rule_name,
            ComplianceTypes=list(compliance_types),
            PaginationConfig={"PageSize": DETAILS_PAGE_SIZE},
        )
        for page in pages:
            yield page["EvaluationResults"]

    def aggregate_sources(self, request: ExportRequest) -> tuple[list[RuleSource], list[str]]:
        """The (account, region, rule) an aggregator has results for, within the request's filters,
        and those left out that look like smguard's (``ExportRequest.unrecognised``), as
        ``<rule> in <account> <region>``.

        AWS lists the rules with COMPLIANT or NON_COMPLIANT results, all an aggregator carries (see
        ``AGGREGATED_COMPLIANCE_TYPES``), so no exportable result is missed by listing only these.
        """
        filters = {}
        for key, values in (("AccountId", request.accounts), ("AwsRegion", request.regions)):
            if len(values) == 1:
                filters[key] = values[0]
        pages = self.config.get_paginator("describe_aggregate_compliance_by_config_rules").paginate(
            ConfigurationAggregatorName=request.aggregator,
            Filters=filters,
            PaginationConfig={"PageSize": AGGREGATE_RULES_PAGE_SIZE},
        )
        listed = [
            RuleSource(entry["AccountId"], entry["AwsRegion"], entry["ConfigRuleName"])
            for page in pages
            for entry in page["AggregateComplianceByConfigRules"]
        ]
        in_scope = [s for s in listed if request.covers(account_id=s.account_id, region=s.region)]
        sources = {s for s in in_scope if request.rule_of(s.rule_name)}
        unrecognised = sorted({f"{s.rule_name} in {s.account_id} {s.region}" for s in in_scope if request.unrecognised(s.rule_name)})
        return sorted(sources, key=lambda s: (s.account_id, s.region, s.rule_name)), unrecognised

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

    def described_rules(self, request: ExportRequest, rules: set[str]) -> tuple[list[dict[str, Any]], list[str]]:
        """DescribeConfigRules of the caller's account for the smguard ``rules`` (folder names), and
        the rules it has no Config rule of.

        With an aggregator the results come from the source accounts; the aggregator's own account
        describes the rules deployed there too (its own pack's rules, or those of its copy of the
        organization pack, which have the same definition as every member account's copy's).
        """
        pages = self.config.get_paginator("describe_config_rules").paginate()
        described = sorted(
            (rule for page in pages for rule in page["ConfigRules"] if request.rule_of(rule["ConfigRuleName"]) in rules),
            key=lambda rule: rule["ConfigRuleName"],
        )
        return described, sorted(rules - {request.rule_of(rule["ConfigRuleName"]) for rule in described})

    def pack_names(self, account_id: str) -> AccountPackNames:
        """DescribeConformancePacks of the caller's account: the name of each smguard pack, by its rules' suffix
        (the suffix of its ConformancePackId)."""
        pages = self.config.get_paginator("describe_conformance_packs").paginate(PaginationConfig={"PageSize": PACKS_PAGE_SIZE})
        by_suffix: dict[str, str] = {}
        for page in pages:
            for pack in page["ConformancePackDetails"]:
                suffix = pack_id_suffix(pack["ConformancePackId"])
                if is_smguard_pack(pack["ConformancePackName"]) and suffix is not None:
                    by_suffix[suffix] = pack["ConformancePackName"]
        return AccountPackNames({(account_id, self.region): by_suffix})

    def aggregate_pack_names(self, request: ExportRequest) -> AggregatedPackNames:
        """DescribeAggregateComplianceByConformancePacks: the names of the smguard packs in each source account and
        region of the aggregator (existing and deleted ones, as AWS lists them), within the request's filters."""
        filters = {}
        for key, values in (("AccountId", request.accounts), ("AwsRegion", request.regions)):
            if len(values) == 1:
                filters[key] = values[0]
        pages = self.config.get_paginator("describe_aggregate_compliance_by_conformance_packs").paginate(
            ConfigurationAggregatorName=request.aggregator,
            Filters=filters,
            PaginationConfig={"PageSize": AGGREGATE_PACKS_PAGE_SIZE},
        )
        listed: dict[tuple[str, str], set[str]] = {}
        for page in pages:
            for pack in page["AggregateComplianceByConformancePacks"]:
                if is_smguard_pack(pack["ConformancePackName"]) and request.covers(account_id=pack["AccountId"], region=pack["AwsRegion"]):
                    listed.setdefault((pack["AccountId"], pack["AwsRegion"]), set()).add(pack["ConformancePackName"])
        return AggregatedPackNames({key: frozenset(names) for key, names in listed.items()})
