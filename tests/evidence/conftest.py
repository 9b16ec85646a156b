"""A small regulated account in the embedded AWS, evaluated by the real rule handlers.

template.yaml's conformance pack is deployed (:func:`deploy_config_rules`: every smguard rule, as
``smguard-<rule>-conformance-pack-<suffix>``); four notebooks are evaluated by two rules' real
``lambda_handler`` with result tokens Config would issue, one with an approved exemption from the
central register. The results land in the embedded Config, from where the export reads them back
through the real boto3 calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

import boto3
import pytest
from moto import mock_aws

from smguard.catalogue import load
from smguard.deploy.naming import names, resource_name
from smguard.embedded import install, result_token
from smguard.embedded.organizations import AGGREGATOR_SERVICE_PRINCIPAL, ORGANIZATION_RULES_SERVICE_PRINCIPAL
from smguard.embedded.stack import DeployedRule, deploy_config_rules, pack_rule_names
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from smguard.engine.handler import SHARED_CLIENTS
from tests.support.events import change_event, configuration_item
from tests.support.functions import placeholder_function

ACCOUNT = "123456789012"
MEMBER = "222222222222"
REGION = "us-east-1"
NOTEBOOK = "AWS::SageMaker::NotebookInstance"
RULES = ("notebook_direct_internet", "notebook_root_access")
EXEMPTIONS_PARAMETER = "/smguard/exemptions"
INVOKED_AT = datetime(2026, 11, 20, 10, 16, tzinfo=timezone.utc)
REGISTER = {
    "version": 1,
    "exemptions": [
        {
            "rule": "notebook_root_access",
            "resource": "nb-vendor",
            "reason": "Vendor agent install needs root until the hardened image ships.",
            "approver": "jane.doe@bank.example",
            "ticket": "SEC-1234",
            "expires": "2099-03-31",
        }
    ],
}
NOTEBOOKS = {
    "nb-locked": {"RootAccess": "Disabled", "DirectInternetAccess": "Disabled"},
    "nb-open": {"RootAccess": "Enabled", "DirectInternetAccess": "Enabled"},
    "nb-vendor": {"RootAccess": "Enabled", "DirectInternetAccess": "Disabled"},
}


def pack_rule(session: boto3.Session, rule: str) -> str:
    """``rule``'s name in ``session``'s account, as the account's smguard conformance pack created it."""
    found = pack_rule_names(session.client("config"))
    if rule not in found:
        raise LookupError(f"no smguard conformance pack of the account holds {rule} (it holds {', '.join(sorted(found)) or 'none'})")
    return found[rule]


@dataclass
class World:
    session: boto3.Session
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))
    """Before any result was recorded (to the second: ResultRecordedTime keeps milliseconds)."""
    _pack_rules: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def rule_name(self, rule: str, account_id: str = ACCOUNT) -> str:
        """``rule``'s name in ``account_id``, as the account's smguard conformance pack created it.

        Read once per account and rule, when first asked: the management account of an organization
        later also holds a copy of the organization pack, and this stays the name of its own pack's rule."""
        if (account_id, rule) not in self._pack_rules:
            session = self.session if account_id == ACCOUNT else member_session(self.session, account_id)
            self._pack_rules[(account_id, rule)] = pack_rule(session, rule)
        return self._pack_rules[(account_id, rule)]

    def evaluate(
        self,
        rule: str,
        name: str,
        configuration: dict | None,
        *,
        account_id: str = ACCOUNT,
        status: str = "OK",
        config_rule_name: str | None = None,
    ) -> None:
        """Invoke ``rule``'s real handler as Config does for one notebook change, as the Config rule
        ``config_rule_name`` of ``account_id`` (default: the rule of the account's smguard conformance pack)."""
        config_rule_name = config_rule_name or self.rule_name(rule, account_id)
        item = configuration_item(NOTEBOOK, name, {"NotebookInstanceName": name, **(configuration or {})}, status=status)
        judge_notebook(rule, item, config_rule_name, account_id, INVOKED_AT)


def judge_notebook(rule: str, item: dict, config_rule_name: str, account_id: str, invoked_at: datetime) -> None:
    """Invoke ``rule``'s real handler as Config does for the notebook change ``item`` of ``account_id``,
    as its Config rule ``config_rule_name`` (organization mode, through the execution role, in a member account)."""
    item["awsAccountId"] = account_id
    parameters = {"ExemptionsParameterName": EXEMPTIONS_PARAMETER}
    if account_id != ACCOUNT:
        parameters["ExecutionRoleName"] = "smguard-member"
    event = change_event(
        item,
        parameters=parameters,
        rule_name=config_rule_name,
        result_token=result_token(config_rule_name, account_id=account_id, region=REGION, invoked_at=invoked_at),
    )
    event["accountId"] = account_id
    load(rule).handler(event, None)


def deploy(session: boto3.Session, account_id: str = ACCOUNT, **parameters: str) -> list[DeployedRule]:
    """template.yaml's conformance pack (the organization conformance pack with
    ``DeploymentScope="Organization"``) in ``session``'s account, deployed with ``parameters`` and the
    register's name; the result names the two rules the tests evaluate."""
    return deploy_config_rules(
        session, {"ExemptionsParameterName": EXEMPTIONS_PARAMETER, **parameters}, account_id=account_id, rules=RULES
    )


