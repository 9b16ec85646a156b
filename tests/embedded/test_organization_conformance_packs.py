"""The embedded AWS's organization conformance packs: member packs in every account, their rules and
scores there, what member accounts may not do, accounts joining and leaving."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from smguard.deploy.naming import ORGANIZATION_PACK_MEMBER_PREFIX
from smguard.embedded.conformance_packs import CONFORMS_SERVICE_PRINCIPAL
from smguard.embedded.organizations import ORGANIZATION_RULES_SERVICE_PRINCIPAL
from tests.embedded.conftest import REGION, Account
from tests.embedded.test_config_compliance import error_of
from tests.embedded.test_conformance_packs import (
    DEFAULT_SG,
    NOTEBOOK,
    PACK,
    ROOT_ACCESS,
    body,
    inputs,
    pack_template,
    post,
    rules_by_declared,
    score,
)
from tests.embedded.test_organization_rules import Organization, join, shared_organization  # noqa: F401 (a fixture)


@pytest.fixture
def organization(shared_organization: Organization) -> Iterator[Organization]:  # noqa: F811
    """The shared organization, without organization conformance packs once the test is done."""
    yield shared_organization
    for deployer in (shared_organization.management, shared_organization.security):
        for pack in deployer.config.describe_organization_conformance_packs()["OrganizationConformancePacks"]:
            deployer.config.delete_organization_conformance_pack(OrganizationConformancePackName=pack["OrganizationConformancePackName"])
    for account in shared_organization.everyone:
        assert account.raw.conformance_errors() == []
        assert member_packs(account) == {}
        assert rules_by_declared(account) == {}


def put(organization: Organization, deployer: Account, **kwargs) -> str:
    return deployer.config.put_organization_conformance_pack(
        OrganizationConformancePackName=PACK, TemplateBody=body(pack_template()), ConformancePackInputParameters=inputs(deployer), **kwargs
    )["OrganizationConformancePackArn"]


def member_packs(account: Account) -> dict[str, dict]:
    return {pack["ConformancePackName"]: pack for pack in account.config.describe_conformance_packs()["ConformancePackDetails"]}


def member_pack(account: Account) -> str:
    [name] = member_packs(account)
    assert re.fullmatch(rf"{ORGANIZATION_PACK_MEMBER_PREFIX}{PACK}-[a-z0-9]{{8}}", name), name
    return name


def detailed(organization: Organization, deployer: Account, **filters) -> list[tuple[str, str, str]]:
    statuses = deployer.config.get_organization_conformance_pack_detailed_status(OrganizationConformancePackName=PACK, Filters=filters)
    return [(s["AccountId"], s["ConformancePackName"], s["Status"]) for s in statuses["OrganizationConformancePackDetailedStatuses"]]


class TestPutOrganizationConformancePack:
    def test_every_account_gets_a_member_pack_whose_rules_invoke_the_deployers_functions(self, organization):
        arn = put(organization, organization.security)
        assert re.fullmatch(rf"arn:aws:config:{REGION}:{organization.security.account_id}:organization-conformance-pack/{PACK}-[a-z0-9]{{8}}", arn)
        function = inputs(organization.security)[0]["ParameterValue"]
        for account in organization.everyone:
            name = member_pack(account)
            assert member_packs(account)[name]["CreatedBy"] == ORGANIZATION_RULES_SERVICE_PRINCIPAL
            rules = rules_by_declared(account)
            assert sorted(rules) == [ROOT_ACCESS, DEFAULT_SG]
            assert (rules[ROOT_ACCESS]["CreatedBy"], rules[ROOT_ACCESS]["Source"]["SourceIdentifier"]) == (CONFORMS_SERVICE_PRINCIPAL, function)
            [configuration] = account.config.describe_remediation_configurations(ConfigRuleNames=[rules[ROOT_ACCESS]["ConfigRuleName"]])[
                "RemediationConfigurations"
            ]
            # Each member account interprets the template with its own account id.
            assert configuration["Parameters"]["AutomationAssumeRole"]["StaticValue"]["Values"] == [
                f"arn:aws:iam::{account.account_id}:role/smguard-notebook-root-access-remediation-{REGION}"
            ]
        assert sorted(detailed(organization, organization.security)) == sorted(
            (account.account_id, member_pack(account), "CREATE_SUCCESSFUL") for account in organization.everyone
        )
        [status] = organization.security.config.describe_organization_conformance_pack_statuses()["OrganizationConformancePackStatuses"]
        assert (status["OrganizationConformancePackName"], status["Status"]) == (PACK, "CREATE_SUCCESSFUL")

    def test_excluded_accounts_get_none_and_an_update_follows_the_exclusions(self, organization):
        excluded = organization.members[0]
        put(organization, organization.management, ExcludedAccounts=[excluded.account_id])
        assert member_packs(excluded) == {}
        kept = {account.account_id: member_pack(account) for account in organization.everyone if account is not excluded}
        [described] = organization.management.config.describe_organization_conformance_packs()["OrganizationConformancePacks"]
        assert described["ExcludedAccounts"] == [excluded.account_id]
        put(organization, organization.management)
        assert {account.account_id: member_pack(account) for account in organization.everyone if account is not excluded} == kept
        assert detailed(organization, organization.management, AccountId=excluded.account_id) == [
            (excluded.account_id, member_pack(excluded), "CREATE_SUCCESSFUL")
        ]
        assert detailed(organization, organization.management, Status="UPDATE_SUCCESSFUL") == sorted(
            (account_id, name, "UPDATE_SUCCESSFUL") for account_id, name in kept.items()
        )

    def test_member_accounts_score_their_own_results(self, organization):
        put(organization, organization.security)
        member, other = organization.members
        rule = rules_by_declared(member)[ROOT_ACCESS]["ConfigRuleName"]
        post(member, rule, NOTEBOOK, ("nb-1", "COMPLIANT"), ("nb-2", "NON_COMPLIANT"), ("nb-3", "NON_COMPLIANT"), ("nb-4", "NON_COMPLIANT"))
        assert (score(member, member_pack(member)), score(other, member_pack(other))) == ("25.00", "INSUFFICIENT_DATA")

    def test_an_account_that_joins_gets_the_member_pack_and_one_that_leaves_loses_it(self, organization):
        put(organization, organization.security)
        newcomer = join(organization.management, "pack-newcomer")
        name = member_pack(newcomer)
        assert detailed(organization, organization.security, AccountId=newcomer.account_id) == [(newcomer.account_id, name, "CREATE_SUCCESSFUL")]
        organization.management.session.client("organizations").remove_account_from_organization(AccountId=newcomer.account_id)
        assert (member_packs(newcomer), rules_by_declared(newcomer)) == ({}, {})
        assert detailed(organization, organization.security, AccountId=newcomer.account_id) == []

    def test_a_member_pack_that_cannot_be_deployed_fails_in_that_account_only(self, organization):
        template = pack_template()
        remediation = template["Resources"]["NotebookRootAccessRemediation"]["Properties"]
        remediation["TargetId"] = "smguard-OwnRunbook"  # an Automation document only the management account has
        organization.management.session.client("ssm").create_document(
            Name="smguard-OwnRunbook",
            DocumentType="Automation",
            DocumentFormat="JSON",
            Content='{"schemaVersion": "0.3", "parameters": {}, "mainSteps": []}',
        )
        organization.management.config.put_organization_conformance_pack(
            OrganizationConformancePackName=PACK, TemplateBody=body(template), ConformancePackInputParameters=inputs(organization.management)
        )
        [status] = organization.management.config.describe_organization_conformance_pack_statuses()["OrganizationConformancePackStatuses"]
        assert status["Status"] == "CREATE_FAILED"
        statuses = organization.management.config.get_organization_conformance_pack_detailed_status(OrganizationConformancePackName=PACK)[
            "OrganizationConformancePackDetailedStatuses"
        ]
        by_account = {s["AccountId"]: s for s in statuses}
        assert by_account[organization.management.account_id]["Status"] == "CREATE_SUCCESSFUL"
        failed = by_account[organization.members[0].account_id]
        assert (failed["Status"], failed["ErrorCode"], failed["ErrorMessage"]) == (
            "CREATE_FAILED",
            "InvalidParameterValueException",
            "NotebookRootAccessRemediation: InvalidParameterValueException: The SSM document smguard-OwnRunbook does not exist in this account.",
        )
        assert rules_by_declared(organization.members[0]) == {}


    def test_a_template_it_cannot_deploy_is_refused_before_any_account_changes(self, organization):
        template = pack_template()
        template["Resources"]["Bucket"] = {"Type": "AWS::S3::Bucket"}
        assert error_of(
            organization.security.config.put_organization_conformance_pack,
            OrganizationConformancePackName=PACK,
            TemplateBody=body(template),
            ConformancePackInputParameters=inputs(organization.security),
            ExcludedAccounts=["12345"],
        ) == (
            "ValidationException",
            "1 validation error detected: Value '12345' at 'excludedAccounts.1.member' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: \\d{12}",
        )
        assert error_of(
            organization.security.config.put_organization_conformance_pack,
            OrganizationConformancePackName=PACK,
            TemplateBody=body(template),
            ConformancePackInputParameters=inputs(organization.security),
        ) == (
            "OrganizationConformancePackTemplateValidationException",
            "TemplateBody: Resources.Bucket has Type AWS::S3::Bucket; a conformance pack template holds only "
            "AWS::Config::ConfigRule and AWS::Config::RemediationConfiguration",
        )
        assert organization.security.config.describe_organization_conformance_packs()["OrganizationConformancePacks"] == []


class TestWhatMembersMayNotDo:
    def test_a_member_cannot_change_or_delete_its_member_pack_or_call_the_organization_apis(self, organization):
        put(organization, organization.management)
        member = organization.members[0]
        name = member_pack(member)
        denied = (
            "AccessDeniedException",
            f"An AWS service ({ORGANIZATION_RULES_SERVICE_PRINCIPAL}) owns the conformance pack {name}. "
            "You do not have permissions to take action on this conformance pack.",
        )
        assert error_of(member.config.delete_conformance_pack, ConformancePackName=name) == denied
        assert error_of(member.config.put_conformance_pack, ConformancePackName=name, TemplateBody=body(pack_template()), ConformancePackInputParameters=inputs(member)) == denied
        rule = rules_by_declared(member)[ROOT_ACCESS]["ConfigRuleName"]
        assert error_of(member.config.delete_config_rule, ConfigRuleName=rule)[0] == "AccessDeniedException"
        code, message = error_of(
            member.config.put_organization_conformance_pack, OrganizationConformancePackName=PACK, TemplateBody=body(pack_template())
        )
        assert (code, member.account_id in message) == ("OrganizationAccessDeniedException", True)
        assert error_of(member.config.delete_organization_conformance_pack, OrganizationConformancePackName=PACK)[0] == "OrganizationAccessDeniedException"
        assert member_pack(member) == name

    def test_a_pack_is_seen_only_from_the_account_that_created_it(self, organization):
        put(organization, organization.security)
        assert organization.management.config.describe_organization_conformance_packs()["OrganizationConformancePacks"] == []
        assert error_of(organization.management.config.delete_organization_conformance_pack, OrganizationConformancePackName=PACK) == (
            "NoSuchOrganizationConformancePackException",
            f"The organization conformance pack(s) {PACK} do not exist in this account and region; "
            "organization conformance packs are seen only from the account that created them.",
        )
