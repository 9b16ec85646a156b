import pytest

from smguard.rules.sagemaker_kms.check import (
    DOMAIN,
    ENDPOINT_CONFIG,
    NOTEBOOK,
    KeyFacts,
    SagemakerKmsParameters,
    check,
    key_references,
    local_storage_families,
)
from smguard.engine import Compliance, MissingFactError, Resource, Verdict

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_ARN = "arn:aws:kms:us-east-1:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab"
ALIAS = "alias/sagemaker"
ANY_KEY = SagemakerKmsParameters()
ALLOW_LIST = SagemakerKmsParameters(kms_key_arns=(KEY_ARN,))
CUSTOMER_MANAGED = SagemakerKmsParameters(require_customer_managed_key=True)
ENABLED_CMK = KeyFacts(arn=KEY_ARN, manager="CUSTOMER", state="Enabled")


def resource(resource_type, **configuration):
    return Resource(resource_type, "res-1", configuration)


def endpoint_config(*instance_types, **configuration):
    variants = [{"VariantName": f"v{i}", "InstanceType": t, "InitialInstanceCount": 1} for i, t in enumerate(instance_types)]
    return resource(ENDPOINT_CONFIG, EndpointConfigName="ec", ProductionVariants=variants, **configuration)


@pytest.mark.parametrize(
    ("resource_type", "fix"),
    [
        (NOTEBOOK, "KmsKeyId cannot be changed: create a new notebook instance with KmsKeyId and move the work to it."),
        (ENDPOINT_CONFIG, "create a new endpoint configuration with KmsKeyId and update the endpoint."),
        (DOMAIN, "KmsKeyId cannot be changed: create a new domain with KmsKeyId and migrate the user profiles."),
    ],
)
def test_a_resource_without_key_is_non_compliant_with_the_fix_for_its_type(resource_type, fix):
    assert check(resource(resource_type), ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        f"KmsKeyId is absent (volumes use an AWS managed key); {fix}",
    )


@pytest.mark.parametrize("resource_type", [NOTEBOOK, ENDPOINT_CONFIG, DOMAIN])
def test_any_key_is_compliant_without_parameters(resource_type):
    assert check(resource(resource_type, KmsKeyId=ALIAS), ANY_KEY, {}) == Verdict(
        Compliance.COMPLIANT, "KmsKeyId is alias/sagemaker."
    )


def test_an_empty_key_is_treated_as_absent():
    assert check(resource(NOTEBOOK, KmsKeyId=""), ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        "KmsKeyId is empty (volumes use an AWS managed key); KmsKeyId cannot be changed: create a new notebook "
        "instance with KmsKeyId and move the work to it.",
    )


def test_a_key_of_the_wrong_type_is_non_compliant():
    assert check(resource(DOMAIN, KmsKeyId={"Ref": "Key"}), ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT, "KmsKeyId is {'Ref': 'Key'}, not a KMS key identifier; set it to a key ARN."
    )


def test_an_allow_listed_key_named_by_alias_is_resolved_and_compliant():
    assert check(resource(NOTEBOOK, KmsKeyId=ALIAS), ALLOW_LIST, {ALIAS: ENABLED_CMK}) == Verdict(
        Compliance.COMPLIANT, "KmsKeyId is alias/sagemaker, an approved key."
    )


def test_a_key_outside_the_allow_list_is_non_compliant():
    facts = {ALIAS: KeyFacts(arn=OTHER_ARN, manager="CUSTOMER", state="Enabled")}
    assert check(resource(NOTEBOOK, KmsKeyId=ALIAS), ALLOW_LIST, facts) == Verdict(
        Compliance.NON_COMPLIANT, f"KmsKeyId alias/sagemaker is key {OTHER_ARN}, not in KmsKeyArns; use an approved key."
    )


def test_an_unknown_key_is_non_compliant_when_it_must_be_checked():
    assert check(resource(NOTEBOOK, KmsKeyId=ALIAS), CUSTOMER_MANAGED, {ALIAS: None}) == Verdict(
        Compliance.NON_COMPLIANT,
        "KmsKeyId alias/sagemaker does not exist or cannot be described; use an existing customer managed key.",
    )


def test_an_aws_managed_disabled_key_fails_both_requirements():
    facts = {ALIAS: KeyFacts(arn=KEY_ARN, manager="AWS", state="Disabled")}
    assert check(resource(DOMAIN, KmsKeyId=ALIAS), CUSTOMER_MANAGED, facts) == Verdict(
        Compliance.NON_COMPLIANT,
        "KmsKeyId alias/sagemaker is an AWS managed key; use a customer managed key. "
        "KmsKeyId alias/sagemaker is in state Disabled; use an Enabled customer managed key.",
    )


