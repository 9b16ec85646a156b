"""sagemaker_kms through its real Lambda handler: keys resolved in moto's KMS."""

import boto3
import pytest
from botocore.stub import Stubber

from smguard.rules.sagemaker_kms.app import lambda_handler
from smguard.engine import AwsCallError, InvalidRuleParameterError
from smguard.engine.handler import SHARED_CLIENTS
from tests.support.events import change_event, configuration_item

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
DOMAIN = "AWS::SageMaker::Domain"


@pytest.fixture
def key(aws):
    kms = boto3.client("kms")
    arn = kms.create_key(Description="sagemaker")["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/sagemaker", TargetKeyId=arn)
    return arn


def notebook(kms_key_id=None):
    configuration = {"NotebookInstanceName": "nb-1", "RootAccess": "Disabled"}
    if kms_key_id:
        configuration["KmsKeyId"] = kms_key_id
    return configuration_item(NOTEBOOK, "nb-1", configuration)


def test_the_same_key_matches_the_allow_list_by_alias_id_or_arn(posted, key):
    key_id = key.split("/")[-1]
    alias_arn = "arn:aws:kms:us-east-1:123456789012:alias/sagemaker"
    for reference in ("alias/sagemaker", key_id, key, alias_arn):
        lambda_handler(change_event(notebook(reference), parameters={"KmsKeyArns": key}), None)
    assert [result[2:] for result in posted.results()] == [
        ("COMPLIANT", f"KmsKeyId is {reference}, an approved key.") for reference in ("alias/sagemaker", key_id, key, alias_arn)
    ]


def test_a_key_outside_the_allow_list_is_non_compliant(posted, key):
    other = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    lambda_handler(change_event(notebook(other), parameters={"KmsKeyArns": key}), None)
    assert posted.results() == [
        (NOTEBOOK, "nb-1", "NON_COMPLIANT", f"KmsKeyId {other} is key {other}, not in KmsKeyArns; use an approved key.")
    ]


def test_a_disabled_customer_key_fails_require_customer_managed_key(posted, key):
    boto3.client("kms").disable_key(KeyId=key.split("/")[-1])  # moto needs the key id here
    lambda_handler(change_event(notebook("alias/sagemaker"), parameters={"RequireCustomerManagedKey": "true"}), None)
    assert posted.results() == [
        (NOTEBOOK, "nb-1", "NON_COMPLIANT",
         "KmsKeyId alias/sagemaker is in state Disabled; use an Enabled customer managed key.")
    ]


def test_a_key_that_does_not_exist_is_non_compliant(posted, key):
    lambda_handler(change_event(notebook("alias/deleted"), parameters={"RequireCustomerManagedKey": "true"}), None)
    assert posted.results() == [
        (NOTEBOOK, "nb-1", "NON_COMPLIANT",
         "KmsKeyId alias/deleted does not exist or cannot be described; use an existing customer managed key.")
    ]


def test_an_aws_managed_key_fails_require_customer_managed_key(posted):
    """moto has no AWS managed keys, so DescribeKey is stubbed for this one."""
    kms = SHARED_CLIENTS.client("kms")
    with Stubber(kms) as stub:
        stub.add_response(
            "describe_key",
            {"KeyMetadata": {"KeyId": "k", "Arn": "arn:aws:kms:us-east-1:123456789012:key/k", "KeyManager": "AWS", "KeyState": "Enabled"}},
            {"KeyId": "alias/aws/sagemaker"},
        )
        lambda_handler(change_event(notebook("alias/aws/sagemaker"), parameters={"RequireCustomerManagedKey": "true"}), None)
    assert posted.results() == [
        (NOTEBOOK, "nb-1", "NON_COMPLIANT", "KmsKeyId alias/aws/sagemaker is an AWS managed key; use a customer managed key.")
    ]


def test_no_key_lookup_is_made_without_key_parameters(posted):
    with Stubber(SHARED_CLIENTS.client("kms")):  # any call would fail: nothing is stubbed
        lambda_handler(change_event(notebook("alias/anything")), None)
    assert posted.results() == [(NOTEBOOK, "nb-1", "COMPLIANT", "KmsKeyId is alias/anything.")]


def test_access_denied_on_describe_key_fails_loudly(posted):
    with Stubber(SHARED_CLIENTS.client("kms")) as stub:
        stub.add_client_error("describe_key", service_error_code="AccessDeniedException", service_message="denied")
        with pytest.raises(AwsCallError) as error:
            lambda_handler(change_event(notebook("alias/sagemaker"), parameters={"RequireCustomerManagedKey": "true"}), None)
    assert str(error.value) == (
        "rule sagemaker_kms, AWS::SageMaker::NotebookInstance nb-1: DescribeKey failed with AccessDeniedException: "
        "denied. Allow DescribeKey for the rule function's role; nothing was evaluated as COMPLIANT."
    )
    assert posted.calls == []


