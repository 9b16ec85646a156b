"""DescribeAggregateComplianceByConformancePacks of the embedded AWS, through real boto3 clients: each source account
and region's packs with their compliance and rule counts, the aggregator's authorisation, filters, paging and errors."""

from __future__ import annotations

import pytest

from tests.embedded.conftest import ACCOUNT, OTHER_ACCOUNT, REGION, Account, assumed_session
from tests.embedded.test_config_compliance import error_of
from tests.embedded.test_conformance_packs import DEFAULT_SG, GROUP, NOTEBOOK, PACK, ROOT_ACCESS, post, put_pack, rules_by_declared

AGGREGATOR = "organization"


def listed(account: Account, **kwargs) -> list[tuple[str, str, str, str, int, int, int]]:
    pages = account.config.get_paginator("describe_aggregate_compliance_by_conformance_packs").paginate(
        ConfigurationAggregatorName=AGGREGATOR, **kwargs
    )
    return [
        (
            row["AccountId"], row["AwsRegion"], row["ConformancePackName"], row["Compliance"]["ComplianceType"],
            row["Compliance"]["CompliantRuleCount"], row["Compliance"]["NonCompliantRuleCount"], row["Compliance"]["TotalRuleCount"],
        )
        for page in pages
        for row in page["AggregateComplianceByConformancePacks"]
    ]  # fmt: skip


@pytest.fixture
def member(account: Account) -> Account:
    """A second account with the pack (one rule non-compliant, one without data) and an aggregator over both in the
    first, whose own pack has one compliant rule and one without data."""
    member = Account(assumed_session(account.session, OTHER_ACCOUNT, REGION), OTHER_ACCOUNT, REGION)
    for source in (account, member):
        put_pack(source)
    post(account, rules_by_declared(account)[ROOT_ACCESS]["ConfigRuleName"], NOTEBOOK, ("nb-1", "COMPLIANT"), ("nb-2", "NOT_APPLICABLE"))
    post(member, rules_by_declared(member)[DEFAULT_SG]["ConfigRuleName"], GROUP, ("sg-1", "NON_COMPLIANT"), ("sg-2", "COMPLIANT"))
    account.config.put_configuration_aggregator(
        ConfigurationAggregatorName=AGGREGATOR,
        AccountAggregationSources=[{"AccountIds": [ACCOUNT, OTHER_ACCOUNT], "AwsRegions": [REGION]}],
    )
    return member


def test_a_source_account_is_seen_only_after_it_authorises_the_aggregator(account: Account, member: Account) -> None:
    # A pack with a compliant rule and one without data is COMPLIANT (API Reference, AggregateComplianceByConformancePack).
    assert listed(account) == [(ACCOUNT, REGION, PACK, "COMPLIANT", 1, 0, 2)]
    member.config.put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
    assert listed(account) == [(ACCOUNT, REGION, PACK, "COMPLIANT", 1, 0, 2), (OTHER_ACCOUNT, REGION, PACK, "NON_COMPLIANT", 0, 1, 2)]
    [row] = account.config.describe_aggregate_compliance_by_conformance_packs(
        ConfigurationAggregatorName=AGGREGATOR, Filters={"AccountId": ACCOUNT}
    )["AggregateComplianceByConformancePacks"]
    assert set(row) == {"ConformancePackName", "Compliance", "AccountId", "AwsRegion"}  # no pack ID: AWS gives none


def test_filters_and_pages(account: Account, member: Account) -> None:
    member.config.put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
    put_pack(member, name="OrgConformsPack-smguard-a1b2c3d4")  # a second pack in the member: no result yet
    assert listed(account, Filters={"AccountId": OTHER_ACCOUNT}) == [
        (OTHER_ACCOUNT, REGION, "OrgConformsPack-smguard-a1b2c3d4", "INSUFFICIENT_DATA", 0, 0, 2),
        (OTHER_ACCOUNT, REGION, PACK, "NON_COMPLIANT", 0, 1, 2),
    ]
    assert listed(account, Filters={"ComplianceType": "INSUFFICIENT_DATA"}) == [
        (OTHER_ACCOUNT, REGION, "OrgConformsPack-smguard-a1b2c3d4", "INSUFFICIENT_DATA", 0, 0, 2)
    ]
    assert [row[:3] for row in listed(account, Filters={"ConformancePackName": PACK})] == [(ACCOUNT, REGION, PACK), (OTHER_ACCOUNT, REGION, PACK)]
    assert listed(account, Filters={"AwsRegion": "eu-west-1"}) == []
    first = account.config.describe_aggregate_compliance_by_conformance_packs(ConfigurationAggregatorName=AGGREGATOR, Limit=2)
    assert [row["AccountId"] for row in first["AggregateComplianceByConformancePacks"]] == [ACCOUNT, OTHER_ACCOUNT]
    rest = account.config.describe_aggregate_compliance_by_conformance_packs(
        ConfigurationAggregatorName=AGGREGATOR, Limit=2, NextToken=first["NextToken"]
    )
    assert [row["ConformancePackName"] for row in rest["AggregateComplianceByConformancePacks"]] == [PACK] and "NextToken" not in rest


def test_a_deleted_pack_is_not_listed(account: Account, member: Account) -> None:
    """Left out: AWS lists deleted packs too, for a time and with a compliance it does not document."""
    account.config.delete_conformance_pack(ConformancePackName=PACK)
    assert listed(account) == []


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        ({"ConfigurationAggregatorName": "missing"}, "NoSuchConfigurationAggregatorException", None),
        ({"ConfigurationAggregatorName": AGGREGATOR, "Limit": 101}, "InvalidLimitException", "Member must have value less than or equal to 100"),
        (
            {"ConfigurationAggregatorName": AGGREGATOR, "Filters": {"AccountId": "12345"}},
            "ValidationException",
            "1 validation error detected: Value '12345' at 'filters.accountId' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: \\d{12}",
        ),
        ({"ConfigurationAggregatorName": AGGREGATOR, "NextToken": "nope"}, "InvalidNextTokenException", None),
    ],
)
def test_errors(account: Account, member: Account, kwargs: dict, code: str, message: str | None) -> None:
    got_code, got_message = error_of(account.config.describe_aggregate_compliance_by_conformance_packs, **kwargs)
    assert got_code == code
    if message is not None:
        assert message in got_message