def test_an_enabled_customer_managed_key_is_compliant():
    assert check(resource(DOMAIN, KmsKeyId=KEY_ARN), CUSTOMER_MANAGED, {KEY_ARN: ENABLED_CMK}) == Verdict(
        Compliance.COMPLIANT, f"KmsKeyId is {KEY_ARN}, an enabled customer managed key."
    )


def test_a_key_that_was_not_described_is_an_error_not_a_pass():
    with pytest.raises(MissingFactError, match="the KMS key alias/sagemaker named by KmsKeyId was not described"):
        check(resource(NOTEBOOK, KmsKeyId=ALIAS), ALLOW_LIST, {})


def test_local_nvme_variants_cannot_take_a_key_and_are_not_applicable():
    assert check(endpoint_config("ml.g5.xlarge", "ml.m5.large"), ANY_KEY, {}) == Verdict(
        Compliance.NOT_APPLICABLE,
        "ProductionVariants use instance types with local NVMe storage (ml.g5.xlarge), encrypted by the instance "
        "hardware; SageMaker refuses a KmsKeyId for them.",
    )


def test_every_local_nvme_variant_is_named():
    assert check(endpoint_config("ml.g5.xlarge", "ml.m5.large", "ml.p4d.24xlarge"), ANY_KEY, {}) == Verdict(
        Compliance.NOT_APPLICABLE,
        "ProductionVariants use instance types with local NVMe storage (ml.g5.xlarge, ml.p4d.24xlarge), encrypted by "
        "the instance hardware; SageMaker refuses a KmsKeyId for them.",
    )


def test_a_production_variant_that_is_not_an_object_exempts_nothing():
    malformed = resource(ENDPOINT_CONFIG, EndpointConfigName="ec", ProductionVariants=["ml.g5.xlarge"])
    assert check(malformed, ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        "KmsKeyId is absent (volumes use an AWS managed key); create a new endpoint configuration with KmsKeyId and "
        "update the endpoint.",
    )


# Only an endpoint configuration has production variants: the same key on another type exempts nothing.
@pytest.mark.parametrize(
    ("resource_type", "fix"),
    [
        (NOTEBOOK, "KmsKeyId cannot be changed: create a new notebook instance with KmsKeyId and move the work to it."),
        (DOMAIN, "KmsKeyId cannot be changed: create a new domain with KmsKeyId and migrate the user profiles."),
    ],
)
def test_local_nvme_variants_exempt_only_endpoint_configurations(resource_type, fix):
    stray = resource(resource_type, ProductionVariants=[{"VariantName": "v", "InstanceType": "ml.g5.xlarge"}])
    assert check(stray, ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT, f"KmsKeyId is absent (volumes use an AWS managed key); {fix}"
    )


def test_local_nvme_variants_still_need_a_data_capture_key():
    verdict = check(
        endpoint_config("ml.p4d.24xlarge", DataCaptureConfig={"DestinationS3Uri": "s3://capture/"}), ANY_KEY, {}
    )
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        "DataCaptureConfig.KmsKeyId is absent with data capture enabled; set it in a new endpoint configuration.",
    )


