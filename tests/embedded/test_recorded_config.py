"""The embedded AWS's recorded state: what its recorder records, and the queries smguard reads it with,
with AWS's limits (Config API reference: SelectResourceConfig, SelectAggregateResourceConfig,
ListDiscoveredResources, BatchGetResourceConfig and their aggregate forms). Every successful
response is also checked against botocore's output shapes (``account`` fixture)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from smguard.embedded.recorded_config import record
from smguard.resources import resource_types
from tests.embedded.conftest import ACCOUNT, OTHER_ACCOUNT, REGION, Account, assumed_session

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ds"
SELECT_NOTEBOOKS = f"SELECT resourceId, configuration WHERE resourceType = '{NOTEBOOK}'"
UNVALIDATED = Config(parameter_validation=False)
"""A client that sends what the SDK would refuse, to see what the service itself answers."""


def start_recorder(session: boto3.Session, group: dict | None = None, start: bool = True) -> None:
    config = session.client("config")
    account_id = session.client("sts").get_caller_identity()["Account"]
    config.put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{account_id}:role/config", "recordingGroup": group or {"allSupported": True}}
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-history"})
    if start:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def notebooks(session: boto3.Session, count: int, prefix: str = "nb") -> None:
    sagemaker = session.client("sagemaker")
    for index in range(count):
        sagemaker.create_notebook_instance(NotebookInstanceName=f"{prefix}-{index:03}", InstanceType="ml.t3.medium", RoleArn=ROLE)


def selected(account: Account, expression: str = SELECT_NOTEBOOKS, **kwargs) -> list[list[dict]]:
    pages = account.config.get_paginator("select_resource_config").paginate(Expression=expression, **kwargs)
    return [[json.loads(result) for result in page["Results"]] for page in pages]


def error_of(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


class TestRecording:
    def test_an_account_without_a_recorder_records_nothing(self, account):
        notebooks(account.session, 2)

        assert record(account.session) == 0
        assert selected(account) == [[]]

    def test_a_stopped_recorder_records_only_its_own_item(self, account):
        notebooks(account.session, 2)
        start_recorder(account.session, start=False)

        assert record(account.session) == 1
        [[recorder]] = selected(account, "SELECT resourceId, configuration WHERE resourceType = 'AWS::Config::ConfigurationRecorder'")
        assert recorder["resourceId"] == "default"
        assert recorder["configuration"]["Recording"] is False
        assert selected(account) == [[]]

    def test_an_excluded_type_is_not_recorded_and_the_others_are(self, account):
        notebooks(account.session, 2)
        start_recorder(
            account.session,
            {"allSupported": False, "exclusionByResourceTypes": {"resourceTypes": ["AWS::EC2::VPC"]}, "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}},
        )
        record(account.session)

        assert [item["resourceId"] for page in selected(account) for item in page] == ["nb-000", "nb-001"]
        assert selected(account, "SELECT resourceId WHERE resourceType = 'AWS::EC2::VPC'") == [[]]
        assert account.config.list_discovered_resources(resourceType="AWS::EC2::VPC")["resourceIdentifiers"] == []

    def test_items_are_the_recorded_shape(self, account):
        notebooks(account.session, 1)
        start_recorder(account.session)
        record(account.session)

        [[item]] = selected(account, "SELECT accountId, awsRegion, resourceType, resourceId, arn, configuration WHERE resourceId = 'nb-000'")
        configuration = item.pop("configuration")
        assert item == {
            "accountId": ACCOUNT,
            "awsRegion": REGION,
            "resourceType": NOTEBOOK,
            "resourceId": "nb-000",
            "arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/nb-000",
        }
        assert {key: configuration[key] for key in ("NotebookInstanceName", "InstanceType", "RoleArn")} == {
            "NotebookInstanceName": "nb-000", "InstanceType": "ml.t3.medium", "RoleArn": ROLE,
        }
        item["configuration"] = configuration
        assert "SecurityGroups" not in item["configuration"]  # renamed SecurityGroupIds, as Config records it


class TestSelectResourceConfig:
    @pytest.fixture
    def recorded(self, account):
        notebooks(account.session, 130)
        start_recorder(account.session)
        record(account.session)
        return account

    def test_pages_of_25_by_default_and_up_to_100(self, recorded):
        assert [len(page) for page in selected(recorded)] == [25] * 5 + [5]
        assert [len(page) for page in selected(recorded, PaginationConfig={"PageSize": 100})] == [100, 30]
        assert [i["resourceId"] for page in selected(recorded, PaginationConfig={"PageSize": 100}) for i in page] == [
            f"nb-{index:03}" for index in range(130)
        ]

    def test_a_limit_over_100_is_refused(self, recorded):
        config = recorded.session.client("config", config=UNVALIDATED)
        assert error_of(config.select_resource_config, Expression=SELECT_NOTEBOOKS, Limit=101)[0] == "InvalidLimitException"

    @pytest.mark.parametrize("length", [0, 4097])
    def test_an_expression_outside_1_to_4096_characters_is_refused(self, recorded, length):
        expression = (SELECT_NOTEBOOKS + " " * length)[:length]
        config = recorded.session.client("config", config=UNVALIDATED)
        code, message = error_of(config.select_resource_config, Expression=expression)
        assert code == "ValidationException"
        assert "'expression' failed to satisfy constraint" in message

    def test_an_expression_of_4096_characters_is_answered(self, recorded):
        padding = 4096 - len(SELECT_NOTEBOOKS)
        assert len(selected(recorded, SELECT_NOTEBOOKS + " " * padding, PaginationConfig={"PageSize": 100})[0]) == 100

    def test_a_type_advanced_query_does_not_answer_is_refused(self, recorded, monkeypatch):
        monkeypatch.setattr(type(resource_types()[NOTEBOOK]), "queryable", False)
        code, message = error_of(recorded.config.select_resource_config, Expression=SELECT_NOTEBOOKS)
        assert code == "InvalidExpressionException"
        assert message.startswith(f"{NOTEBOOK} is not supported by advanced query")
        # ... and read instead with the listing and the batch get.
        keys = recorded.config.list_discovered_resources(resourceType=NOTEBOOK, limit=100)["resourceIdentifiers"]
        items = recorded.config.batch_get_resource_config(resourceKeys=[{"resourceType": NOTEBOOK, "resourceId": k["resourceId"]} for k in keys])
        assert len(keys) == len(items["baseConfigurationItems"]) == 100
        assert json.loads(items["baseConfigurationItems"][0]["configuration"])["NotebookInstanceName"] == "nb-000"

    @pytest.mark.parametrize(
        "expression",
        [
            "SELECT * WHERE resourceType = 'AWS::SageMaker::NotebookInstance'",
            "SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket'",
            "SELECT resourceId WHERE resourceType LIKE 'AWS::SageMaker::%'",
            "SELECT nothing WHERE resourceType = 'AWS::SageMaker::NotebookInstance'",
        ],
    )
    def test_what_the_embedded_aws_does_not_understand_is_refused(self, recorded, expression):
        assert error_of(recorded.config.select_resource_config, Expression=expression)[0] == "InvalidExpressionException"

    def test_a_next_token_it_did_not_issue_is_refused(self, recorded):
        first = recorded.config.select_resource_config(Expression=SELECT_NOTEBOOKS, Limit=10)
        other = "SELECT resourceId WHERE resourceType = 'AWS::SageMaker::NotebookInstance'"
        assert error_of(recorded.config.select_resource_config, Expression=other, NextToken=first["NextToken"])[0] == "InvalidNextTokenException"
        assert error_of(recorded.config.select_resource_config, Expression=SELECT_NOTEBOOKS, NextToken="made-up")[0] == "InvalidNextTokenException"


class TestBatchGet:
    def test_more_than_100_keys_is_refused_and_unknown_keys_are_left_out(self, account):
        notebooks(account.session, 1)
        start_recorder(account.session)
        record(account.session)
        config = account.session.client("config", config=UNVALIDATED)
        keys = [{"resourceType": NOTEBOOK, "resourceId": f"nb-{index:03}"} for index in range(101)]

        assert error_of(config.batch_get_resource_config, resourceKeys=keys)[0] == "ValidationException"
        found = config.batch_get_resource_config(resourceKeys=keys[:100])["baseConfigurationItems"]
        assert [item["resourceId"] for item in found] == ["nb-000"]


class TestAggregate:
    @pytest.fixture
    def aggregated(self, account):
        """Two accounts recording, an account aggregator in the first that the second authorised."""
        other = assumed_session(account.session, OTHER_ACCOUNT, REGION)
        for session, prefix in ((account.session, "main"), (other, "other")):
            notebooks(session, 3, prefix)
            start_recorder(session)
            record(session)
        other.client("config").put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
        account.config.put_configuration_aggregator(
            ConfigurationAggregatorName="both",
            AccountAggregationSources=[{"AccountIds": [ACCOUNT, OTHER_ACCOUNT], "AwsRegions": [REGION]}],
        )
        return account

    def test_every_source_account_and_region_is_answered(self, aggregated):
        pages = aggregated.config.get_paginator("select_aggregate_resource_config").paginate(
            ConfigurationAggregatorName="both", Expression=f"SELECT accountId, resourceId WHERE resourceType = '{NOTEBOOK}'"
        )
        found = [json.loads(result) for page in pages for result in page["Results"]]
        assert [(item["accountId"], item["resourceId"]) for item in found] == [
            *((ACCOUNT, f"main-{i:03}") for i in range(3)),
            *((OTHER_ACCOUNT, f"other-{i:03}") for i in range(3)),
        ]
        statuses = aggregated.config.describe_configuration_aggregator_sources_status(ConfigurationAggregatorName="both")
        assert [(s["SourceId"], s["AwsRegion"], s["SourceType"]) for s in statuses["AggregatedSourceStatusList"]] == [
            (ACCOUNT, REGION, "ACCOUNT"),
            (OTHER_ACCOUNT, REGION, "ACCOUNT"),
        ]

    def test_listing_and_batch_get_through_the_aggregator(self, aggregated):
        identifiers = aggregated.config.list_aggregate_discovered_resources(
            ConfigurationAggregatorName="both", ResourceType=NOTEBOOK, Filters={"AccountId": OTHER_ACCOUNT}
        )["ResourceIdentifiers"]
        assert [i["ResourceId"] for i in identifiers] == [f"other-{i:03}" for i in range(3)]
        items = aggregated.config.batch_get_aggregate_resource_config(
            ConfigurationAggregatorName="both",
            ResourceIdentifiers=[{k: i[k] for k in ("SourceAccountId", "SourceRegion", "ResourceId", "ResourceType")} for i in identifiers],
        )
        assert [(i["accountId"], i["resourceId"]) for i in items["BaseConfigurationItems"]] == [(OTHER_ACCOUNT, f"other-{i:03}") for i in range(3)]

    def test_an_unknown_aggregator_is_refused(self, aggregated):
        code, _ = error_of(aggregated.config.select_aggregate_resource_config, ConfigurationAggregatorName="nope", Expression=SELECT_NOTEBOOKS)
        assert code == "NoSuchConfigurationAggregatorException"

    def test_an_unauthorised_account_is_not_read(self, aggregated):
        other = assumed_session(aggregated.session, OTHER_ACCOUNT, REGION)
        other.client("config").delete_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
        pages = aggregated.config.get_paginator("select_aggregate_resource_config").paginate(
            ConfigurationAggregatorName="both", Expression=f"SELECT accountId WHERE resourceType = '{NOTEBOOK}'"
        )
        assert {json.loads(result)["accountId"] for page in pages for result in page["Results"]} == {ACCOUNT}
