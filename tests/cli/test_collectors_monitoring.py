"""Describe responses of the types of issue 13 as AWS Config records them, in each type's module."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import boto3

from smguard.demo.environment import DemoBase
from smguard.resources.types import (
    feature_group,
    inference_experiment,
    model_explainability_job_definition,
    model_quality_job_definition,
    monitoring_schedule,
)
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import SilentProgress

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
ROLE = "arn:aws:iam::123456789012:role/ds-monitoring"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CLUSTER = {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 20, "VolumeKmsKeyId": KEY}}
OUTPUT = {"MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://ds/out", "LocalPath": "/opt/ml/processing/output"}}], "KmsKeyId": KEY}


def test_a_job_definition_drops_its_arn_time_and_an_empty_baseline():
    response = {
        "JobDefinitionArn": "arn:aws:sagemaker:us-east-1:123456789012:model-explainability-job-definition/fraud-x",
        "JobDefinitionName": "fraud-x",
        "CreationTime": WHEN,
        "ModelExplainabilityBaselineConfig": {},
        "ModelExplainabilityAppSpecification": {"ImageUri": "img", "ConfigUri": "s3://ds/config.json"},
        "ModelExplainabilityJobInput": {"EndpointInput": {"EndpointName": "fraud", "LocalPath": "/opt/ml/processing/input"}},
        "ModelExplainabilityJobOutputConfig": OUTPUT,
        "JobResources": CLUSTER,
        "NetworkConfig": {"EnableNetworkIsolation": True},
        "RoleArn": ROLE,
    }

    resource, arn = model_explainability_job_definition.TYPE.recorded(response)

    assert (resource.resource_type, resource.resource_id, arn) == (
        "AWS::SageMaker::ModelExplainabilityJobDefinition",
        "fraud-x",
        "arn:aws:sagemaker:us-east-1:123456789012:model-explainability-job-definition/fraud-x",
    )
    assert resource.configuration == {
        "JobDefinitionName": "fraud-x",
        "JobResources": CLUSTER,
        "NetworkConfig": {"EnableNetworkIsolation": True},
        "RoleArn": ROLE,
        "ModelExplainabilityAppSpecification": {"ImageUri": "img", "ConfigUri": "s3://ds/config.json"},
        "ModelExplainabilityJobInput": {"EndpointInput": {"EndpointName": "fraud", "LocalPath": "/opt/ml/processing/input"}},
        "ModelExplainabilityJobOutputConfig": OUTPUT,
    }


def test_job_definitions_are_listed_by_their_monitoring_name_and_described_by_their_name(aws):
    """ListModelQualityJobDefinitions names each MonitoringJobDefinitionName; Describe takes JobDefinitionName."""
    session = boto3.Session(region_name="us-east-1")
    base = DemoBase("123456789012", "us-east-1", ROLE, KEY, "ds", "vpc-0a", ["subnet-0a"], "sg-0a")
    job = model_quality_job_definition.TYPE
    for name in ("fraud-quality", "churn-quality"):
        job.example(session, base, name, compliant=name.startswith("fraud"), EndpointName="fraud")

    with ThreadPoolExecutor(max_workers=2) as pool:
        described = job.describe(SweepClients(session), pool, SilentProgress())

    assert sorted((resource.resource_id, "NetworkConfig" in resource.configuration, arn) for resource, arn in described) == [
        ("churn-quality", False, "arn:aws:sagemaker:us-east-1:123456789012:model-quality-job-definition/churn-quality"),
        ("fraud-quality", True, "arn:aws:sagemaker:us-east-1:123456789012:model-quality-job-definition/fraud-quality"),
    ]


def test_a_monitoring_schedule_keeps_its_configuration_not_its_state():
    config = {"MonitoringJobDefinitionName": "fraud-quality", "MonitoringType": "ModelQuality"}
    response = {
        "MonitoringScheduleArn": "arn:aws:sagemaker:us-east-1:123456789012:monitoring-schedule/weekly",
        "MonitoringScheduleName": "weekly",
        "MonitoringScheduleStatus": "Scheduled",
        "MonitoringType": "ModelQuality",
        "CreationTime": WHEN,
        "LastModifiedTime": WHEN,
        "MonitoringScheduleConfig": config,
        "EndpointName": "fraud",
    }

    resource, _ = monitoring_schedule.TYPE.recorded(response)

    assert (resource.resource_id, resource.configuration) == (
        "weekly",
        {"MonitoringScheduleName": "weekly", "MonitoringScheduleConfig": config, "EndpointName": "fraud"},
    )


def test_a_feature_group_keeps_both_stores_and_drops_status_and_paging():
    online = {"EnableOnlineStore": True, "SecurityConfig": {"KmsKeyId": KEY}}
    offline = {"S3StorageConfig": {"S3Uri": "s3://fs/customers", "KmsKeyId": KEY, "ResolvedOutputS3Uri": "s3://fs/customers/x"}}
    response = {
        "FeatureGroupArn": "arn:aws:sagemaker:us-east-1:123456789012:feature-group/customers",
        "FeatureGroupName": "customers",
        "RecordIdentifierFeatureName": "id",
        "EventTimeFeatureName": "t",
        "FeatureDefinitions": [{"FeatureName": "id", "FeatureType": "String"}],
        "CreationTime": WHEN,
        "OnlineStoreConfig": online,
        "OfflineStoreConfig": offline,
        "RoleArn": ROLE,
        "FeatureGroupStatus": "Created",
        "OfflineStoreStatus": {"Status": "Active"},
        "NextToken": "",
    }

    resource, arn = feature_group.TYPE.recorded(response)

    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:feature-group/customers"
    assert resource.configuration == {
        "FeatureGroupName": "customers",
        "RecordIdentifierFeatureName": "id",
        "EventTimeFeatureName": "t",
        "FeatureDefinitions": [{"FeatureName": "id", "FeatureType": "String"}],
        "OnlineStoreConfig": online,
        "OfflineStoreConfig": offline,
        "RoleArn": ROLE,
    }


def test_an_inference_experiment_records_its_endpoint_under_cloudformations_name():
    response = {
        "Arn": "arn:aws:sagemaker:us-east-1:123456789012:inference-experiment/shadow",
        "Name": "shadow",
        "Type": "ShadowMode",
        "Status": "Running",
        "CreationTime": WHEN,
        "RoleArn": ROLE,
        "EndpointMetadata": {"EndpointName": "fraud", "EndpointStatus": "InService"},
        "ModelVariants": [{"ModelName": "m", "VariantName": "v", "InfrastructureConfig": {}, "Status": "InService"}],
        "KmsKey": KEY,
    }

    resource, arn = inference_experiment.TYPE.recorded(response)

    assert (resource.resource_id, arn) == ("shadow", "arn:aws:sagemaker:us-east-1:123456789012:inference-experiment/shadow")
    assert resource.configuration == {
        "Name": "shadow",
        "Type": "ShadowMode",
        "RoleArn": ROLE,
        "ModelVariants": [{"ModelName": "m", "VariantName": "v", "InfrastructureConfig": {}, "Status": "InService"}],
        "KmsKey": KEY,
        "EndpointName": "fraud",
    }
