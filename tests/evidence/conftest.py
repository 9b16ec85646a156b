"""A small regulated account in the embedded AWS, evaluated by the real rule handlers.

Two smguard rules are deployed as template.yaml would (moto's PutConfigRule); four notebooks are
evaluated by each rule's real ``lambda_handler`` with result tokens Config would issue, one with
an approved exemption from the central register. The results land in the embedded Config, from
where the export reads them back through the real boto3 calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

import boto3
import pytest

from smguard.catalogue import load
from smguard.embedded import install, result_token
from smguard.embedded.config_rules import config_rule_name, deploy_rule
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from tests.support.events import change_event, configuration_item

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


@dataclass
class World:
    session: boto3.Session
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))
    """Before any result was recorded (to the second: ResultRecordedTime keeps milliseconds)."""

    def evaluate(self, rule: str, name: str, configuration: dict | None, *, account_id: str = ACCOUNT, status: str = "OK") -> None:
        """Invoke ``rule``'s real handler as Config does for one notebook change."""
        item = configuration_item(NOTEBOOK, name, {"NotebookInstanceName": name, **(configuration or {})}, status=status)
        item["awsAccountId"] = account_id
        parameters = {"ExemptionsParameterName": EXEMPTIONS_PARAMETER}
        if account_id != ACCOUNT:
            parameters["ExecutionRoleName"] = "smguard-member"
        event = change_event(
            item,
            parameters=parameters,
            rule_name=config_rule_name(load(rule)),
            result_token=result_token(config_rule_name(load(rule)), account_id=account_id, region=REGION, invoked_at=INVOKED_AT),
        )
        event["accountId"] = account_id
        load(rule).handler(event, None)


def member_session(session: boto3.Session) -> boto3.Session:
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{MEMBER}:role/smguard-member", RoleSessionName="smguard-test"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


@pytest.fixture
def world(aws) -> Iterator[World]:
    """The account after one evaluation of every notebook by both rules, plus a deleted notebook."""
    install()
    SHARED_EXEMPTION_REGISTERS.clear()
    session = boto3.Session(region_name=REGION)
    session.client("ssm").put_parameter(Name=EXEMPTIONS_PARAMETER, Value=json.dumps(REGISTER), Type="String")
    for rule in RULES:
        deploy_rule(session, load(rule))
    world = World(session)
    for rule in RULES:
        for name, configuration in NOTEBOOKS.items():
            world.evaluate(rule, name, configuration)
    world.evaluate("notebook_root_access", "nb-gone", None, status="ResourceDeleted")
    yield world
    SHARED_EXEMPTION_REGISTERS.clear()


@pytest.fixture
def organization(world: World) -> World:
    """``world`` plus a member account evaluated in organization mode and an aggregator over both."""
    member = member_session(world.session)
    for rule in RULES:
        deploy_rule(member, load(rule))
    member.client("config").put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
    world.session.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        AccountAggregationSources=[{"AccountIds": [ACCOUNT, MEMBER], "AwsRegions": [REGION]}],
    )
    world.evaluate("notebook_root_access", "nb-member-open", {"RootAccess": "Enabled"}, account_id=MEMBER)
    world.evaluate("notebook_root_access", "nb-member-locked", {"RootAccess": "Disabled"}, account_id=MEMBER)
    return world
