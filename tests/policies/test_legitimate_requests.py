"""What the SageMaker Python SDK actually sends, per action: none of it may be refused.

Each request below is what an SDK call sends when the user configures the compliant options, and
so which condition keys its request context carries (a key is present only if the SDK puts the
field in the request). Source: aws/sagemaker-python-sdk, tag v2.257.6, read with `fetch`; the file
and function are named per request. A statement that tests a key on a request that never carries it
(the monitoring schedules below, a human-only labeling job, a model-based endpoint configuration)
fails here. Requests that can never comply (serverless inference) are listed as refused, by decision.
"""

from __future__ import annotations

import pytest

from .evaluator import Decision, scp_decision
from .policy_data import ACCOUNT, DATA_SCIENTIST, GUARDRAIL, KMS_KEY, SAGEMAKER, rendered, request

SUBNETS = ["subnet-0123456789abcdef0"]
MODEL = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model/churn"

# (SDK source, action, keys the request carries)
SDK_REQUESTS = [
    # src/sagemaker/session.py Session._get_train_request: VpcConfig, EnableNetworkIsolation,
    # EnableInterContainerTrafficEncryption, ResourceConfig.VolumeKmsKeyId, OutputDataConfig.KmsKeyId.
    ("session.py _get_train_request (Estimator.fit)", "sagemaker:CreateTrainingJob",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:NetworkIsolation": "true", "sagemaker:InterContainerTrafficEncryption": "true",
      "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # session.py _get_process_request (Processor.run): NetworkConfig, ClusterConfig.VolumeKmsKeyId, ProcessingOutputConfig.KmsKeyId.
    ("session.py _get_process_request (Processor.run)", "sagemaker:CreateProcessingJob",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:NetworkIsolation": "true", "sagemaker:InterContainerTrafficEncryption": "true",
      "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # session.py _get_transform_request (Transformer.transform): no VPC, isolation or encryption fields.
    ("session.py _get_transform_request (Transformer.transform)", "sagemaker:CreateTransformJob",
     {"sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # session.py create_model: VpcConfig, EnableNetworkIsolation.
    ("session.py create_model (Model.deploy)", "sagemaker:CreateModel",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:NetworkIsolation": "true"}),
    # session.py create_endpoint_config: ProductionVariants naming the model, KmsKeyId; no VpcConfig
    # or EnableNetworkIsolation (the model carries them).
    ("session.py create_endpoint_config (Model.deploy)", "sagemaker:CreateEndpointConfig",
     {"sagemaker:ModelArn": MODEL, "sagemaker:VolumeKmsKeyArn": KMS_KEY}),
    # session.py endpoint_from_production_variants with no model names (inference components):
    # ExecutionRoleArn, VpcConfig, EnableNetworkIsolation, KmsKeyId.
    ("session.py endpoint_from_production_variants (inference components)", "sagemaker:CreateEndpointConfig",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:NetworkIsolation": "true", "sagemaker:VolumeKmsKeyArn": KMS_KEY}),
    # session.py create_inference_component: Specification naming the model.
    ("session.py create_inference_component", "sagemaker:CreateInferenceComponent", {"sagemaker:ModelArn": MODEL}),
    # session.py update_inference_component: Specification (compute requirements) and RuntimeConfig; no key.
    ("session.py update_inference_component", "sagemaker:UpdateInferenceComponent", {}),
    # model_monitor/model_monitoring.py DefaultModelMonitor.create_monitoring_schedule: first
    # create_data_quality_job_definition with NetworkConfig and both keys ...
    ("model_monitoring.py DefaultModelMonitor (job definition)", "sagemaker:CreateDataQualityJobDefinition",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:NetworkIsolation": "true", "sagemaker:InterContainerTrafficEncryption": "true",
      "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # ... then _create_monitoring_schedule_from_job_definition: only MonitoringJobDefinitionName and
    # MonitoringType, "no MonitoringJobDefinition is set for this call": none of the job keys.
    ("model_monitoring.py _create_monitoring_schedule_from_job_definition", "sagemaker:CreateMonitoringSchedule", {}),
    # model_monitoring.py ModelQualityMonitor, clarify_model_monitoring.py ModelBiasMonitor and
    # ModelExplainabilityMonitor: the same two steps with their own job definitions.
    ("model_monitoring.py ModelQualityMonitor (job definition)", "sagemaker:CreateModelQualityJobDefinition",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:NetworkIsolation": "true", "sagemaker:InterContainerTrafficEncryption": "true",
      "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:OutputKmsKeyArn": KMS_KEY}),
    ("clarify_model_monitoring.py ModelBiasMonitor (job definition)", "sagemaker:CreateModelBiasJobDefinition",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:NetworkIsolation": "true", "sagemaker:InterContainerTrafficEncryption": "true",
      "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # session.py update_monitoring_schedule on a by-name schedule: no inline definition, no job key.
    ("session.py update_monitoring_schedule (by-name schedule)", "sagemaker:UpdateMonitoringSchedule", {}),
    # Console / API: a labeling job with human workers only takes no volume key (API reference:
    # VolumeKmsKeyId exists only with LabelingJobAlgorithmsConfig).
    ("CreateLabelingJob, human workers only", "sagemaker:CreateLabelingJob", {"sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # session.py create_feature_group: OfflineStoreConfig with S3StorageConfig.KmsKeyId, OnlineStoreConfig.
    ("session.py create_feature_group", "sagemaker:CreateFeatureGroup",
     {"sagemaker:FeatureGroupOfflineStoreConfig": "true", "sagemaker:FeatureGroupOfflineStoreKmsKeyArn": KMS_KEY,
      "sagemaker:FeatureGroupEnableOnlineStore": "true", "sagemaker:FeatureGroupOnlineStoreKmsKeyArn": KMS_KEY}),
    ("session.py create_feature_group, offline store only", "sagemaker:CreateFeatureGroup",
     {"sagemaker:FeatureGroupOfflineStoreConfig": "true", "sagemaker:FeatureGroupOfflineStoreKmsKeyArn": KMS_KEY}),
    # Console: a Studio domain with notebook sharing disabled sends no sharing key.
    ("console CreateDomain, sharing disabled", "sagemaker:CreateDomain",
     {"sagemaker:AppNetworkAccessType": "VpcOnly", "sagemaker:VpcSubnets": SUBNETS, "sagemaker:VolumeKmsKeyArn": KMS_KEY}),
    ("console CreateUserProfile", "sagemaker:CreateUserProfile", {}),
    # Console: a notebook instance with the compliant choices and "Minimum IMDS version 2".
    ("console CreateNotebookInstance", "sagemaker:CreateNotebookInstance",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:DirectInternetAccess": "Disabled",
      "sagemaker:RootAccess": "Disabled", "sagemaker:MinimumInstanceMetadataServiceVersion": "2"}),
    # Console: stopping, resizing a notebook (UpdateNotebookInstance without the root or IMDS fields).
    ("console UpdateNotebookInstance (instance type)", "sagemaker:UpdateNotebookInstance", {}),
    ("session.py create_endpoint / update_endpoint", "sagemaker:CreateEndpoint", {}),
    ("session.py update_training_job (profiler rules)", "sagemaker:UpdateTrainingJob", {}),
]


@pytest.mark.parametrize(("source", "action", "keys"), SDK_REQUESTS, ids=[source for source, _, _ in SDK_REQUESTS])
def test_what_the_sdk_and_console_send_is_allowed(source, action, keys):
    scps = [rendered(SAGEMAKER), rendered(GUARDRAIL)]
    resource = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:x/y"
    assert scp_decision(scps, action, resource, {**request(DATA_SCIENTIST), **keys}) is Decision.ALLOWED


def test_serverless_inference_is_refused_by_decision():
    """session.py create_endpoint_config with serverless_inference_config: the model can have no
    VpcConfig and no isolation (Serverless Inference supports neither), so CreateModel is refused.
    A documented trade-off (docs/preventive-controls.md, finding 4), not an accident."""
    context = {**request(DATA_SCIENTIST)}
    assert scp_decision([rendered(SAGEMAKER)], "sagemaker:CreateModel", MODEL, context) is Decision.EXPLICIT_DENY


def test_the_suite_catches_a_statement_that_would_brick_a_by_name_schedule():
    """The old statements listed CreateMonitoringSchedule under a Null key deny: the SDK's schedule
    request (no job key) would be refused, which this suite reports."""
    old = {"Version": "2012-10-17", "Statement": [{"Sid": "Old", "Effect": "Deny", "Action": "sagemaker:CreateMonitoringSchedule",
                                                 "Resource": "*", "Condition": {"Null": {"sagemaker:VolumeKmsKeyArn": "true"}}}]}
    assert scp_decision([old], "sagemaker:CreateMonitoringSchedule", "*", request(DATA_SCIENTIST)) is Decision.EXPLICIT_DENY