def test_serverless_variants_need_a_key_like_instance_variants():
    """AWS documents no exception for serverless variants (only local-storage instances refuse a key)."""
    serverless = resource(
        ENDPOINT_CONFIG,
        ProductionVariants=[{"VariantName": "v", "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}],
    )
    assert check(serverless, ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        "KmsKeyId is absent (volumes use an AWS managed key); create a new endpoint configuration with KmsKeyId and "
        "update the endpoint.",
    )


def test_data_capture_with_a_key_is_compliant_and_disabled_capture_needs_none():
    with_key = endpoint_config("ml.m5.large", KmsKeyId=ALIAS, DataCaptureConfig={"EnableCapture": True, "KmsKeyId": ALIAS})
    disabled = endpoint_config("ml.m5.large", KmsKeyId=ALIAS, DataCaptureConfig={"EnableCapture": False})
    assert check(with_key, ANY_KEY, {}) == Verdict(
        Compliance.COMPLIANT, "KmsKeyId and DataCaptureConfig.KmsKeyId are alias/sagemaker."
    )
    assert check(disabled, ANY_KEY, {}) == Verdict(Compliance.COMPLIANT, "KmsKeyId is alias/sagemaker.")


def test_the_data_capture_key_must_be_approved_too():
    configuration = endpoint_config("ml.m5.large", KmsKeyId=KEY_ARN, DataCaptureConfig={"KmsKeyId": "alias/other"})
    facts = {KEY_ARN: ENABLED_CMK, "alias/other": KeyFacts(arn=OTHER_ARN, manager="CUSTOMER", state="Enabled")}
    assert check(configuration, ALLOW_LIST, facts) == Verdict(
        Compliance.NON_COMPLIANT,
        f"DataCaptureConfig.KmsKeyId alias/other is key {OTHER_ARN}, not in KmsKeyArns; use an approved key.",
    )


def test_an_empty_data_capture_config_means_no_capture():
    assert check(endpoint_config("ml.m5.large", KmsKeyId=ALIAS, DataCaptureConfig={}), ANY_KEY, {}) == Verdict(
        Compliance.COMPLIANT, "KmsKeyId is alias/sagemaker."
    )


def test_both_keys_missing_are_reported_volume_key_first():
    verdict = check(endpoint_config("ml.m5.large", DataCaptureConfig={"DestinationS3Uri": "s3://c/"}), ANY_KEY, {})
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        "KmsKeyId is absent (volumes use an AWS managed key); create a new endpoint configuration "
        "with KmsKeyId and update the endpoint. DataCaptureConfig.KmsKeyId is absent with data capture "
        "enabled; set it in a new endpoint configuration.",
    )


def test_a_malformed_data_capture_config_is_non_compliant():
    verdict = check(endpoint_config("ml.m5.large", KmsKeyId=ALIAS, DataCaptureConfig="on"), ANY_KEY, {})
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT, "DataCaptureConfig is on, not an object; recreate the endpoint configuration."
    )


def test_key_references_cover_the_volume_and_the_capture_keys():
    configuration = endpoint_config("ml.m5.large", KmsKeyId=KEY_ARN, DataCaptureConfig={"KmsKeyId": ALIAS})
    assert key_references(configuration) == [KEY_ARN, ALIAS]
    assert key_references(resource(NOTEBOOK, KmsKeyId=7)) == []


def test_the_local_storage_family_list_is_data_with_its_source():
    assert {"ml.g4dn", "ml.g5", "ml.p4d", "ml.m5d", "ml.c5d", "ml.r5d"} <= local_storage_families()
    assert "ml.m5" not in local_storage_families()


# --- the Model Monitor job definitions, monitoring schedules, feature groups, inference experiments ---

import copy  # noqa: E402

from smguard.rules.sagemaker_kms.check import (  # noqa: E402
    FEATURE_GROUP,
    INFERENCE_EXPERIMENT,
    JOB_DEFINITIONS,
    MONITORING_SCHEDULE,
    UnknownResourceTypeError,
)
from smguard.resources.base import SAMPLE_KEY_ARN  # noqa: E402
from smguard.resources.types import feature_group, inference_experiment, monitoring_schedule  # noqa: E402


def without(sample, *paths):
    """The type's sample with the dotted ``paths`` removed."""
    configuration = copy.deepcopy(dict(sample))
    for path in paths:
        *parents, last = path.split(".")
        node = configuration
        for step in parents:
            node = node[step]
        del node[last]
    return configuration


@pytest.mark.parametrize("job", JOB_DEFINITIONS, ids=lambda job: job.kind)
def test_a_job_definition_needs_its_volume_and_output_keys(job):
    bare = without(job.sample, "JobResources.ClusterConfig.VolumeKmsKeyId", f"{job.output_config_name}.KmsKeyId")
    assert check(resource(job.name, **bare), ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        "JobResources.ClusterConfig.VolumeKmsKeyId is absent (an AWS key); recreate the definition with it. "
        f"{job.output_config_name}.KmsKeyId is absent (S3's default encryption); recreate the definition with it.",
    )


@pytest.mark.parametrize("job", JOB_DEFINITIONS, ids=lambda job: job.kind)
def test_a_job_definition_with_both_keys_is_compliant(job):
    assert check(resource(job.name, **job.sample), ANY_KEY, {}) == Verdict(
        Compliance.COMPLIANT,
        f"JobResources.ClusterConfig.VolumeKmsKeyId and {job.output_config_name}.KmsKeyId are {SAMPLE_KEY_ARN}.",
    )


