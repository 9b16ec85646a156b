"""The real Lambda handler with AWS Config events, AWS in moto."""

from __future__ import annotations

import boto3
import pytest

from smguard.engine import InvalidRuleParameterError
from smguard.rules.sagemaker_model_private_registry.app import lambda_handler
from tests.support.events import change_event, configuration_item, model_configuration

MODEL = "AWS::SageMaker::Model"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-model"
OWN_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:7"
PRIVATE_IMAGE = "registry.ds.internal:5000/churn:7"


def recorded_model(name: str, **create: object) -> dict:
    """Create the model in moto and return its configuration item as AWS Config records it."""
    sagemaker = boto3.client("sagemaker")
    sagemaker.create_model(ModelName=name, ExecutionRoleArn=ROLE, **create)
    return configuration_item(MODEL, name, model_configuration(sagemaker.describe_model(ModelName=name)))


def test_change_of_a_model_pulling_from_the_private_registry_is_compliant(posted):
    item = recorded_model("churn-v7", PrimaryContainer={"Image": PRIVATE_IMAGE, "ImageConfig": {"RepositoryAccessMode": "Vpc"}})
    lambda_handler(change_event(item), None)
    assert posted.results() == [
        (MODEL, "churn-v7", "COMPLIANT", "PrimaryContainer pulls from a private registry in the VPC (RepositoryAccessMode Vpc).")
    ]


def test_change_of_a_pipeline_with_an_ecr_container_is_non_compliant(posted):
    containers = [
        {"ContainerHostname": "pre", "Image": PRIVATE_IMAGE, "ImageConfig": {"RepositoryAccessMode": "Vpc"}},
        {"ContainerHostname": "predict", "Image": OWN_IMAGE, "ImageConfig": {"RepositoryAccessMode": "Platform"}},
    ]
    item = recorded_model("churn-pipeline", Containers=containers)
    lambda_handler(change_event(item), None)
    assert posted.results() == [
        (
            MODEL,
            "churn-pipeline",
            "NON_COMPLIANT",
            "Containers[predict].ImageConfig.RepositoryAccessMode is Platform (Amazon ECR). Models are immutable: "
            "recreate it with RepositoryAccessMode=Vpc on every container (CreateModel, UpdateEndpoint).",
        )
    ]


def test_change_of_an_ecr_model_of_an_approved_account_is_compliant_and_says_it_is_looser(posted):
    item = recorded_model("churn-ecr", PrimaryContainer={"Image": OWN_IMAGE})
    lambda_handler(change_event(item, parameters={"EcrAccountIds": "123456789012"}), None)
    assert posted.results() == [
        (
            MODEL,
            "churn-ecr",
            "COMPLIANT",
            "PrimaryContainer pulls from Amazon ECR of an approved account (EcrAccountIds, looser than SageMaker.16/.19).",
        )
    ]


def test_an_invalid_parameter_fails_the_invocation(aws):
    item = configuration_item(MODEL, "x", {"ModelName": "x"})
    with pytest.raises(InvalidRuleParameterError, match="EcrAccountIds"):
        lambda_handler(change_event(item, parameters={"EcrAccountIds": "not-an-account"}), None)
