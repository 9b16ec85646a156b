"""`smguard evaluate --source config` and `--aggregator`: the Describe path's results, from what AWS Config recorded.

The demo organization (as `smguard demo --serve --organization` builds it: management, security and
two workload accounts, each recording with AWS Config, an organization aggregator in the security
account) is built once on an embedded AWS server in this process, counted at the server.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from smguard.cli.main import cli
from smguard.demo.organization import AGGREGATOR, build_organization
from smguard.demo.recording import record_organization
from smguard.embedded import install
from smguard.embedded.recorded_config import record
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from smguard.engine.handler import SHARED_CLIENTS
from smguard.resources import resource_types
from smguard.sweep import recorded as recorded_source
from tests.support.moto_server import CountingMotoServer

REGION = "us-east-1"
DOMAIN = "AWS::SageMaker::Domain"


def not_queryable_in_scope() -> int:
    """The rules' types that advanced query does not answer for: each is listed and batch-read (one call
    each for fewer than 100 resources), since the demo holds resources of every type."""
    from smguard.catalogue import discover

    in_scope = {t for entry in discover() for t in entry.rule.resource_types}
    return sum(1 for name, definition in resource_types().items() if name in in_scope and not definition.queryable)


@dataclass
class Organization:
    server: CountingMotoServer
    accounts: dict[str, dict[str, str]]
    """Account id -> the environment variables that act in it (management, security, workloads)."""
    security_id: str
    workloads: list[str]


@pytest.fixture(scope="module")
def organization() -> Iterator[Organization]:
    install()
    server = CountingMotoServer().start()
    saved = {name: value for name, value in os.environ.items() if name.startswith("AWS_")}
    os.environ.update(
        AWS_ENDPOINT_URL=server.url, AWS_ACCESS_KEY_ID="management", AWS_SECRET_ACCESS_KEY="management",
        AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION,
    )
    try:
        management = boto3.Session(region_name=REGION)
        built = build_organization(management, datetime.now(timezone.utc))
        record_organization(management, built)
        accounts = {account: _environment(server.url, session) for account, session in built.sessions.items()}
        accounts[built.management_account_id] = _environment(server.url, management)
        yield Organization(server, accounts, built.security.account_id, sorted(built.workloads.values()))
    finally:
        server.stop()
        for name in [name for name in os.environ if name.startswith("AWS_")]:
            del os.environ[name]
        os.environ.update(saved)
        SHARED_CLIENTS.clear()
        SHARED_EXEMPTION_REGISTERS.clear()


def _environment(url: str, session: boto3.Session) -> dict[str, str]:
    credentials = session.get_credentials().get_frozen_credentials()
    environment = {"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": credentials.access_key, "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
                   "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION}
    if credentials.token:
        environment["AWS_SESSION_TOKEN"] = credentials.token
    return environment


def run(environment: dict[str, str], *args: str) -> Any:
    SHARED_CLIENTS.clear()
    return CliRunner().invoke(cli, ["evaluate", *args, "--format", "json"], env={"AWS_SESSION_TOKEN": None, **environment}, catch_exceptions=False)


def describe_rows(organization: Organization, account: str) -> list[dict[str, str]]:
    result = run(organization.accounts[account])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, str]] = json.loads(result.stdout)
    assert {row["account_id"] for row in rows} == {account}
    return rows


READ_WITH_DESCRIBE = "(read with DescribeNotebookInstance)"
NOT_RECORDED = "notebook_platform"
"""The rule whose settings AWS Config does not record (the platform, IMDS): from recorded items it reads
them with DescribeNotebookInstance in the caller's own account, and says so; an aggregator, which
assumes no role, cannot, so its results there are a reported gap."""


def comparable(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows without the annotations of the rule whose settings are read with Describe, which say
    so in the recorded path (the results themselves must be equal)."""
    return [{**row, "annotation": "(notebook settings)"} if row["rule"] == NOT_RECORDED else row for row in rows]