def put_standalone_rule(session: boto3.Session, config_rule_name: str, function_name: str) -> None:
    """A custom Config rule on notebook changes that no conformance pack created, invoking a
    placeholder function ``function_name``: a rule of a deployment from before smguard deployed its
    rules in a conformance pack, or of another smguard version (template.yaml deploys only the pack)."""
    session.client("config").put_config_rule(
        ConfigRule={
            "ConfigRuleName": config_rule_name,
            "Scope": {"ComplianceResourceTypes": [NOTEBOOK]},
            "Source": {
                "Owner": "CUSTOM_LAMBDA",
                "SourceIdentifier": placeholder_function(session, function_name),
                "SourceDetails": [{"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"}],
            },
        }
    )


def standalone_rules(session: boto3.Session, rules: tuple[str, ...] = RULES) -> dict[str, str]:
    """``rules`` deployed in ``session``'s account as standalone Config rules named
    ``smguard-<rule>``, as smguard deployed them before its conformance pack; rule -> the name."""
    for rule in rules:
        put_standalone_rule(session, names(rule).config_rule, resource_name(rule))
    return {rule: names(rule).config_rule for rule in rules}


def member_session(session: boto3.Session, account_id: str = MEMBER) -> boto3.Session:
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/smguard-member", RoleSessionName="smguard-test"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def build_world() -> World:
    """The account after one evaluation of every notebook by both rules, plus a deleted notebook."""
    session = boto3.Session(region_name=REGION)
    session.client("ssm").put_parameter(Name=EXEMPTIONS_PARAMETER, Value=json.dumps(REGISTER), Type="String")
    deploy(session)
    world = World(session)
    for rule in RULES:
        for name, configuration in NOTEBOOKS.items():
            world.evaluate(rule, name, configuration)
    world.evaluate("notebook_root_access", "nb-gone", None, status="ResourceDeleted")
    return world


@pytest.fixture
def world(aws) -> Iterator[World]:
    install()
    SHARED_EXEMPTION_REGISTERS.clear()
    yield build_world()
    SHARED_EXEMPTION_REGISTERS.clear()


@pytest.fixture
def organization(world: World) -> World:
    """``world`` plus a member account evaluated in organization mode and an aggregator over both."""
    member = member_session(world.session)
    deploy(member, MEMBER)
    member.client("config").put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
    world.session.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        AccountAggregationSources=[{"AccountIds": [ACCOUNT, MEMBER], "AwsRegions": [REGION]}],
    )
    world.evaluate("notebook_root_access", "nb-member-open", {"RootAccess": "Enabled"}, account_id=MEMBER)
    world.evaluate("notebook_root_access", "nb-member-locked", {"RootAccess": "Disabled"}, account_id=MEMBER)
    return world


@dataclass
class Organization:
    """An organization deployed as template.yaml's organization mode does it."""

    world: World
    security: boto3.Session
    security_id: str
    members: dict[str, boto3.Session]
    """Member account id -> a session in it, in id order."""
    copies: dict[tuple[str, str], str]
    """(security or member account id, rule) -> the rule the account's copy of the organization
    conformance pack (``OrgConformsPack-smguard-<suffix>``) created there."""


ORGANIZATION_AGGREGATOR = "smguard-organization"


def build_organization(world: World) -> Organization:
    """``world``'s account as management account of an organization whose security account (a Config
    delegated administrator) deployed the organization conformance pack and an organization
    aggregator; two member accounts evaluated by the rules of their copies of the pack. The
    management account gets a copy of the pack too, next to its own (``world``'s) pack."""
    organizations = world.session.client("organizations")
    organization_id = organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]

    def join(name: str) -> str:
        return organizations.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]

    security_id = join("security")
    for principal in (ORGANIZATION_RULES_SERVICE_PRINCIPAL, AGGREGATOR_SERVICE_PRINCIPAL):
        organizations.register_delegated_administrator(AccountId=security_id, ServicePrincipal=principal)
    security = member_session(world.session, security_id)
    members = {account_id: member_session(world.session, account_id) for account_id in sorted((join("data-science"), join("analytics")))}
    deploy(
        security,
        security_id,
        DeploymentScope="Organization",
        OrganizationId=organization_id,
        StackSetTargetOuIds=organizations.list_roots()["Roots"][0]["Id"],
        ExecutionRoleName="smguard-member",
    )
    copies = {(account_id, rule): world.rule_name(rule, account_id) for account_id in (security_id, *members) for rule in RULES}
    security.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName=ORGANIZATION_AGGREGATOR,
        OrganizationAggregationSource={"RoleArn": f"arn:aws:iam::{security_id}:role/smguard-aggregator", "AwsRegions": [REGION]},
    )
    first, second = members
    for account_id, name, configuration in (
        (first, "nb-first-open", {"RootAccess": "Enabled", "DirectInternetAccess": "Disabled"}),
        (first, "nb-first-locked", {"RootAccess": "Disabled", "DirectInternetAccess": "Disabled"}),
        (second, "nb-second-open", {"RootAccess": "Enabled", "DirectInternetAccess": "Enabled"}),
    ):
        for rule in RULES:
            world.evaluate(rule, name, configuration, account_id=account_id, config_rule_name=copies[(account_id, rule)])
    return Organization(world, security, security_id, members, copies)


@pytest.fixture
def organization_rules(world: World) -> Organization:
    """An organization of the test's own, for tests that change it."""
    return build_organization(world)


@pytest.fixture(scope="class")
def shared_organization_rules() -> Iterator[Organization]:
    """One organization for a class of tests that only read it (building one takes seconds)."""
    install()
    SHARED_CLIENTS.clear()
    SHARED_EXEMPTION_REGISTERS.clear()
    with mock_aws():
        yield build_organization(build_world())
    SHARED_CLIENTS.clear()
    SHARED_EXEMPTION_REGISTERS.clear()