def test_the_allow_list_holds_a_job_definitions_output_key_too():
    job = JOB_DEFINITIONS[1]
    configuration = copy.deepcopy(job.sample)
    configuration[job.output_config_name]["KmsKeyId"] = "alias/other"
    facts = {SAMPLE_KEY_ARN: KeyFacts(arn=KEY_ARN, manager="CUSTOMER", state="Enabled"),
             "alias/other": KeyFacts(arn=OTHER_ARN, manager="CUSTOMER", state="Enabled")}
    assert check(resource(job.name, **configuration), ALLOW_LIST, facts) == Verdict(
        Compliance.NON_COMPLIANT,
        f"ModelBiasJobOutputConfig.KmsKeyId alias/other is key {OTHER_ARN}, not in KmsKeyArns; use an approved key.",
    )


def test_every_job_definition_key_is_described_for_the_parameters():
    job = JOB_DEFINITIONS[0]
    configuration = copy.deepcopy(job.sample)
    configuration[job.output_config_name]["KmsKeyId"] = ALIAS
    assert key_references(resource(job.name, **configuration)) == [SAMPLE_KEY_ARN, ALIAS]


def test_an_inline_schedule_needs_the_keys_of_its_job():
    inline = "MonitoringScheduleConfig.MonitoringJobDefinition"
    bare = without(
        monitoring_schedule.TYPE.sample,
        f"{inline}.MonitoringResources.ClusterConfig.VolumeKmsKeyId",
        f"{inline}.MonitoringOutputConfig.KmsKeyId",
    )
    assert check(resource(MONITORING_SCHEDULE, **bare), ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        "MonitoringJobDefinition.MonitoringResources.ClusterConfig.VolumeKmsKeyId is absent (an AWS key); update the "
        "schedule with it. MonitoringJobDefinition.MonitoringOutputConfig.KmsKeyId is absent (S3's default encryption); "
        "update the schedule with it.",
    )


def test_an_inline_schedule_with_both_keys_is_compliant():
    assert check(resource(MONITORING_SCHEDULE, **monitoring_schedule.TYPE.sample), ANY_KEY, {}) == Verdict(
        Compliance.COMPLIANT,
        "MonitoringJobDefinition.MonitoringResources.ClusterConfig.VolumeKmsKeyId and "
        f"MonitoringJobDefinition.MonitoringOutputConfig.KmsKeyId are {SAMPLE_KEY_ARN}.",
    )


def test_different_keys_are_named_each_and_those_that_do_not_fit_counted():
    inline = copy.deepcopy(monitoring_schedule.TYPE.sample)
    inline["MonitoringScheduleConfig"]["MonitoringJobDefinition"]["MonitoringOutputConfig"]["KmsKeyId"] = OTHER_ARN
    assert check(resource(MONITORING_SCHEDULE, **inline), ANY_KEY, {}) == Verdict(
        Compliance.COMPLIANT,
        f"MonitoringJobDefinition.MonitoringResources.ClusterConfig.VolumeKmsKeyId is {SAMPLE_KEY_ARN} (+1 more key(s) set).",
    )


def test_a_schedule_that_names_its_job_definition_is_not_applicable():
    named = {"MonitoringScheduleName": "daily", "MonitoringScheduleConfig": {"MonitoringJobDefinitionName": "dq-v2", "MonitoringType": "DataQuality"}}
    assert check(resource(MONITORING_SCHEDULE, **named), CUSTOMER_MANAGED, {}) == Verdict(
        Compliance.NOT_APPLICABLE,
        "MonitoringScheduleConfig names the job definition dq-v2 (MonitoringJobDefinitionName) instead of inlining one: "
        "the definition is evaluated on its own, and its keys are where they must be set.",
    )


def test_a_schedule_configuration_that_is_not_an_object_is_one_finding():
    assert check(resource(MONITORING_SCHEDULE, MonitoringScheduleConfig="daily"), ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        "MonitoringScheduleConfig is daily, not an object; set MonitoringScheduleConfig with UpdateMonitoringSchedule.",
    )


def test_a_schedule_without_configuration_holds_no_key():
    assert check(resource(MONITORING_SCHEDULE, MonitoringScheduleName="daily"), ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        "MonitoringJobDefinition.MonitoringResources.ClusterConfig.VolumeKmsKeyId is absent (an AWS key); update the "
        "schedule with it. MonitoringJobDefinition.MonitoringOutputConfig.KmsKeyId is absent (S3's default encryption); "
        "update the schedule with it.",
    )


