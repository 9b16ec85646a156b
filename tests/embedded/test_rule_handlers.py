"""A real rule handler posts outside TestMode and the results come back: in-process and over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from smguard.rules.notebook_root_access.app import lambda_handler
from smguard.catalogue import load
from smguard.deploy.naming import names
from smguard.embedded import install, result_token
from smguard.embedded.config_rules import deploy_rule
from smguard.embedded.server import embedded_server
from smguard.engine.handler import SHARED_CLIENTS
from tests.embedded.conftest import ACCOUNT, OTHER_ACCOUNT, REGION, assumed_session
from tests.support.events import change_event, configuration_item

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
RULE = names("notebook_root_access").config_rule
ROOT_ENABLED = "RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance)."


def notebook(name: str, root_access: str, account_id: str = ACCOUNT) -> dict:
    item = configuration_item(NOTEBOOK, name, {"NotebookInstanceName": name, "RootAccess": root_access})
    item["awsAccountId"] = account_id
    return item


def evaluate(item: dict, account_id: str = ACCOUNT, **parameters: str) -> None:
    event = change_event(
        item,
        result_token=result_token(RULE, account_id=account_id, region=REGION),
        rule_name=RULE,
        parameters=parameters or None,
    )
    event["accountId"] = account_id
    lambda_handler(event, None)


def stored(config) -> list[tuple[str, str, str]]:
    pages = config.get_paginator("get_compliance_details_by_config_rule").paginate(ConfigRuleName=RULE)
    return [
        (r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"], r["ComplianceType"], r["Annotation"])
        for page in pages
        for r in page["EvaluationResults"]
    ]


def test_in_process(aws):
    install()
    session = boto3.Session(region_name=REGION)
    deploy_rule(session, load("notebook_root_access"))
    evaluate(notebook("open", "Enabled"))
    evaluate(notebook("locked", "Disabled"))
    assert stored(session.client("config")) == [
        ("locked", "COMPLIANT", "RootAccess is Disabled."),
        ("open", "NON_COMPLIANT", ROOT_ENABLED),
    ]


@pytest.fixture
def server(monkeypatch) -> Iterator[str]:
    """A moto server on 127.0.0.1 that every boto3 client of the test (and the handlers) talks to."""
    with embedded_server() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        SHARED_CLIENTS.clear()
        yield endpoint
    SHARED_CLIENTS.clear()


def test_over_http_with_an_organization_aggregator(server):
    main = boto3.Session(region_name=REGION)
    member = assumed_session(main, OTHER_ACCOUNT, REGION)
    rule = load("notebook_root_access")
    deploy_rule(main, rule)
    deploy_rule(member, rule)
    member.client("config").put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
    main.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        AccountAggregationSources=[{"AccountIds": [ACCOUNT, OTHER_ACCOUNT], "AwsRegions": [REGION]}],
    )

    evaluate(notebook("open", "Enabled"))
    # Organization mode: the handler assumes ExecutionRoleName in the member account and posts there.
    evaluate(notebook("member-locked", "Disabled", OTHER_ACCOUNT), OTHER_ACCOUNT, ExecutionRoleName="smguard-member")

    config = main.client("config")
    assert stored(config) == [("open", "NON_COMPLIANT", ROOT_ENABLED)]
    assert stored(member.client("config")) == [("member-locked", "COMPLIANT", "RootAccess is Disabled.")]
    rows = config.describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName="organization")
    assert [(r["AccountId"], r["ConfigRuleName"], r["Compliance"]["ComplianceType"]) for r in rows["AggregateComplianceByConfigRules"]] == [
        (ACCOUNT, RULE, "NON_COMPLIANT"),
        (OTHER_ACCOUNT, RULE, "COMPLIANT"),
    ]
