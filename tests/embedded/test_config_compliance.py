"""The embedded AWS's Config compliance APIs, called through real boto3 clients.

Every successful response is also checked against botocore's output shapes (``account`` fixture).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

from smguard.deploy.naming import names
from smguard.embedded import ResultTokenClaims
from tests.embedded.conftest import ACCOUNT, ONE_SECOND, OTHER_ACCOUNT, REGION, T0, Account, assumed_session, evaluation

RULE = names("notebook_root_access").config_rule
MADE_UP_TOKEN = base64.urlsafe_b64encode(json.dumps(["AWS::SageMaker::NotebookInstance", "nb-1"]).encode()).decode()
"""Decodes as the embedded AWS's tokens once did, but was never issued."""


def results(account: Account, rule: str = RULE, **kwargs) -> list[tuple[str, str, str | None]]:
    pages = account.config.get_paginator("get_compliance_details_by_config_rule").paginate(ConfigRuleName=rule, **kwargs)
    return [
        (
            r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"],
            r["ComplianceType"],
            r.get("Annotation"),
        )
        for page in pages
        for r in page["EvaluationResults"]
    ]


def error_of(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


class TestPutEvaluations:
    def test_stores_every_field_aws_returns(self, account):
        account.create_rule(RULE)
        before = datetime.now(timezone.utc).replace(microsecond=0)
        response = account.post(RULE, ("nb-1", "NON_COMPLIANT", "RootAccess is Enabled."), at=T0 + ONE_SECOND)
        after = datetime.now(timezone.utc)

        assert response["FailedEvaluations"] == []
        page = account.config.get_compliance_details_by_config_rule(ConfigRuleName=RULE)
        assert "NextToken" not in page
        [result] = page["EvaluationResults"]
        assert result["EvaluationResultIdentifier"] == {
            "EvaluationResultQualifier": {
                "ConfigRuleName": RULE,
                "ResourceType": "AWS::SageMaker::NotebookInstance",
                "ResourceId": "nb-1",
                "EvaluationMode": "DETECTIVE",
            },
            "OrderingTimestamp": T0 + ONE_SECOND,
        }
        assert result["ComplianceType"] == "NON_COMPLIANT"
        assert result["Annotation"] == "RootAccess is Enabled."
        assert result["ConfigRuleInvokedTime"] == T0
        assert before <= result["ResultRecordedTime"] <= after

    def test_newer_ordering_timestamp_replaces_and_older_is_ignored(self, account):
        account.create_rule(RULE)
        account.post(RULE, ("nb-1", "NON_COMPLIANT", "first"), at=T0)
        account.post(RULE, ("nb-1", "COMPLIANT", "newer"), at=T0 + ONE_SECOND)
        account.post(RULE, ("nb-1", "NON_COMPLIANT", "late arrival of an older state"), at=T0)
        assert results(account) == [("nb-1", "COMPLIANT", "newer")]

    def test_annotation_is_optional(self, account):
        account.create_rule(RULE)
        account.post(RULE, ("nb-1", "COMPLIANT", None))
        assert results(account) == [("nb-1", "COMPLIANT", None)]
        assert "Annotation" not in account.raw.last("GetComplianceDetailsByConfigRule")["EvaluationResults"][0]

    def test_test_mode_validates_and_stores_nothing(self, account):
        account.create_rule(RULE)
        assert account.post(RULE, ("nb-1", "COMPLIANT", "ok"), token="TESTMODE", TestMode=True)["FailedEvaluations"] == []
        assert results(account) == []
        code, _ = error_of(
            account.config.put_evaluations,
            Evaluations=[evaluation("nb-1", "COMPLIANT", "a" * 257)],
            ResultToken="TESTMODE",
            TestMode=True,
        )
        assert code == "ValidationException"

    def test_more_than_100_evaluations_are_refused(self, account):
        account.create_rule(RULE)
        code, message = error_of(
            account.config.put_evaluations,
            Evaluations=[evaluation(f"nb-{i}", "COMPLIANT", "ok") for i in range(101)],
            ResultToken=account.token(RULE),
        )
        assert (code, message) == (
            "ValidationException",
            "1 validation error detected: Value at 'evaluations' failed to satisfy constraint: "
            "Member must have length less than or equal to 100",
        )
        assert results(account) == []

    def test_exactly_100_evaluations_are_accepted(self, account):
        account.create_rule(RULE)
        account.config.put_evaluations(
            Evaluations=[evaluation(f"nb-{i:03}", "COMPLIANT", "ok") for i in range(100)], ResultToken=account.token(RULE)
        )
        assert len(results(account)) == 100

    def test_annotation_longer_than_256_and_unknown_compliance_type_are_named(self, account):
        account.create_rule(RULE)
        code, message = error_of(
            account.config.put_evaluations,
            Evaluations=[evaluation("nb-1", "COMPLIANT", "a" * 256), evaluation("nb-2", "MAYBE", "a" * 257)],
            ResultToken=account.token(RULE),
        )
        assert code == "ValidationException"
        assert message == (
            "2 validation errors detected: "
            f"Value '{'a' * 257}' at 'evaluations.2.member.annotation' failed to satisfy constraint: "
            "Member must have length less than or equal to 256; "
            "Value 'MAYBE' at 'evaluations.2.member.complianceType' failed to satisfy constraint: "
            "Member must satisfy enum value set: [COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA]"
        )
        assert results(account) == []

    def test_empty_annotation_is_refused_before_it_leaves_the_sdk(self, account):
        account.create_rule(RULE)
        with pytest.raises(ParamValidationError, match="Annotation"):
            account.post(RULE, ("nb-1", "COMPLIANT", ""))

    def test_insufficient_data_cannot_be_posted(self, account):
        account.create_rule(RULE)
        code, message = error_of(
            account.config.put_evaluations,
            Evaluations=[evaluation("nb-1", "INSUFFICIENT_DATA", "unknown")],
            ResultToken=account.token(RULE),
        )
        assert code == "InvalidParameterValueException"
        assert "INSUFFICIENT_DATA" in message and "nb-1" in message

    def test_empty_evaluations_are_refused(self, account):
        account.create_rule(RULE)
        code, _ = error_of(account.config.put_evaluations, Evaluations=[], ResultToken=account.token(RULE))
        assert code == "InvalidParameterValueException"

    @pytest.mark.parametrize(
        "token",
        [
            "token-1",
            "smguard-embedded-config:not-base64!",
            ResultTokenClaims(RULE, "config-rule-0abc12", OTHER_ACCOUNT, REGION, T0).encode(),
            ResultTokenClaims(RULE, "config-rule-0abc12", ACCOUNT, "eu-west-1", T0).encode(),
        ],
        ids=["foreign", "garbled", "other-account", "other-region"],
    )
    def test_a_token_config_did_not_issue_here_is_refused(self, account, token):
        account.create_rule(RULE)
        code, _ = error_of(
            account.config.put_evaluations, Evaluations=[evaluation("nb-1", "COMPLIANT", "ok")], ResultToken=token
        )
        assert code == "InvalidResultTokenException"

    def test_a_token_of_a_deleted_rule_is_refused_and_its_results_go_with_it(self, account):
        account.create_rule(RULE)
        token = account.token(RULE)
        account.post(RULE, ("nb-1", "NON_COMPLIANT", "bad"), token=token)
        account.config.delete_config_rule(ConfigRuleName=RULE)
        code, message = error_of(
            account.config.put_evaluations, Evaluations=[evaluation("nb-1", "COMPLIANT", "ok")], ResultToken=token
        )
        assert (code, message) == (
            "NoSuchConfigRuleException",
            f"The ConfigRule '{RULE}' provided in the request is invalid. Please check the configRule name",
        )
        account.create_rule(RULE)
        assert results(account) == []

    def test_a_token_of_a_deleted_rule_stores_nothing_under_a_new_rule_of_the_same_name(self, account):
        account.create_rule(RULE)
        token = account.token(RULE)
        account.config.delete_config_rule(ConfigRuleName=RULE)
        account.create_rule(RULE)
        code, _ = error_of(
            account.config.put_evaluations, Evaluations=[evaluation("nb-1", "COMPLIANT", "ok")], ResultToken=token
        )
        assert code == "NoSuchConfigRuleException"
        assert results(account) == []
        account.post(RULE, ("nb-1", "COMPLIANT", "ok"))  # a token of the new rule's invocation is good
        assert results(account) == [("nb-1", "COMPLIANT", "ok")]

    def test_no_token_is_issued_for_a_rule_that_does_not_exist(self, account):
        with pytest.raises(LookupError) as refused:
            account.token("smguard-missing")
        assert str(refused.value) == (
            f"no Config rule 'smguard-missing' in account {ACCOUNT}, region {REGION} of the embedded AWS; "
            "create it before issuing its result token"
        )


class TestGetComplianceDetailsByConfigRule:
    def test_pages_of_ten_by_default_sorted_by_resource(self, account):
        account.create_rule(RULE)
        account.post(RULE, *[(f"nb-{i:02}", "COMPLIANT" if i % 3 else "NON_COMPLIANT", f"r{i}") for i in range(25)])

        first = account.config.get_compliance_details_by_config_rule(ConfigRuleName=RULE)
        assert [r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] for r in first["EvaluationResults"]] == [
            f"nb-{i:02}" for i in range(10)
        ]
        assert [len(page["EvaluationResults"]) for page in account.config.get_paginator(
            "get_compliance_details_by_config_rule"
        ).paginate(ConfigRuleName=RULE)] == [10, 10, 5]
        assert len(results(account, Limit=0)) == 25
        assert [len(p["EvaluationResults"]) for p in account.config.get_paginator(
            "get_compliance_details_by_config_rule"
        ).paginate(ConfigRuleName=RULE, PaginationConfig={"PageSize": 100})] == [25]

    def test_filters_by_compliance_type(self, account):
        account.create_rule(RULE)
        account.post(RULE, ("a", "COMPLIANT", "ok"), ("b", "NON_COMPLIANT", "bad"), ("c", "NOT_APPLICABLE", "n/a"))
        assert results(account, ComplianceTypes=["NON_COMPLIANT"]) == [("b", "NON_COMPLIANT", "bad")]
        assert results(account, ComplianceTypes=["COMPLIANT", "NOT_APPLICABLE"]) == [
            ("a", "COMPLIANT", "ok"),
            ("c", "NOT_APPLICABLE", "n/a"),
        ]
        assert [r[0] for r in results(account)] == ["a", "b", "c"]

    def test_a_result_written_between_pages_does_not_shift_the_next_page(self, account):
        account.create_rule(RULE)
        account.post(RULE, *[(f"nb-{i}", "COMPLIANT", "ok") for i in (2, 4, 6)])
        first = account.config.get_compliance_details_by_config_rule(ConfigRuleName=RULE, Limit=2)
        account.post(RULE, ("nb-1", "COMPLIANT", "ok"))
        second = account.config.get_compliance_details_by_config_rule(ConfigRuleName=RULE, Limit=2, NextToken=first["NextToken"])
        assert [r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] for r in second["EvaluationResults"]] == ["nb-6"]

    @pytest.mark.parametrize(
        ("kwargs", "code"),
        [
            ({"ConfigRuleName": "smguard-missing"}, "NoSuchConfigRuleException"),
            ({"ConfigRuleName": RULE, "Limit": 101}, "InvalidParameterValueException"),
            ({"ConfigRuleName": RULE, "ComplianceTypes": ["INSUFFICIENT_DATA"]}, "InvalidParameterValueException"),
            ({"ConfigRuleName": RULE, "ComplianceTypes": ["MAYBE"]}, "ValidationException"),
            ({"ConfigRuleName": RULE, "NextToken": "not-a-token"}, "InvalidNextTokenException"),
            ({"ConfigRuleName": RULE, "NextToken": MADE_UP_TOKEN}, "InvalidNextTokenException"),
            ({"ConfigRuleName": RULE, "ComplianceTypes": ["COMPLIANT"] * 4}, "ValidationException"),
        ],
    )
    def test_errors(self, account, kwargs, code):
        account.create_rule(RULE)
        assert error_of(account.config.get_compliance_details_by_config_rule, **kwargs)[0] == code

    def test_a_next_token_is_good_only_for_the_listing_that_issued_it(self, account):
        account.create_rule(RULE)
        account.create_rule("smguard-other")
        account.post(RULE, *[(f"nb-{i}", "COMPLIANT", "ok") for i in range(3)])
        account.post("smguard-other", *[(f"nb-{i}", "COMPLIANT", "ok") for i in range(3)])
        token = account.config.get_compliance_details_by_config_rule(ConfigRuleName=RULE, Limit=2)["NextToken"]
        for kwargs in ({"ConfigRuleName": "smguard-other"}, {"ConfigRuleName": RULE, "ComplianceTypes": ["COMPLIANT"]}):
            assert error_of(account.config.get_compliance_details_by_config_rule, Limit=2, NextToken=token, **kwargs) == (
                "InvalidNextTokenException",
                "The nextToken provided is invalid",
            )
        page = account.config.get_compliance_details_by_config_rule(ConfigRuleName=RULE, Limit=2, NextToken=token)
        assert [r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] for r in page["EvaluationResults"]] == ["nb-2"]