def test_a_feature_group_needs_a_key_for_each_store_it_has():
    bare = without(feature_group.TYPE.sample, "OfflineStoreConfig.S3StorageConfig.KmsKeyId", "OnlineStoreConfig.SecurityConfig")
    assert check(resource(FEATURE_GROUP, **bare), ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        "OfflineStoreConfig.S3StorageConfig.KmsKeyId is absent with an offline store; recreate the feature group with it. "
        "OnlineStoreConfig.SecurityConfig.KmsKeyId is absent with a Standard online store; recreate the feature group with it.",
    )


def test_an_in_memory_or_disabled_online_store_needs_no_key():
    offline_key = {"S3StorageConfig": {"S3Uri": "s3://features/", "KmsKeyId": KEY_ARN}}
    in_memory = resource(FEATURE_GROUP, OnlineStoreConfig={"EnableOnlineStore": True, "StorageType": "InMemory"}, OfflineStoreConfig=offline_key)
    disabled = resource(FEATURE_GROUP, OnlineStoreConfig={"EnableOnlineStore": False}, OfflineStoreConfig=offline_key)
    expected = Verdict(Compliance.COMPLIANT, f"OfflineStoreConfig.S3StorageConfig.KmsKeyId is {KEY_ARN}.")
    assert (check(in_memory, ANY_KEY, {}), check(disabled, ANY_KEY, {})) == (expected, expected)


def test_an_online_store_flag_that_is_not_false_counts_as_on():
    mistyped = resource(FEATURE_GROUP, OnlineStoreConfig={"EnableOnlineStore": "true"})
    assert check(mistyped, ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        "OnlineStoreConfig.SecurityConfig.KmsKeyId is absent with a Standard online store; recreate the feature group with it.",
    )


def test_a_feature_group_with_no_store_that_takes_a_key_is_not_applicable():
    only_in_memory = resource(FEATURE_GROUP, OnlineStoreConfig={"EnableOnlineStore": True, "StorageType": "InMemory"})
    assert check(only_in_memory, ANY_KEY, {}) == Verdict(
        Compliance.NOT_APPLICABLE,
        "The feature group has no offline store and no online store with Standard storage, the stores whose keys this "
        "rule checks.",
    )


def test_an_inference_experiment_needs_its_key_and_the_capture_key():
    bare = without(inference_experiment.TYPE.sample, "KmsKey", "DataStorageConfig.KmsKey")
    assert check(resource(INFERENCE_EXPERIMENT, **bare), ANY_KEY, {}) == Verdict(
        Compliance.NON_COMPLIANT,
        "KmsKey is absent (an AWS key); recreate the experiment with it (KmsKey cannot be updated). "
        "DataStorageConfig.KmsKey is absent with data capture configured; set it with UpdateInferenceExperiment.",
    )


def test_an_inference_experiment_without_capture_needs_only_its_key():
    assert check(resource(INFERENCE_EXPERIMENT, Name="shadow", KmsKey=ALIAS), ANY_KEY, {}) == Verdict(
        Compliance.COMPLIANT, "KmsKey is alias/sagemaker."
    )


def test_require_customer_managed_key_holds_the_capture_key_too():
    configuration = {"Name": "shadow", "KmsKey": KEY_ARN, "DataStorageConfig": {"Destination": "s3://c/", "KmsKey": ALIAS}}
    facts = {KEY_ARN: ENABLED_CMK, ALIAS: KeyFacts(arn=OTHER_ARN, manager="CUSTOMER", state="PendingDeletion")}
    assert check(resource(INFERENCE_EXPERIMENT, **configuration), CUSTOMER_MANAGED, facts) == Verdict(
        Compliance.NON_COMPLIANT,
        "DataStorageConfig.KmsKey alias/sagemaker is in state PendingDeletion; use an Enabled customer managed key.",
    )


def test_several_keys_are_said_to_be_all_enabled_customer_managed_keys():
    configuration = {"Name": "shadow", "KmsKey": KEY_ARN, "DataStorageConfig": {"Destination": "s3://c/", "KmsKey": ALIAS}}
    facts = {KEY_ARN: ENABLED_CMK, ALIAS: ENABLED_CMK}
    assert check(resource(INFERENCE_EXPERIMENT, **configuration), CUSTOMER_MANAGED, facts) == Verdict(
        Compliance.COMPLIANT,
        f"KmsKey is {KEY_ARN}; DataStorageConfig.KmsKey is alias/sagemaker; all enabled customer managed keys.",
    )


def test_a_type_without_key_locations_is_an_error_naming_it():
    with pytest.raises(UnknownResourceTypeError, match="sagemaker_kms knows no key locations of AWS::SageMaker::Model;"):
        check(resource("AWS::SageMaker::Model", ModelName="m"), ANY_KEY, {})