def by_account(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        found.setdefault(row["account_id"], []).append(row)
    return found


def test_the_aggregator_gives_the_describe_paths_results_for_every_account(organization):
    expected = {account: describe_rows(organization, account) for account in organization.accounts}
    organization.server.requests.reset()

    result = run(organization.accounts[organization.security_id], "--aggregator", AGGREGATOR)

    assert result.exit_code == 5, result.output  # the notebook settings no account's recorder records
    assert by_account(json.loads(result.stdout)) == {
        account: [row for row in rows if row["rule"] != NOT_RECORDED] for account, rows in expected.items()
    }
    assert f"a rule reads sagemaker for facts the recorded items of {organization.workloads[0]} {REGION} lack" in result.stderr
    assert {row["region"] for rows in expected.values() for row in rows} == {REGION}
    workload = expected[organization.workloads[0]]
    assert {row["compliance"] for row in workload} == {"COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"}
    # Nothing reaches a member account (SageMaker, EC2, KMS, STS): the aggregator answers everything.
    assert dict(organization.server.requests.counts) == {
        ("config", "DescribeConfigurationAggregatorSourcesStatus"): 1,
        ("config", "SelectAggregateResourceConfig"): 1 + 1,  # the recorders' items, then every item in scope (< 100)
        ("config", "ListAggregateDiscoveredResources"): not_queryable_in_scope(),
        ("config", "BatchGetAggregateResourceConfig"): not_queryable_in_scope(),
    }


def test_source_config_gives_the_describe_paths_results_in_one_account(organization):
    account = organization.workloads[1]
    expected = describe_rows(organization, account)
    organization.server.requests.reset()

    result = run(organization.accounts[account], "--source", "config")

    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert comparable(rows) == comparable(expected)
    assert all(READ_WITH_DESCRIBE in row["annotation"] for row in rows if row["rule"] == NOT_RECORDED)
    assert not any(READ_WITH_DESCRIBE in row["annotation"] for row in expected)
    notebooks = len({row["resource_id"] for row in expected if row["rule"] == NOT_RECORDED})
    counts = dict(organization.server.requests.counts)
    assert counts == {
        ("config", "DescribeConfigurationRecorders"): 1,
        ("config", "DescribeConfigurationRecorderStatus"): 1,
        ("config", "SelectResourceConfig"): 1,  # fewer than 100 items: one page
        ("sagemaker", "DescribeNotebookInstance"): notebooks,  # what the recorder does not record
        ("config", "ListDiscoveredResources"): not_queryable_in_scope(),
        ("config", "BatchGetResourceConfig"): not_queryable_in_scope(),
        ("sts", "GetCallerIdentity"): 1,
    }


def session_of(organization: Organization, account: str) -> boto3.Session:
    variables = organization.accounts[account]
    return boto3.Session(
        aws_access_key_id=variables["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=variables["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=variables.get("AWS_SESSION_TOKEN"),
        region_name=REGION,
    )


def test_a_parameter_change_is_tried_across_the_organization_before_deploying_it(organization):
    """The dry run docs/evaluate-recorded.md describes: the rule with the changed parameter, on every
    account at once, gives what the Describe path gives in each account with the same parameter,
    KMS key state included (from the recorded AWS::KMS::Key items)."""
    account = organization.workloads[0]
    session = session_of(organization, account)
    kms = session.client("kms", endpoint_url=organization.server.url)
    [key] = [k["KeyId"] for k in kms.list_keys()["Keys"]]
    kms.disable_key(KeyId=key)
    os.environ["AWS_ENDPOINT_URL"] = organization.server.url
    record(session)
    try:
        change = ("--rules", "sagemaker_kms", "--param", "sagemaker_kms.RequireCustomerManagedKey=true")
        expected = [row for each in sorted(organization.accounts) for row in json.loads(run(organization.accounts[each], *change).stdout)]

        result = run(organization.accounts[organization.security_id], "--aggregator", AGGREGATOR, *change)

        assert result.exit_code == 0, result.output
        assert by_account(json.loads(result.stdout)) == by_account(expected)
        disabled = [row for row in expected if "is in state Disabled; use an Enabled customer managed key." in row["annotation"]]
        assert disabled and {row["account_id"] for row in disabled} == {account}
        assert {row["compliance"] for row in disabled} == {"NON_COMPLIANT"}
    finally:
        kms.enable_key(KeyId=key)
        record(session)


def test_types_advanced_query_does_not_answer_are_listed_and_batch_read(organization, monkeypatch):
    """A type declared not queryable is read with ListAggregateDiscoveredResources and
    BatchGetAggregateResourceConfig (the embedded AWS refuses to Select it), with the same results."""
    security = organization.accounts[organization.security_id]
    expected = json.loads(run(security, "--aggregator", AGGREGATOR, "--rules", "notebook_root_access").stdout)
    monkeypatch.setattr(type(resource_types()["AWS::SageMaker::NotebookInstance"]), "queryable", False)
    monkeypatch.setattr(recorded_source, "PAGE_SIZE", 2)  # several pages and batches with a handful of notebooks
    organization.server.requests.reset()

    result = run(security, "--aggregator", AGGREGATOR, "--rules", "notebook_root_access")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == expected
    counts = organization.server.requests.counts
    notebooks = len(expected)
    assert counts[("config", "BatchGetAggregateResourceConfig")] == -(-notebooks // 2)
    assert counts[("config", "ListAggregateDiscoveredResources")] == -(-notebooks // 2)


def test_a_type_an_account_does_not_record_is_reported_never_a_silent_pass(organization):
    account = organization.workloads[0]
    session = session_of(organization, account)
    config = session.client("config", endpoint_url=organization.server.url)
    recorder = config.describe_configuration_recorders()["ConfigurationRecorders"][0]
    config.put_configuration_recorder(
        ConfigurationRecorder={
            **recorder,
            "recordingGroup": {
                "allSupported": False,
                "exclusionByResourceTypes": {"resourceTypes": [DOMAIN]},
                "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
            },
        }
    )
    os.environ["AWS_ENDPOINT_URL"] = organization.server.url
    record(session)
    try:
        result = run(organization.accounts[organization.security_id], "--aggregator", AGGREGATOR, "--rules", "studio_domain_vpc_only,notebook_root_access")

        assert result.exit_code == 5, result.output
        rows = json.loads(result.stdout)
        assert not [row for row in rows if row["account_id"] == account and row["resource_type"] == DOMAIN]
        assert [row for row in rows if row["account_id"] == organization.workloads[1] and row["resource_type"] == DOMAIN]
        assert [row for row in rows if row["account_id"] == account and row["rule"] == "notebook_root_access"]
        assert (
            f"NOT EVALUATED in {account} {REGION}: {DOMAIN} is not recorded in {account} {REGION} (rules studio_domain_vpc_only)"
            in result.stderr.replace("\n", " ")
        )
    finally:
        config.put_configuration_recorder(ConfigurationRecorder=recorder)
        record(session)


def test_aggregator_and_describe_source_are_exclusive(organization):
    result = run(organization.accounts[organization.security_id], "--aggregator", AGGREGATOR, "--source", "describe")

    assert result.exit_code == 2
    assert "--aggregator reads what AWS Config recorded; it cannot be used with --source describe" in result.output