def test_an_endpoint_configuration_from_moto_without_key_is_non_compliant(posted):
    sagemaker = boto3.client("sagemaker")
    sagemaker.create_model(ModelName="m", ExecutionRoleArn="arn:aws:iam::123456789012:role/r",
                           PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"})
    sagemaker.create_endpoint_config(
        EndpointConfigName="ec-1",
        ProductionVariants=[{"VariantName": "v", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}],
    )
    described = sagemaker.describe_endpoint_config(EndpointConfigName="ec-1")
    configuration = {k: described[k] for k in ("EndpointConfigName", "ProductionVariants", "KmsKeyId", "DataCaptureConfig") if k in described}
    lambda_handler(change_event(configuration_item(ENDPOINT_CONFIG, "ec-1", configuration)), None)
    assert posted.results() == [
        (ENDPOINT_CONFIG, "ec-1", "NON_COMPLIANT",
         "KmsKeyId is absent (volumes use an AWS managed key); create a new endpoint configuration "
         "with KmsKeyId and update the endpoint.")
    ]


def test_a_studio_domain_with_a_key_is_compliant(posted, key):
    item = configuration_item(DOMAIN, "d-abc123", {"DomainId": "d-abc123", "DomainName": "studio", "KmsKeyId": key})
    lambda_handler(change_event(item, parameters={"KmsKeyArns": key, "RequireCustomerManagedKey": "true"}), None)
    assert posted.results() == [(DOMAIN, "d-abc123", "COMPLIANT", f"KmsKeyId is {key}, an approved key.")]


def test_an_allow_list_entry_that_is_not_a_key_arn_is_an_error(posted):
    with pytest.raises(InvalidRuleParameterError, match="'KmsKeyArns': 'alias/sagemaker' is not a KMS key ARN"):
        lambda_handler(change_event(notebook("alias/sagemaker"), parameters={"KmsKeyArns": "alias/sagemaker"}), None)


# --- the types of issue 13, created in the embedded AWS and read back as evaluate reads them ---

from smguard import embedded  # noqa: E402
from smguard.demo.environment import DemoBase  # noqa: E402
from smguard.resources.types import feature_group, model_quality_job_definition, monitoring_schedule  # noqa: E402


def base(key_arn: str) -> DemoBase:
    return DemoBase("123456789012", "us-east-1", "arn:aws:iam::123456789012:role/ds", key_arn, "ds-logs", "vpc-0a", ["subnet-0a"], "sg-0a")


def recorded_item(resource_type, name):
    """The resource as `smguard evaluate` reads it (List, Describe, the type's recorded shape), as a configuration item."""
    resource, _ = resource_type.recorded(getattr(boto3.client("sagemaker"), resource_type.describe_operation)(**{resource_type.identifier: name}))
    return configuration_item(resource.resource_type, resource.resource_id, dict(resource.configuration))


def test_a_feature_group_with_both_stores_keyed_by_alias_matches_the_allow_list(posted, key):
    embedded.install()
    feature_group.TYPE.example(boto3.Session(), base("alias/sagemaker"), "customer-features", compliant=True)
    item = recorded_item(feature_group.TYPE, "customer-features")

    lambda_handler(change_event(item, parameters={"KmsKeyArns": key, "RequireCustomerManagedKey": "true"}), None)

    assert posted.results() == [
        (feature_group.TYPE.name, "customer-features", "COMPLIANT",
         "OfflineStoreConfig.S3StorageConfig.KmsKeyId and OnlineStoreConfig.SecurityConfig.KmsKeyId are alias/sagemaker; "
         "all approved keys.")
    ]


def test_a_job_definition_whose_output_key_is_disabled_fails_require_customer_managed_key(posted, key):
    kms = boto3.client("kms")
    output_key = kms.create_key(Description="monitoring results")["KeyMetadata"]["Arn"]
    kms.disable_key(KeyId=output_key.split("/")[-1])
    job = model_quality_job_definition.TYPE
    job.example(boto3.Session(), base(key), "churn-quality", compliant=True, EndpointName="churn",
                ModelQualityJobOutputConfig={"KmsKeyId": output_key, "MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://ds-logs/q", "LocalPath": "/opt/ml/processing/output"}}]})

    lambda_handler(change_event(recorded_item(job, "churn-quality"), parameters={"RequireCustomerManagedKey": "true"}), None)

    assert posted.results() == [
        (job.name, "churn-quality", "NON_COMPLIANT",
         f"ModelQualityJobOutputConfig.KmsKeyId {output_key} is in state Disabled; use an Enabled customer managed key.")
    ]


def test_a_schedule_naming_its_job_definition_is_not_applicable_without_a_key_lookup(posted):
    embedded.install()
    monitoring_schedule.TYPE.example(boto3.Session(), base("alias/none"), "weekly", compliant=True, MonitoringJobDefinitionName="churn-quality")
    with Stubber(SHARED_CLIENTS.client("kms")):  # any call would fail: nothing is stubbed
        lambda_handler(change_event(recorded_item(monitoring_schedule.TYPE, "weekly"), parameters={"RequireCustomerManagedKey": "true"}), None)

    assert posted.results() == [
        (monitoring_schedule.TYPE.name, "weekly", "NOT_APPLICABLE",
         "MonitoringScheduleConfig names the job definition churn-quality (MonitoringJobDefinitionName) instead of "
         "inlining one: the definition is evaluated on its own, and its keys are where they must be set.")
    ]
