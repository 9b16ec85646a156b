"""DescribeAggregateComplianceByConformancePacks for the embedded AWS: moto 5.2.5 has none.

How this follows AWS (AWS Config API Reference, DescribeAggregateComplianceByConformancePacks,
AggregateComplianceByConformancePack, AggregateConformancePackCompliance,
AggregateConformancePackComplianceFilters); decisions where AWS does not say are marked:

- The request is checked against the API model (``request_model``): the aggregator's name, the
  filters' pattern, lengths and ComplianceType enum (ValidationException); Limit 0..100, 0 or absent
  = the maximum ("The default is maximum"), beyond it InvalidLimitException.
- The aggregator and the accounts and regions it sees are those of the other aggregate APIs
  (``config_compliance``: its own account, authorised accounts, or the organization's accounts):
  NoSuchConfigurationAggregatorException for an aggregator the caller's account and region lacks.
- One entry per conformance pack of each source account and region: ConformancePackName, AccountId,
  AwsRegion and Compliance, whose ComplianceType is the pack's (``conformance_packs.pack_compliance``:
  NON_COMPLIANT when a rule is, COMPLIANT when a rule is and none is not, else INSUFFICIENT_DATA),
  CompliantRuleCount and NonCompliantRuleCount its rules of each, TotalRuleCount all its rules
  ("compliant rules, noncompliant rules, and the rules that do not have any applicable resources to
  evaluate upon resulting in insufficient data"). No pack ID: AWS returns none.
- The Filters select by ConformancePackName, ComplianceType, AccountId and AwsRegion (exact match).
- Sorted by account, region and pack name (decision: AWS states no order); NextTokens are signed
  for their listing (``config_compliance``).

Left out: deleted conformance packs, which AWS lists too ("the existing and deleted conformance
packs") without saying for how long or with which compliance; the embedded AWS forgets a deleted
pack, so a reader of this API must not assume one account and region lists one pack of a name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from moto.config.models import ConfigBackend
from moto.config.responses import ConfigResponse

from smguard.embedded.config_compliance import _aggregator, _page, _rule_compliance, _sources, _with_token
from smguard.embedded.conformance_packs import Pack, _pack_rules, _results, pack_compliance, pack_store, response_method
from smguard.embedded.request_model import check_request, page_size_of

OPERATION = "DescribeAggregateComplianceByConformancePacks"


def _compliance(backend: ConfigBackend, pack: Pack) -> dict[str, Any]:
    """AggregateConformancePackCompliance: the pack's compliance and how many of its rules are of each."""
    rules = [_rule_compliance(_results(backend, rule))["ComplianceType"] for rule in _pack_rules(backend, pack)]
    return {
        "ComplianceType": pack_compliance(backend, pack),
        "CompliantRuleCount": rules.count("COMPLIANT"),
        "NonCompliantRuleCount": rules.count("NON_COMPLIANT"),
        "TotalRuleCount": len(rules),
    }


def describe_aggregate_compliance_by_conformance_packs(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    check_request(OPERATION, request)
    page_size = page_size_of(OPERATION, request.get("Limit"))
    filters = request.get("Filters") or {}
    name = request["ConfigurationAggregatorName"]
    rows = []
    for source in _sources(backend, _aggregator(backend, name)):
        if filters.get("AccountId") not in (None, source.account_id) or filters.get("AwsRegion") not in (None, source.region_name):
            continue
        for pack in pack_store(source).packs.values():
            if filters.get("ConformancePackName") not in (None, pack.name):
                continue
            compliance = _compliance(source, pack)
            if filters.get("ComplianceType") not in (None, compliance["ComplianceType"]):
                continue
            rows.append({"ConformancePackName": pack.name, "Compliance": compliance, "AccountId": source.account_id, "AwsRegion": source.region_name})
    key = lambda row: (row["AccountId"], row["AwsRegion"], row["ConformancePackName"])  # noqa: E731
    listing = f"{OPERATION} {name} {json.dumps(filters, sort_keys=True)}"
    page, token = _page(sorted(rows, key=key), key, page_size, request.get("NextToken"), listing)
    return _with_token({"AggregateComplianceByConformancePacks": page}, token)


def install() -> None:
    """Give moto's Config the API. Idempotent; affects every moto backend in the process."""
    setattr(ConfigResponse, describe_aggregate_compliance_by_conformance_packs.__name__, response_method(describe_aggregate_compliance_by_conformance_packs))