class TestDescribeComplianceByConfigRule:
    def test_summarises_each_rule_as_aws_documents(self, account):
        for rule in ("r-compliant", "r-mixed", "r-not-applicable", "r-never-ran"):
            account.create_rule(rule)
        account.post("r-compliant", ("a", "COMPLIANT", "ok"), ("b", "NOT_APPLICABLE", "n/a"))
        account.post("r-mixed", ("a", "COMPLIANT", "ok"), ("b", "NON_COMPLIANT", "x"), ("c", "NON_COMPLIANT", "y"))
        account.post("r-not-applicable", ("a", "NOT_APPLICABLE", "n/a"))

        response = account.config.describe_compliance_by_config_rule()
        assert response["ComplianceByConfigRules"] == [
            {"ConfigRuleName": "r-compliant", "Compliance": {"ComplianceType": "COMPLIANT"}},
            {
                "ConfigRuleName": "r-mixed",
                "Compliance": {
                    "ComplianceType": "NON_COMPLIANT",
                    "ComplianceContributorCount": {"CappedCount": 2, "CapExceeded": False},
                },
            },
            {"ConfigRuleName": "r-never-ran", "Compliance": {"ComplianceType": "INSUFFICIENT_DATA"}},
            {"ConfigRuleName": "r-not-applicable", "Compliance": {"ComplianceType": "INSUFFICIENT_DATA"}},
        ]
        filtered = account.config.describe_compliance_by_config_rule(
            ConfigRuleNames=["r-mixed", "r-compliant"], ComplianceTypes=["COMPLIANT"]
        )
        assert [r["ConfigRuleName"] for r in filtered["ComplianceByConfigRules"]] == ["r-compliant"]

    def test_contributor_count_is_capped_at_100(self, account):
        account.create_rule(RULE)
        account.post(RULE, *[(f"nb-{i:03}", "NON_COMPLIANT", "x") for i in range(100)])
        account.post(RULE, ("nb-100", "NON_COMPLIANT", "x"))
        [summary] = account.config.describe_compliance_by_config_rule(ConfigRuleNames=[RULE])["ComplianceByConfigRules"]
        assert summary["Compliance"]["ComplianceContributorCount"] == {"CappedCount": 100, "CapExceeded": True}

    def test_pages_of_25_rules(self, account):
        names = [f"rule-{i:02}" for i in range(27)]
        for name in names:
            account.create_rule(name)
        pages = list(account.config.get_paginator("describe_compliance_by_config_rule").paginate())
        assert [len(p["ComplianceByConfigRules"]) for p in pages] == [25, 2]
        assert [r["ConfigRuleName"] for p in pages for r in p["ComplianceByConfigRules"]] == names

    @pytest.mark.parametrize(
        ("kwargs", "code"),
        [
            ({"ConfigRuleNames": [RULE, "smguard-missing"]}, "NoSuchConfigRuleException"),
            ({"ComplianceTypes": ["NOT_APPLICABLE"]}, "InvalidParameterValueException"),
            ({"NextToken": MADE_UP_TOKEN}, "InvalidNextTokenException"),
        ],
    )
    def test_errors(self, account, kwargs, code):
        account.create_rule(RULE)
        assert error_of(account.config.describe_compliance_by_config_rule, **kwargs)[0] == code

    def test_more_names_or_types_than_the_model_allows_are_refused_together(self, account):
        account.create_rule(RULE)
        code, message = error_of(
            account.config.describe_compliance_by_config_rule,
            ConfigRuleNames=[RULE] * 26,
            ComplianceTypes=["COMPLIANT", "NON_COMPLIANT", "INSUFFICIENT_DATA", "COMPLIANT"],
        )
        assert (code, message) == (
            "ValidationException",
            "2 validation errors detected: "
            "Value at 'configRuleNames' failed to satisfy constraint: Member must have length less than or equal to 25; "
            "Value at 'complianceTypes' failed to satisfy constraint: Member must have length less than or equal to 3",
        )
        names = [f"rule-{i:02}" for i in range(25)]
        for name in names:
            account.create_rule(name)
        response = account.config.describe_compliance_by_config_rule(ConfigRuleNames=names, ComplianceTypes=["INSUFFICIENT_DATA"] * 3)
        assert [r["ConfigRuleName"] for r in response["ComplianceByConfigRules"]] == names  # the bounds themselves pass


