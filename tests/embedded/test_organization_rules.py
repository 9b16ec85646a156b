"""The embedded AWS's organization Config rules and organization aggregators, through real boto3 clients.

An organization as smguard deploys one: the management account, a security account registered as
AWS Config delegated administrator (organization rules and aggregators), two member accounts.
Every successful response is checked against botocore's output shapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto import mock_aws

from smguard.deploy.naming import MEMBER_SUFFIX, ORGANIZATION_MEMBER_PREFIX, names, resource_name
from smguard.embedded import install
from smguard.embedded.organizations import AGGREGATOR_SERVICE_PRINCIPAL, ORGANIZATION_RULES_SERVICE_PRINCIPAL
from tests.embedded.conftest import ACCOUNT, REGION, Account, assumed_session
from tests.embedded.test_config_compliance import error_of, results
from tests.support.functions import placeholder_function

RULE = names("notebook_root_access").organization_rule
NOTEBOOK = "AWS::SageMaker::NotebookInstance"
OUTSIDER = "999999999999"
BILLING_ONLY = "888888888888"
PARAMETERS = json.dumps({"AllowedRoleArns": "arn:aws:iam::111122223333:role/admin"})


@dataclass
class Organization:
    management: Account
    security: Account
    members: list[Account]

    @property
    def everyone(self) -> list[Account]:
        return [self.management, self.security, *self.members]

    def function_arn(self, deployer: Account) -> str:
        return placeholder_function(deployer.session, resource_name("notebook_root_access"))

    def custom_metadata(self, deployer: Account, **overrides) -> dict:
        return {
            "LambdaFunctionArn": self.function_arn(deployer),
            "OrganizationConfigRuleTriggerTypes": [
                "ConfigurationItemChangeNotification",
                "OversizedConfigurationItemChangeNotification",
                "ScheduledNotification",
            ],
            "ResourceTypesScope": [NOTEBOOK],
            "InputParameters": PARAMETERS,
            "MaximumExecutionFrequency": "Six_Hours",
            "Description": "Notebook instances have root access disabled",
            **overrides,
        }

    def put(self, deployer: Account, name: str = RULE, **kwargs) -> str:
        kwargs.setdefault("OrganizationCustomRuleMetadata", self.custom_metadata(deployer))
        return deployer.config.put_organization_config_rule(OrganizationConfigRuleName=name, **kwargs)["OrganizationConfigRuleArn"]


def join(management: Account, name: str) -> Account:
    organizations = management.session.client("organizations")
    account_id = organizations.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
    return Account(assumed_session(management.session, account_id, REGION), account_id, REGION)


@pytest.fixture(scope="module")
def shared_organization() -> Iterator[Organization]:
    """Built once for the module (building it costs about a second); ``organization`` resets what tests add."""
    install()
    with mock_aws():
        management = Account(boto3.Session(region_name=REGION), ACCOUNT, REGION)
        organizations = management.session.client("organizations")
        organizations.create_organization(FeatureSet="ALL")
        security = join(management, "security")
        for principal in (ORGANIZATION_RULES_SERVICE_PRINCIPAL, AGGREGATOR_SERVICE_PRINCIPAL):
            organizations.register_delegated_administrator(AccountId=security.account_id, ServicePrincipal=principal)
        yield Organization(management, security, [join(management, "data-science"), join(management, "analytics")])


@pytest.fixture
def organization(shared_organization) -> Iterator[Organization]:
    """The shared organization, without organization rules or aggregators once the test is done."""
    yield shared_organization
    for deployer in (shared_organization.management, shared_organization.security):
        for rule in deployer.config.describe_organization_config_rules()["OrganizationConfigRules"]:
            deployer.config.delete_organization_config_rule(OrganizationConfigRuleName=rule["OrganizationConfigRuleName"])
        for aggregator in deployer.config.describe_configuration_aggregators()["ConfigurationAggregators"]:
            deployer.config.delete_configuration_aggregator(ConfigurationAggregatorName=aggregator["ConfigurationAggregatorName"])
    for account in shared_organization.everyone:
        assert account.raw.conformance_errors() == []
        assert member_rules(account) == {}


def outside(organization: Organization, account_id: str) -> Account:
    """An account of the embedded AWS that is in no organization."""
    return Account(assumed_session(organization.management.session, account_id, REGION), account_id, REGION)


def member_rules(account: Account) -> dict[str, dict]:
    return {rule["ConfigRuleName"]: rule for rule in account.config.describe_config_rules()["ConfigRules"]}


def suffix_of(member_name: str, organization_rule: str = RULE) -> str:
    stem = f"{ORGANIZATION_MEMBER_PREFIX}{organization_rule}-"
    assert member_name.startswith(stem), member_name
    return member_name[len(stem):]


class TestPutOrganizationConfigRule:
    def test_every_account_gets_a_member_rule_with_the_rules_scope_triggers_and_parameters(self, organization):
        arn = organization.put(organization.security)
        assert re.fullmatch(rf"arn:aws:config:{REGION}:{organization.security.account_id}:organization-config-rule/{RULE}-[a-z0-9]{{8}}", arn)
        function_arn = organization.function_arn(organization.security)
        for account in organization.everyone:
            (name, rule), = member_rules(account).items()
            assert MEMBER_SUFFIX.fullmatch(suffix_of(name)) and len(suffix_of(name)) == 8
            assert rule["ConfigRuleArn"] == f"arn:aws:config:{REGION}:{account.account_id}:config-rule/{rule['ConfigRuleId']}"
            assert rule["CreatedBy"] == "config-multiaccountsetup.amazonaws.com"
            assert rule["Scope"] == {"ComplianceResourceTypes": [NOTEBOOK]}
            assert rule["InputParameters"] == PARAMETERS
            assert rule["MaximumExecutionFrequency"] == "Six_Hours"
            assert rule["Source"] == {
                "Owner": "CUSTOM_LAMBDA",
                "SourceIdentifier": function_arn,
                "SourceDetails": [
                    {"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"},
                    {"EventSource": "aws.config", "MessageType": "OversizedConfigurationItemChangeNotification"},
                    {"EventSource": "aws.config", "MessageType": "ScheduledNotification", "MaximumExecutionFrequency": "Six_Hours"},
                ],
            }
        suffixes = {suffix_of(next(iter(member_rules(account)))) for account in organization.everyone}
        assert len(suffixes) == 4  # each account's copy has its own suffix

    def test_detailed_status_names_each_accounts_rule(self, organization):
        organization.put(organization.management, ExcludedAccounts=[organization.members[1].account_id])
        statuses = organization.management.config.get_organization_config_rule_detailed_status(OrganizationConfigRuleName=RULE)
        deployed = [a for a in organization.everyone if a is not organization.members[1]]
        assert [(s["AccountId"], s["ConfigRuleName"], s["MemberAccountRuleStatus"]) for s in statuses["OrganizationConfigRuleDetailedStatus"]] == sorted(
            (a.account_id, next(iter(member_rules(a))), "CREATE_SUCCESSFUL") for a in deployed
        )
        assert member_rules(organization.members[1]) == {}
        only = organization.management.config.get_organization_config_rule_detailed_status(
            OrganizationConfigRuleName=RULE, Filters={"AccountId": organization.members[0].account_id}, Limit=1
        )["OrganizationConfigRuleDetailedStatus"]
        assert [s["AccountId"] for s in only] == [organization.members[0].account_id]
        assert organization.management.config.describe_organization_config_rule_statuses()["OrganizationConfigRuleStatuses"][0][
            "OrganizationRuleStatus"
        ] == "CREATE_SUCCESSFUL"

    def test_member_rules_take_evaluations_and_report_compliance(self, organization):
        organization.put(organization.security)
        member = organization.members[0]
        name = next(iter(member_rules(member)))
        member.post(name, ("nb-1", "NON_COMPLIANT", "root access is Enabled"), ("nb-2", "COMPLIANT", "root access is Disabled"))
        assert results(member, name) == [("nb-1", "NON_COMPLIANT", "root access is Enabled"), ("nb-2", "COMPLIANT", "root access is Disabled")]
        summary = member.config.describe_compliance_by_config_rule(ConfigRuleNames=[name])["ComplianceByConfigRules"]
        assert summary == [
            {"ConfigRuleName": name, "Compliance": {"ComplianceType": "NON_COMPLIANT", "ComplianceContributorCount": {"CappedCount": 1, "CapExceeded": False}}}
        ]

    def test_an_update_keeps_names_and_results_and_follows_the_excluded_accounts(self, organization):
        first_arn = organization.put(organization.management)
        member, leaving = organization.members
        name = next(iter(member_rules(member)))
        member.post(name, ("nb-1", "NON_COMPLIANT", "root access is Enabled"))
        metadata = organization.custom_metadata(organization.management, MaximumExecutionFrequency="TwentyFour_Hours")
        assert organization.put(organization.management, OrganizationCustomRuleMetadata=metadata, ExcludedAccounts=[leaving.account_id]) == first_arn
        assert list(member_rules(member)) == [name]
        assert member_rules(member)[name]["MaximumExecutionFrequency"] == "TwentyFour_Hours"
        assert results(member, name) == [("nb-1", "NON_COMPLIANT", "root access is Enabled")]
        assert member_rules(leaving) == {}
        described = organization.management.config.describe_organization_config_rules(OrganizationConfigRuleNames=[RULE])
        (rule,) = described["OrganizationConfigRules"]
        assert (rule["ExcludedAccounts"], rule["OrganizationCustomRuleMetadata"]) == ([leaving.account_id], metadata)
        statuses = organization.management.config.get_organization_config_rule_detailed_status(
            OrganizationConfigRuleName=RULE, Filters={"MemberAccountRuleStatus": "UPDATE_SUCCESSFUL"}
        )["OrganizationConfigRuleDetailedStatus"]
        assert sorted(s["AccountId"] for s in statuses) == sorted(a.account_id for a in organization.everyone if a is not leaving)

    def test_delete_removes_every_member_rule(self, organization):
        organization.put(organization.security)
        organization.security.config.delete_organization_config_rule(OrganizationConfigRuleName=RULE)
        assert all(member_rules(account) == {} for account in organization.everyone)
        assert organization.security.config.describe_organization_config_rules()["OrganizationConfigRules"] == []
        code, message = error_of(organization.security.config.delete_organization_config_rule, OrganizationConfigRuleName=RULE)
        assert code == "NoSuchOrganizationConfigRuleException" and RULE in message

    def test_a_rule_is_seen_only_from_the_account_that_created_it(self, organization):
        organization.put(organization.security)
        assert organization.management.config.describe_organization_config_rules()["OrganizationConfigRules"] == []
        code, _ = error_of(organization.management.config.get_organization_config_rule_detailed_status, OrganizationConfigRuleName=RULE)
        assert code == "NoSuchOrganizationConfigRuleException"

    def test_an_account_that_joins_gets_the_rule_and_one_that_leaves_loses_it(self, organization):
        organization.put(organization.security)
        newcomer = join(organization.management, "newcomer")
        (name,) = member_rules(newcomer)
        assert MEMBER_SUFFIX.fullmatch(suffix_of(name))

        def status_of(account_id: str) -> list[tuple[str, str]]:
            statuses = organization.security.config.get_organization_config_rule_detailed_status(
                OrganizationConfigRuleName=RULE, Filters={"AccountId": account_id}
            )["OrganizationConfigRuleDetailedStatus"]
            return [(s["ConfigRuleName"], s["MemberAccountRuleStatus"]) for s in statuses]

        assert status_of(newcomer.account_id) == [(name, "CREATE_SUCCESSFUL")]
        organization.management.session.client("organizations").remove_account_from_organization(AccountId=newcomer.account_id)
        assert member_rules(newcomer) == {}
        assert status_of(newcomer.account_id) == []
        assert all(len(member_rules(account)) == 1 for account in organization.everyone)

    def test_a_member_account_cannot_change_or_delete_its_copy(self, organization):
        organization.put(organization.management)
        member = organization.members[0]
        (name, rule), = member_rules(member).items()
        denied = ("AccessDeniedException", "An AWS service owns ServiceLinkedConfigRule. You do not have permissions to take action on this rule.")
        assert error_of(member.config.delete_config_rule, ConfigRuleName=name) == denied
        changed = {key: rule[key] for key in ("ConfigRuleName", "Source", "Scope")} | {"InputParameters": "{}"}
        assert error_of(member.config.put_config_rule, ConfigRule=changed) == denied
        assert member_rules(member)[name] == rule

    def test_listings_page(self, organization):
        for index in range(3):
            organization.put(organization.management, name=f"rule-{index}")
        pages = organization.management.config.get_paginator("describe_organization_config_rules").paginate(PaginationConfig={"PageSize": 2})
        assert [[r["OrganizationConfigRuleName"] for r in page["OrganizationConfigRules"]] for page in pages] == [["rule-0", "rule-1"], ["rule-2"]]


class TestWhoMayCall:
    def test_a_member_account_is_refused(self, organization):
        member = organization.members[0]
        code, message = error_of(
            member.config.put_organization_config_rule,
            OrganizationConfigRuleName=RULE,
            OrganizationCustomRuleMetadata=organization.custom_metadata(member),
        )
        assert code == "OrganizationAccessDeniedException"
        assert member.account_id in message and "config-multiaccountsetup.amazonaws.com" in message
        for operation, kwargs in (
            ("describe_organization_config_rules", {}),
            ("describe_organization_config_rule_statuses", {}),
            ("get_organization_config_rule_detailed_status", {"OrganizationConfigRuleName": RULE}),
            ("delete_organization_config_rule", {"OrganizationConfigRuleName": RULE}),
        ):
            assert error_of(getattr(member.config, operation), **kwargs)[0] == "OrganizationAccessDeniedException"

    def test_an_aggregator_delegate_is_not_an_organization_rules_delegate(self, organization):
        audit = join(organization.management, "audit")
        organization.management.session.client("organizations").register_delegated_administrator(
            AccountId=audit.account_id, ServicePrincipal=AGGREGATOR_SERVICE_PRINCIPAL
        )
        code, message = error_of(
            audit.config.put_organization_config_rule,
            OrganizationConfigRuleName=RULE,
            OrganizationCustomRuleMetadata=organization.custom_metadata(audit),
        )
        assert (code, audit.account_id in message) == ("OrganizationAccessDeniedException", True)

    def test_no_organization(self, organization):
        outsider = outside(organization, OUTSIDER)
        code, message = error_of(
            outsider.config.put_organization_config_rule,
            OrganizationConfigRuleName=RULE,
            OrganizationCustomRuleMetadata=organization.custom_metadata(outsider),
        )
        assert (code, OUTSIDER in message) == ("NoAvailableOrganizationException", True)

    def test_an_organization_without_all_features(self, organization):
        billing = outside(organization, BILLING_ONLY)
        billing.session.client("organizations").create_organization(FeatureSet="CONSOLIDATED_BILLING")
        assert error_of(
            billing.config.put_organization_config_rule,
            OrganizationConfigRuleName=RULE,
            OrganizationCustomRuleMetadata=organization.custom_metadata(billing),
        )[0] == "OrganizationAllFeaturesNotEnabledException"


@pytest.mark.parametrize(
    ("request_", "code", "says"),
    [
        ({"OrganizationConfigRuleName": "smguard notebook"}, "ValidationException", r"pattern: [A-Za-z0-9-_]+"),
        ({"OrganizationConfigRuleName": "r" * 65}, "ValidationException", "less than or equal to 64"),
        ({"ExcludedAccounts": ["1234"]}, "ValidationException", "excludedAccounts.1.member"),
        ({"metadata": {"OrganizationConfigRuleTriggerTypes": ["ConfigurationSnapshotDeliveryCompleted"]}}, "ValidationException", "organizationConfigRuleTriggerTypes.1.member"),
        ({"metadata": {"MaximumExecutionFrequency": "Daily"}}, "ValidationException", "maximumExecutionFrequency"),
        ({"metadata": {"InputParameters": "{not json"}}, "InvalidParameterValueException", "Invalid json"),
        ({"metadata": {"LambdaFunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:missing"}}, "InsufficientPermissionsException", "function:missing"),
        ({"OrganizationCustomRuleMetadata": None}, "InvalidParameterValueException", "exactly one of"),
        ({"OrganizationManagedRuleMetadata": {"RuleIdentifier": "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"}}, "InvalidParameterValueException", "exactly one of"),
        (
            {"OrganizationCustomRuleMetadata": None, "OrganizationManagedRuleMetadata": {"RuleIdentifier": "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"}},
            "UnsupportedByEmbeddedAWSException",
            "OrganizationCustomRuleMetadata",
        ),
    ],
)
def test_bad_requests_are_refused_and_create_nothing(organization, request_, code, says):
    management = organization.management
    request = {"OrganizationConfigRuleName": RULE, "OrganizationCustomRuleMetadata": organization.custom_metadata(management)}
    request.update({key: value for key, value in request_.items() if key != "metadata"})
    request["OrganizationCustomRuleMetadata"] = request["OrganizationCustomRuleMetadata"] and {
        **request["OrganizationCustomRuleMetadata"], **request_.get("metadata", {})
    }
    request = {key: value for key, value in request.items() if value is not None}
    found_code, message = error_of(management.config.put_organization_config_rule, **request)
    assert (found_code, says in message) == (code, True), message
    assert all(member_rules(account) == {} for account in organization.everyone)


@pytest.mark.parametrize(
    ("operation", "kwargs", "code"),
    [
        ("describe_organization_config_rules", {"OrganizationConfigRuleNames": ["missing"]}, "NoSuchOrganizationConfigRuleException"),
        ("describe_organization_config_rules", {"Limit": 101}, "InvalidLimitException"),
        ("describe_organization_config_rules", {"NextToken": "made-up"}, "InvalidNextTokenException"),
        ("describe_organization_config_rules", {"OrganizationConfigRuleNames": [f"r{i}" for i in range(26)]}, "ValidationException"),
        ("describe_organization_config_rule_statuses", {"OrganizationConfigRuleNames": ["missing"]}, "NoSuchOrganizationConfigRuleException"),
        ("get_organization_config_rule_detailed_status", {"OrganizationConfigRuleName": "missing"}, "NoSuchOrganizationConfigRuleException"),
        ("get_organization_config_rule_detailed_status", {"OrganizationConfigRuleName": RULE, "Filters": {"MemberAccountRuleStatus": "DONE"}}, "ValidationException"),
        ("get_organization_config_rule_detailed_status", {"OrganizationConfigRuleName": RULE, "Filters": {"AccountId": "42"}}, "ValidationException"),
        ("delete_organization_config_rule", {"OrganizationConfigRuleName": "missing"}, "NoSuchOrganizationConfigRuleException"),
    ],
)
def test_read_and_delete_errors(organization, operation, kwargs, code):
    organization.put(organization.management)
    assert error_of(getattr(organization.management.config, operation), **kwargs)[0] == code


class TestOrganizationAggregator:
    def aggregate(self, account: Account, **kwargs) -> list[tuple[str, str, str]]:
        pages = account.config.get_paginator("describe_aggregate_compliance_by_config_rules").paginate(
            ConfigurationAggregatorName="smguard-organization", **kwargs
        )
        return sorted(
            (r["AccountId"], r["ConfigRuleName"], r["Compliance"]["ComplianceType"])
            for page in pages
            for r in page["AggregateComplianceByConfigRules"]
        )

    def test_the_delegated_administrator_aggregates_every_member_rule(self, organization):
        organization.put(organization.security)
        expected = []
        for index, member in enumerate(organization.members):
            name = next(iter(member_rules(member)))
            member.post(name, (f"nb-{index}", "NON_COMPLIANT", "root access is Enabled"))
            expected.append((member.account_id, name, "NON_COMPLIANT"))
        organization.security.config.put_configuration_aggregator(
            ConfigurationAggregatorName="smguard-organization",
            OrganizationAggregationSource={"RoleArn": f"arn:aws:iam::{organization.security.account_id}:role/aggregator", "AwsRegions": [REGION]},
        )
        assert self.aggregate(organization.security) == sorted(expected)
        member, name = organization.members[1], expected[1][1]
        details = organization.security.config.get_aggregate_compliance_details_by_config_rule(
            ConfigurationAggregatorName="smguard-organization", ConfigRuleName=name, AccountId=member.account_id, AwsRegion=REGION
        )["AggregateEvaluationResults"]
        assert [(d["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"], d["ComplianceType"], d["Annotation"]) for d in details] == [
            ("nb-1", "NON_COMPLIANT", "root access is Enabled")
        ]

    def test_a_member_account_may_not_aggregate_the_organization(self, organization):
        member = organization.members[0]
        code, message = error_of(
            member.config.put_configuration_aggregator,
            ConfigurationAggregatorName="smguard-organization",
            OrganizationAggregationSource={"RoleArn": f"arn:aws:iam::{member.account_id}:role/aggregator", "AllAwsRegions": True},
        )
        assert code == "OrganizationAccessDeniedException" and "config.amazonaws.com" in message
