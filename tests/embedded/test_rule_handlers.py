"""A real rule handler posts outside TestMode and the results come back: in-process and over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from smguard.rules.notebook_root_access.app import lambda_handler
from smguard.deploy.naming import CONFORMANCE_PACK_NAME, names
from smguard.embedded import install, result_token
from smguard.embedded.server import embedded_server
from smguard.embedded.stack import DeployedRule, deploy_config_rules, pack_rule_names
from smguard.engine.handler import SHARED_CLIENTS
from tests.embedded.conftest import ACCOUNT, OTHER_ACCOUNT, REGION, assumed_session
from tests.support.events import change_event, configuration_item

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
ROOT = "notebook_root_access"
ROOT_ENABLED = "RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance)."


def notebook(name: str, root_access: str, account_id: str = ACCOUNT) -> dict:
    item = configuration_item(NOTEBOOK, name, {"NotebookInstanceName": name, "RootAccess": root_access})
    item["awsAccountId"] = account_id
    return item


def deploy(session: boto3.Session, account_id: str, **parameters: str) -> DeployedRule:
    """The rule's Config rule (or organization rule), as template.yaml deploys it with ``parameters``."""
    [deployed] = deploy_config_rules(session, parameters, account_id=account_id, rules=(ROOT,))
    return deployed


def in_aws(session: boto3.Session) -> str:
    """The rule's name in ``session``'s account, as its conformance pack created it."""
    return pack_rule_names(session.client("config"))[ROOT]


def evaluate(item: dict, account_id: str, config_rule: str, **parameters: str) -> None:
    """Invoke the rule's handler as Config does, as ``config_rule`` of ``account_id``."""
    event = change_event(
        item,
        result_token=result_token(config_rule, account_id=account_id, region=REGION),
        rule_name=config_rule,
        parameters=parameters or None,
    )
    event["accountId"] = account_id
    lambda_handler(event, None)


def stored(config, config_rule: str) -> list[tuple[str, str, str]]:
    pages = config.get_paginator("get_compliance_details_by_config_rule").paginate(ConfigRuleName=config_rule)
    return [
        (r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"], r["ComplianceType"], r["Annotation"])
        for page in pages
        for r in page["EvaluationResults"]
    ]


def test_in_process(aws):
    install()
    session = boto3.Session(region_name=REGION)
    deploy(session, ACCOUNT)
    rule = in_aws(session)
    assert rule.startswith(f"{names(ROOT).config_rule}-conformance-pack-")
    evaluate(notebook("open", "Enabled"), ACCOUNT, rule)
    evaluate(notebook("locked", "Disabled"), ACCOUNT, rule)
    assert stored(session.client("config"), rule) == [
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
    deploy(main, ACCOUNT)
    deploy(member, OTHER_ACCOUNT)
    member.client("config").put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
    main.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        AccountAggregationSources=[{"AccountIds": [ACCOUNT, OTHER_ACCOUNT], "AwsRegions": [REGION]}],
    )

    main_rule, member_rule = in_aws(main), in_aws(member)

    evaluate(notebook("open", "Enabled"), ACCOUNT, main_rule)
    # Organization mode: the handler assumes ExecutionRoleName in the member account and posts there.
    evaluate(notebook("member-locked", "Disabled", OTHER_ACCOUNT), OTHER_ACCOUNT, member_rule, ExecutionRoleName="smguard-member")

    config = main.client("config")
    assert stored(config, main_rule) == [("open", "NON_COMPLIANT", ROOT_ENABLED)]
    assert stored(member.client("config"), member_rule) == [("member-locked", "COMPLIANT", "RootAccess is Disabled.")]
    rows = config.describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName="organization")
    assert [(r["AccountId"], r["ConfigRuleName"], r["Compliance"]["ComplianceType"]) for r in rows["AggregateComplianceByConfigRules"]] == [
        (ACCOUNT, main_rule, "NON_COMPLIANT"),
        (OTHER_ACCOUNT, member_rule, "COMPLIANT"),
    ]


def test_over_http_with_organization_rules(server):
    """template.yaml's organization mode: the organization conformance pack, its copy in a member
    account, the handler posting to that copy's rule, an organization aggregator reporting it."""
    management = boto3.Session(region_name=REGION)
    organizations = management.client("organizations")
    organization_id = organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    member_id = organizations.create_account(AccountName="data-science", Email="ds@example.com")["CreateAccountStatus"]["AccountId"]
    member = assumed_session(management, member_id, REGION)
    deployed = deploy(
        management,
        ACCOUNT,
        DeploymentScope="Organization",
        OrganizationId=organization_id,
        StackSetTargetOuIds=organizations.list_roots()["Roots"][0]["Id"],
        ExecutionRoleName="smguard-member",
    )
    config = management.client("config")
    statuses = config.get_organization_conformance_pack_detailed_status(OrganizationConformancePackName=CONFORMANCE_PACK_NAME)
    packs = {s["AccountId"]: s["Status"] for s in statuses["OrganizationConformancePackDetailedStatuses"]}
    assert deployed.organization and packs == {ACCOUNT: "CREATE_SUCCESSFUL", member_id: "CREATE_SUCCESSFUL"}
    [member_pack] = member.client("config").describe_conformance_packs()["ConformancePackDetails"]
    copies = {member_id: in_aws(member)}
    assert copies[member_id] == names(ROOT).pack_rule(member_pack["ConformancePackId"].rpartition("-")[2])

    evaluate(notebook("member-open", "Enabled", member_id), member_id, copies[member_id], ExecutionRoleName="smguard-member")

    assert stored(member.client("config"), copies[member_id]) == [("member-open", "NON_COMPLIANT", ROOT_ENABLED)]
    config.put_configuration_aggregator(
        ConfigurationAggregatorName="smguard-organization",
        OrganizationAggregationSource={"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/smguard-aggregator", "AllAwsRegions": True},
    )
    rows = config.describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName="smguard-organization")
    assert [(r["AccountId"], r["ConfigRuleName"], r["Compliance"]["ComplianceType"]) for r in rows["AggregateComplianceByConfigRules"]] == [
        (member_id, copies[member_id], "NON_COMPLIANT")
    ]