class TestAggregates:
    @pytest.fixture
    def member(self, account) -> Account:
        """A second account whose rule has results, and an aggregator over both in the first."""
        member = Account(assumed_session(account.session, OTHER_ACCOUNT, REGION), OTHER_ACCOUNT, REGION)
        account.create_rule(RULE)
        account.post(RULE, ("main-1", "COMPLIANT", "ok"), ("main-2", "NON_COMPLIANT", "bad"))
        member.create_rule(RULE)
        member.post(RULE, ("member-1", "NON_COMPLIANT", "bad"), ("member-2", "NOT_APPLICABLE", "n/a"))
        member.create_rule("smguard-unused")
        account.config.put_configuration_aggregator(
            ConfigurationAggregatorName="organization",
            AccountAggregationSources=[{"AccountIds": [ACCOUNT, OTHER_ACCOUNT], "AwsRegions": [REGION]}],
        )
        return member

    def aggregate_rows(self, account: Account, **kwargs) -> list[tuple[str, str, str, str]]:
        pages = account.config.get_paginator("describe_aggregate_compliance_by_config_rules").paginate(
            ConfigurationAggregatorName="organization", **kwargs
        )
        return [
            (r["AccountId"], r["AwsRegion"], r["ConfigRuleName"], r["Compliance"]["ComplianceType"])
            for page in pages
            for r in page["AggregateComplianceByConfigRules"]
        ]

    def details(self, account: Account, account_id: str, rule: str = RULE, **kwargs) -> list[tuple[str, str, str, str]]:
        pages = account.config.get_paginator("get_aggregate_compliance_details_by_config_rule").paginate(
            ConfigurationAggregatorName="organization", ConfigRuleName=rule, AccountId=account_id, AwsRegion=REGION, **kwargs
        )
        return [
            (r["AccountId"], r["AwsRegion"], r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"], r["ComplianceType"])
            for page in pages
            for r in page["AggregateEvaluationResults"]
        ]

    def test_a_source_account_is_seen_only_after_it_authorises_the_aggregator(self, account, member):
        assert self.aggregate_rows(account) == [(ACCOUNT, REGION, RULE, "NON_COMPLIANT")]
        assert self.details(account, OTHER_ACCOUNT) == []
        member.config.put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
        assert self.aggregate_rows(account) == [
            (ACCOUNT, REGION, RULE, "NON_COMPLIANT"),
            (OTHER_ACCOUNT, REGION, RULE, "NON_COMPLIANT"),
        ]
        # member-2 is NOT_APPLICABLE, which AWS never returns through an aggregator.
        assert self.details(account, OTHER_ACCOUNT) == [(OTHER_ACCOUNT, REGION, "member-1", "NON_COMPLIANT")]

    def test_filters(self, account, member):
        member.config.put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
        assert self.aggregate_rows(account, Filters={"AccountId": OTHER_ACCOUNT}) == [(OTHER_ACCOUNT, REGION, RULE, "NON_COMPLIANT")]
        assert self.aggregate_rows(account, Filters={"ComplianceType": "COMPLIANT"}) == []
        assert self.aggregate_rows(account, Filters={"ConfigRuleName": "smguard-unused"}) == []
        assert self.aggregate_rows(account, Filters={"AwsRegion": "eu-west-1"}) == []
        assert self.details(account, ACCOUNT, ComplianceType="COMPLIANT") == [(ACCOUNT, REGION, "main-1", "COMPLIANT")]
        page = account.config.get_aggregate_compliance_details_by_config_rule(
            ConfigurationAggregatorName="organization", ConfigRuleName=RULE, AccountId=ACCOUNT, AwsRegion=REGION, Limit=1
        )
        assert len(page["AggregateEvaluationResults"]) == 1 and "NextToken" in page
        detail = page["AggregateEvaluationResults"][0]
        assert detail["Annotation"] == "ok" and detail["ConfigRuleInvokedTime"] == T0

    def test_a_rule_with_only_not_applicable_results_is_neither_listed_nor_detailed(self, account, member):
        member.config.put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
        member.post("smguard-unused", ("member-1", "NOT_APPLICABLE", "exempt"))
        assert self.aggregate_rows(account, Filters={"ConfigRuleName": "smguard-unused"}) == []
        assert self.details(account, OTHER_ACCOUNT, "smguard-unused") == []
        assert results(member, "smguard-unused") == [("member-1", "NOT_APPLICABLE", "exempt")]

    def test_organization_aggregator_sees_every_member_account(self, account, member):
        organizations = account.session.client("organizations")
        organizations.create_organization(FeatureSet="ALL")
        created = organizations.create_account(AccountName="data-science", Email="ds@example.com")["CreateAccountStatus"]
        data_science = Account(assumed_session(account.session, created["AccountId"], REGION), created["AccountId"], REGION)
        data_science.create_rule(RULE)
        data_science.post(RULE, ("ds-1", "COMPLIANT", "ok"))
        account.config.put_configuration_aggregator(
            ConfigurationAggregatorName="organization",
            OrganizationAggregationSource={"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/config-aggregator", "AllAwsRegions": True},
        )
        assert sorted(self.aggregate_rows(account)) == sorted(
            [(ACCOUNT, REGION, RULE, "NON_COMPLIANT"), (created["AccountId"], REGION, RULE, "COMPLIANT")]
        )

    @pytest.mark.parametrize(
        ("operation", "kwargs", "code"),
        [
            ("describe_aggregate_compliance_by_config_rules", {"ConfigurationAggregatorName": "missing"}, "NoSuchConfigurationAggregatorException"),
            ("describe_aggregate_compliance_by_config_rules", {"ConfigurationAggregatorName": "organization", "Limit": 1001}, "InvalidLimitException"),
            ("describe_aggregate_compliance_by_config_rules", {"ConfigurationAggregatorName": "organization", "Filters": {"ComplianceType": "NOT_APPLICABLE"}}, "ValidationException"),
            ("describe_aggregate_compliance_by_config_rules", {"ConfigurationAggregatorName": "organization", "NextToken": "nope"}, "InvalidNextTokenException"),
            ("get_aggregate_compliance_details_by_config_rule", {"ConfigurationAggregatorName": "missing"}, "NoSuchConfigurationAggregatorException"),
            ("get_aggregate_compliance_details_by_config_rule", {"ConfigurationAggregatorName": "organization", "Limit": 101}, "InvalidLimitException"),
            ("get_aggregate_compliance_details_by_config_rule", {"ConfigurationAggregatorName": "organization", "ComplianceType": "INSUFFICIENT_DATA"}, "ValidationException"),
        ],
    )
    def test_errors(self, account, member, operation, kwargs, code):
        if operation.startswith("get_"):
            kwargs = {"ConfigRuleName": RULE, "AccountId": ACCOUNT, "AwsRegion": REGION, **kwargs}
        assert error_of(getattr(account.config, operation), **kwargs)[0] == code

    def test_an_unknown_rule_has_no_aggregate_results(self, account, member):
        response = account.config.get_aggregate_compliance_details_by_config_rule(
            ConfigurationAggregatorName="organization", ConfigRuleName="smguard-missing", AccountId=ACCOUNT, AwsRegion=REGION
        )
        assert response["AggregateEvaluationResults"] == []


def test_results_live_and_die_with_moto():
    """A new mock_aws() starts without the previous one's results (moto's reset clears them)."""
    from moto import mock_aws

    from smguard.embedded import install

    install()
    with mock_aws():
        first = Account(boto3.Session(region_name=REGION), ACCOUNT, REGION)
        first.create_rule(RULE)
        first.post(RULE, ("nb-1", "COMPLIANT", "ok"))
    with mock_aws():
        second = Account(boto3.Session(region_name=REGION), ACCOUNT, REGION)
        second.create_rule(RULE)
        assert results(second) == []


class TestRequiredMembers:
    """A request without a member the API model requires is refused as AWS refuses it; the SDK
    would refuse it first, so the client here is told not to validate."""

    @pytest.fixture
    def unvalidated(self, account):
        return account.session.client("config", config=Config(parameter_validation=False))

    def test_get_compliance_details_without_a_rule_name(self, unvalidated):
        assert error_of(unvalidated.get_compliance_details_by_config_rule) == (
            "ValidationException",
            "1 validation error detected: Value null at 'configRuleName' failed to satisfy constraint: Member must not be null",
        )

    def test_aggregate_details_name_every_missing_member(self, unvalidated):
        assert error_of(unvalidated.get_aggregate_compliance_details_by_config_rule, ConfigRuleName=RULE) == (
            "ValidationException",
            "3 validation errors detected: "
            "Value null at 'configurationAggregatorName' failed to satisfy constraint: Member must not be null; "
            "Value null at 'accountId' failed to satisfy constraint: Member must not be null; "
            "Value null at 'awsRegion' failed to satisfy constraint: Member must not be null",
        )

    def test_aggregate_compliance_without_an_aggregator(self, unvalidated):
        assert error_of(unvalidated.describe_aggregate_compliance_by_config_rules) == (
            "ValidationException",
            "1 validation error detected: Value null at 'configurationAggregatorName' failed to satisfy constraint: "
            "Member must not be null",
        )
