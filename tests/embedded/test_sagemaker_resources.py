"""The embedded AWS's monitoring schedules, inference experiments and feature groups, through real boto3 clients.

Every successful response of these operations is checked against botocore's output shapes.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
import botocore.session
import pytest
from moto import mock_aws

from smguard.demo.environment import DemoBase
from smguard.embedded import install
from smguard.resources.types import feature_group, inference_experiment, monitoring_schedule
from tests.embedded.shapes import shape_errors
from tests.embedded.test_config_compliance import error_of

SAGEMAKER_MODEL = botocore.session.get_session().get_service_model("sagemaker")
ADDED = frozenset(
    f"{verb}{noun}"
    for noun in ("MonitoringSchedule", "InferenceExperiment", "FeatureGroup")
    for verb in ("Create", "Describe")
) | {"ListMonitoringSchedules", "ListInferenceExperiments", "ListFeatureGroups"}
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BASE = DemoBase("123456789012", "us-east-1", "arn:aws:iam::123456789012:role/ds", KEY, "ds-logs", "vpc-0a", ["subnet-0a"], "sg-0a")


class Recorded:
    def __init__(self) -> None:
        self.session = boto3.Session(region_name="us-east-1")
        self.client = self.session.client("sagemaker")
        self.bodies: list[tuple[str, int, dict]] = []
        self.client.meta.events.register("before-parse.sagemaker.*", self._record)

    def _record(self, operation_model, response_dict, **_) -> None:
        body = response_dict["body"]
        self.bodies.append((operation_model.name, response_dict["status_code"], json.loads(body) if body else {}))

    def conformance_errors(self) -> list[str]:
        return [
            f"{name} {error}"
            for name, status, body in self.bodies
            if status == 200 and name in ADDED
            for error in shape_errors(body, SAGEMAKER_MODEL.operation_model(name).output_shape)
        ]


@pytest.fixture
def sagemaker():
    install()
    with mock_aws():
        recorded = Recorded()
        yield recorded
        assert recorded.conformance_errors() == []


def test_a_monitoring_schedule_is_described_as_created_and_listed(sagemaker):
    monitoring_schedule.TYPE.example(sagemaker.session, BASE, "fraud-daily", compliant=True, EndpointName="fraud")
    monitoring_schedule.TYPE.example(sagemaker.session, BASE, "fraud-weekly", compliant=True, MonitoringJobDefinitionName="fraud-quality", MonitoringType="ModelQuality")

    described = sagemaker.client.describe_monitoring_schedule(MonitoringScheduleName="fraud-daily")
    summaries = sagemaker.client.list_monitoring_schedules()["MonitoringScheduleSummaries"]

    assert (described["MonitoringScheduleStatus"], described["MonitoringType"], described["EndpointName"]) == ("Scheduled", "DataQuality", "fraud")
    assert described["MonitoringScheduleArn"] == "arn:aws:sagemaker:us-east-1:123456789012:monitoring-schedule/fraud-daily"
    assert described["MonitoringScheduleConfig"]["MonitoringJobDefinition"]["NetworkConfig"]["EnableNetworkIsolation"] is True
    assert [(s["MonitoringScheduleName"], s.get("MonitoringJobDefinitionName"), s["MonitoringType"]) for s in summaries] == [
        ("fraud-daily", None, "DataQuality"),
        ("fraud-weekly", "fraud-quality", "ModelQuality"),
    ]


def test_a_second_schedule_of_the_same_name_is_refused(sagemaker):
    monitoring_schedule.TYPE.example(sagemaker.session, BASE, "fraud-daily", compliant=False, EndpointName="fraud")
    assert error_of(monitoring_schedule.TYPE.example, session=sagemaker.session, base=BASE, name="fraud-daily", compliant=False, EndpointName="fraud") == (
        "ResourceInUse",
        "Monitoring schedule fraud-daily already exists in this account and region.",
    )


def test_an_unknown_monitoring_type_is_refused(sagemaker):
    assert error_of(
        sagemaker.client.create_monitoring_schedule,
        MonitoringScheduleName="odd",
        MonitoringScheduleConfig={"MonitoringJobDefinitionName": "dq", "MonitoringType": "DataDrift"},
    ) == (
        "ValidationException",
        "1 validation error detected: Value 'DataDrift' at 'monitoringScheduleConfig.monitoringType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [DataQuality, ModelQuality, ModelBias, ModelExplainability]",
    )


def test_describing_what_does_not_exist_is_resource_not_found(sagemaker):
    assert [
        error_of(sagemaker.client.describe_monitoring_schedule, MonitoringScheduleName="gone"),
        error_of(sagemaker.client.describe_inference_experiment, Name="gone"),
        error_of(sagemaker.client.describe_feature_group, FeatureGroupName="gone"),
    ] == [
        ("ResourceNotFound", "Monitoring schedule gone does not exist."),
        ("ResourceNotFound", "Inference experiment gone does not exist."),
        ("ResourceNotFound", "Feature group gone does not exist."),
    ]


def test_an_inference_experiment_runs_at_once_unless_scheduled(sagemaker):
    inference_experiment.TYPE.example(sagemaker.session, BASE, "now", compliant=True, EndpointName="fraud", ModelName="m", ShadowModelName="m2")
    later = {"StartTime": datetime.now(timezone.utc) + timedelta(days=1), "EndTime": datetime.now(timezone.utc) + timedelta(days=8)}
    inference_experiment.TYPE.example(sagemaker.session, BASE, "later", compliant=False, EndpointName="fraud", ModelName="m", ShadowModelName="m2", Schedule=later)

    now = sagemaker.client.describe_inference_experiment(Name="now")
    listed = sagemaker.client.list_inference_experiments()["InferenceExperiments"]

    assert (now["Status"], now["EndpointMetadata"], now["KmsKey"], now["DataStorageConfig"]["KmsKey"]) == ("Running", {"EndpointName": "fraud"}, KEY, KEY)
    assert [(e["Name"], e["Status"]) for e in listed] == [("later", "Created"), ("now", "Running")]


def test_a_feature_group_keeps_its_online_store_and_resolves_its_offline_store(sagemaker):
    feature_group.TYPE.example(sagemaker.session, BASE, "customers", compliant=True)

    described = sagemaker.client.describe_feature_group(FeatureGroupName="customers")

    assert described["OnlineStoreConfig"] == {"EnableOnlineStore": True, "SecurityConfig": {"KmsKeyId": KEY}}
    storage = described["OfflineStoreConfig"]["S3StorageConfig"]
    assert (storage["KmsKeyId"], storage["ResolvedOutputS3Uri"].split("/offline-store/")[0]) == (
        KEY,
        "s3://ds-logs/feature-store/customers/123456789012/sagemaker/us-east-1",
    )
    assert (described["FeatureGroupStatus"], described["OfflineStoreStatus"]) == ("Created", {"Status": "Active"})


def test_a_feature_group_with_only_an_in_memory_online_store_has_no_offline_status(sagemaker):
    sagemaker.client.create_feature_group(
        FeatureGroupName="sessions",
        RecordIdentifierFeatureName="id",
        EventTimeFeatureName="t",
        FeatureDefinitions=[{"FeatureName": "id", "FeatureType": "String"}, {"FeatureName": "t", "FeatureType": "String"}],
        OnlineStoreConfig={"EnableOnlineStore": True, "StorageType": "InMemory"},
    )
    described = sagemaker.client.describe_feature_group(FeatureGroupName="sessions")
    assert ("OfflineStoreConfig" in described, "OfflineStoreStatus" in described, described["OnlineStoreConfig"]["StorageType"]) == (False, False, "InMemory")


def test_a_feature_group_needs_a_store(sagemaker):
    request = {
        "FeatureGroupName": "nothing",
        "RecordIdentifierFeatureName": "id",
        "EventTimeFeatureName": "t",
        "FeatureDefinitions": [{"FeatureName": "id", "FeatureType": "String"}, {"FeatureName": "t", "FeatureType": "String"}],
    }
    assert error_of(sagemaker.client.create_feature_group, **request) == (
        "ValidationException",
        "You must include at least one of OnlineStoreConfig and OfflineStoreConfig to create a FeatureGroup.",
    )


def test_lists_page_in_name_order_within_aws_limits(sagemaker):
    for name in ("c-features", "a-features", "b-features"):
        feature_group.TYPE.example(sagemaker.session, BASE, name, compliant=True)

    pages = sagemaker.client.get_paginator("list_feature_groups").paginate(PaginationConfig={"PageSize": 1})

    assert [[g["FeatureGroupName"] for g in page["FeatureGroupSummaries"]] for page in pages] == [["a-features"], ["b-features"], ["c-features"]]
    assert error_of(sagemaker.client.list_feature_groups, MaxResults=101) == (
        "ValidationException",
        "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    )


def test_a_list_filter_the_embedded_aws_does_not_implement_is_refused_not_ignored(sagemaker):
    assert error_of(sagemaker.client.list_monitoring_schedules, EndpointName="fraud", SortBy="Name") == (
        "ValidationException",
        "The embedded AWS does not implement EndpointName, SortBy of this List call; call it without them (every "
        "resource is listed, in name order).",
    )
