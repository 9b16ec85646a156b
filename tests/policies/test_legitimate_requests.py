"""What the SageMaker Python SDK actually sends, per action: none of it may be refused.

Each request below is what an SDK call sends when the user configures the compliant options, and
so which condition keys its request context carries (a key is present only if the SDK puts the
field in the request). Source: aws/sagemaker-python-sdk, tag v2.257.6, read with `fetch`; the file
and function are named per request. A statement that tests a key on a request that never carries it
(the monitoring schedules below, a human-only labeling job, a model-based endpoint configuration)
fails here. Requests that can never comply (serverless inference) are listed as refused, by decision.

Console requests are not modelled: the console's code is not published, so which fields it puts in
a request cannot be read as the SDK's can, and guessing them would be a test of our guess. The
entries marked "API" stand for a request sending exactly the documented fields of the compliant
choice, which is what a console form would have to send for the resource to be compliant at all.
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
    # session.py _get_tuning_request -> _map_training_config: the training job definition's VpcConfig,
    # EnableNetworkIsolation, EnableInterContainerTrafficEncryption, volume and output keys.
    ("session.py _get_tuning_request (HyperparameterTuner.fit)", "sagemaker:CreateHyperParameterTuningJob",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:NetworkIsolation": "true", "sagemaker:InterContainerTrafficEncryption": "true",
      "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # session.py _get_auto_ml_request (AutoML.fit): AutoMLJobConfig.SecurityConfig (VolumeKmsKeyId,
    # EnableInterContainerTrafficEncryption, VpcConfig) and OutputDataConfig.KmsKeyId; no isolation field.
    ("session.py _get_auto_ml_request (AutoML.fit)", "sagemaker:CreateAutoMLJob",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:InterContainerTrafficEncryption": "true",
      "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # automl/automlv2.py AutoMLJobV2.start_new -> session.py create_auto_ml_v2 / _get_auto_ml_request_v2
    # (AutoMLV2.fit): SecurityConfig (VolumeKmsKeyId, VpcConfig, EnableInterContainerTrafficEncryption)
    # and OutputDataConfig.KmsKeyId; no isolation field, as for version 1.
    ("session.py _get_auto_ml_request_v2 (AutoMLV2.fit)", "sagemaker:CreateAutoMLJobV2",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:InterContainerTrafficEncryption": "true",
      "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # session.py update_training_job with remote_debug_config={"EnableRemoteDebug": False}.
    ("session.py update_training_job (remote debug off)", "sagemaker:UpdateTrainingJob", {"sagemaker:EnableRemoteDebug": "false"}),
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
    # clarify_model_monitoring.py ModelExplainabilityMonitor.create_monitoring_schedule ->
    # ClarifyModelMonitor._build_create_job_definition_request: ClusterConfig.VolumeKmsKeyId,
    # JobOutputConfig.KmsKeyId and NetworkConfig (network.py: EnableNetworkIsolation,
    # EnableInterContainerTrafficEncryption, VpcConfig).
    ("clarify_model_monitoring.py ModelExplainabilityMonitor (job definition)", "sagemaker:CreateModelExplainabilityJobDefinition",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:NetworkIsolation": "true", "sagemaker:InterContainerTrafficEncryption": "true",
      "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # session.py update_monitoring_schedule on a by-name schedule: no inline definition, no job key.
    ("session.py update_monitoring_schedule (by-name schedule)", "sagemaker:UpdateMonitoringSchedule", {}),
    # API reference: a labeling job with human workers only takes no volume key (VolumeKmsKeyId
    # exists only with LabelingJobAlgorithmsConfig).
    ("API CreateLabelingJob, human workers only", "sagemaker:CreateLabelingJob", {"sagemaker:OutputKmsKeyArn": KMS_KEY}),
    # session.py create_feature_group: OfflineStoreConfig with S3StorageConfig.KmsKeyId, OnlineStoreConfig.
    ("session.py create_feature_group", "sagemaker:CreateFeatureGroup",
     {"sagemaker:FeatureGroupOfflineStoreConfig": "true", "sagemaker:FeatureGroupOfflineStoreKmsKeyArn": KMS_KEY,
      "sagemaker:FeatureGroupEnableOnlineStore": "true", "sagemaker:FeatureGroupOnlineStoreKmsKeyArn": KMS_KEY}),
    ("session.py create_feature_group, offline store only", "sagemaker:CreateFeatureGroup",
     {"sagemaker:FeatureGroupOfflineStoreConfig": "true", "sagemaker:FeatureGroupOfflineStoreKmsKeyArn": KMS_KEY}),
    # API reference: a Studio domain with notebook sharing disabled names no sharing key
    # (SharingSettings.S3KmsKeyId applies only when NotebookOutputOption is Allowed).
    ("API CreateDomain, sharing disabled", "sagemaker:CreateDomain",
     {"sagemaker:AppNetworkAccessType": "VpcOnly", "sagemaker:VpcSubnets": SUBNETS, "sagemaker:VolumeKmsKeyArn": KMS_KEY}),
    ("API CreateUserProfile without sharing settings", "sagemaker:CreateUserProfile", {}),
    # API reference / CloudFormation: a notebook instance with the compliant choices and
    # InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion "2".
    ("API CreateNotebookInstance", "sagemaker:CreateNotebookInstance",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:DirectInternetAccess": "Disabled",
      "sagemaker:RootAccess": "Disabled", "sagemaker:MinimumInstanceMetadataServiceVersion": "2"}),
    # API: resizing a notebook (UpdateNotebookInstance without the root or IMDS fields).
    ("API UpdateNotebookInstance (instance type)", "sagemaker:UpdateNotebookInstance", {}),
    ("session.py create_endpoint / update_endpoint", "sagemaker:CreateEndpoint", {}),
    ("session.py update_training_job (profiler rules)", "sagemaker:UpdateTrainingJob", {}),
]

# What the SDK can send but the policy refuses on purpose, each documented in docs/preventive-controls.md.
REFUSED_BY_DECISION = [
    # session.py create_model for a serverless endpoint: no VpcConfig, no EnableNetworkIsolation
    # (Serverless Inference supports neither).
    ("session.py create_model (serverless inference)", "sagemaker:CreateModel", {}),
    # session.py _get_process_request adds ProcessingOutputConfig (and its KmsKeyId) only when the
    # job has outputs: a processing job without outputs carries no output key. Declare an output.
    ("session.py _get_process_request (no outputs)", "sagemaker:CreateProcessingJob",
     {"sagemaker:VpcSubnets": SUBNETS, "sagemaker:NetworkIsolation": "true", "sagemaker:InterContainerTrafficEncryption": "true",
      "sagemaker:VolumeKmsKeyArn": KMS_KEY}),
]


@pytest.mark.parametrize(("source", "action", "keys"), SDK_REQUESTS, ids=[source for source, _, _ in SDK_REQUESTS])
def test_what_the_sdk_and_the_api_reference_send_is_allowed(source, action, keys):
    scps = [rendered(SAGEMAKER), rendered(GUARDRAIL)]
    resource = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:x/y"
    assert scp_decision(scps, action, resource, {**request(DATA_SCIENTIST), **keys}) is Decision.ALLOWED


@pytest.mark.parametrize(("source", "action", "keys"), REFUSED_BY_DECISION, ids=[source for source, _, _ in REFUSED_BY_DECISION])
def test_what_is_refused_by_decision_is_refused(source, action, keys):
    """Documented trade-offs (docs/preventive-controls.md), not accidents: if one of these starts
    passing, the documentation is wrong."""
    context = {**request(DATA_SCIENTIST), **keys}
    assert scp_decision([rendered(SAGEMAKER)], action, MODEL, context) is Decision.EXPLICIT_DENY


def test_the_suite_catches_a_statement_that_would_brick_a_by_name_schedule():
    """The old statements listed CreateMonitoringSchedule under a Null key deny: the SDK's schedule
    request (no job key) would be refused, which this suite reports."""
    old = {"Version": "2012-10-17", "Statement": [{"Sid": "Old", "Effect": "Deny", "Action": "sagemaker:CreateMonitoringSchedule",
                                                 "Resource": "*", "Condition": {"Null": {"sagemaker:VolumeKmsKeyArn": "true"}}}]}
    assert scp_decision([old], "sagemaker:CreateMonitoringSchedule", "*", request(DATA_SCIENTIST)) is Decision.EXPLICIT_DENY
