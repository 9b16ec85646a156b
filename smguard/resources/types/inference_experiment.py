"""AWS::SageMaker::InferenceExperiment, recorded in CloudFormation shape; its Config id is its name.

SageMaker API Reference, CreateInferenceExperiment and DescribeInferenceExperiment; CloudFormation
resource reference, AWS::SageMaker::InferenceExperiment. ``KmsKey`` encrypts the storage volume of
the instances hosting the shadow variants; ``DataStorageConfig`` (``Destination``, ``KmsKey``)
captures requests and responses to S3. Describe names the experiment ``Name`` (the request's and
CloudFormation's name too) and returns the endpoint as ``EndpointMetadata.EndpointName`` where
CloudFormation has ``EndpointName``. AWS's resource-schema repository has no file for the type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from smguard.engine.rule import Resource
from smguard.resources import sagemaker
from smguard.resources.base import INTEGER, SAMPLE_ACCOUNT, SAMPLE_KEY_ARN, SAMPLE_ROLE_ARN, Described

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

PROPERTIES = sagemaker.same_names(
    "Name",
    "Type",
    "Description",
    "RoleArn",
    "Schedule",
    "ModelVariants",
    "ShadowModeConfig",
    "DataStorageConfig",
    "KmsKey",
)
"""DescribeInferenceExperiment and AWS::SageMaker::InferenceExperiment use the same names, but for
the endpoint (:meth:`InferenceExperiment.recorded`)."""

INSTANCE_TYPE = "ml.m5.large"


def _variant(model: str, variant: str) -> dict[str, Any]:
    return {
        "ModelName": model,
        "VariantName": variant,
        "InfrastructureConfig": {
            "InfrastructureType": "RealTimeInference",
            "RealTimeInferenceConfig": {"InstanceType": INSTANCE_TYPE, "InstanceCount": 1},
        },
    }


def _shadow_mode(production: str, shadow: str) -> dict[str, Any]:
    return {
        "SourceModelVariantName": production,
        "ShadowModelVariants": [{"ShadowModelVariantName": shadow, "SamplingPercentage": 20}],
    }


class InferenceExperiment(sagemaker.SageMakerType):
    name = "AWS::SageMaker::InferenceExperiment"
    sample_id = "fraud-scoring-shadow"
    sample = {
        "Name": "fraud-scoring-shadow",
        "Type": "ShadowMode",
        "RoleArn": SAMPLE_ROLE_ARN,
        "EndpointName": "fraud-scoring",
        "ModelVariants": [_variant("fraud-scoring", "production"), _variant("fraud-scoring-v4", "shadow")],
        "ShadowModeConfig": _shadow_mode("production", "shadow"),
        "KmsKey": SAMPLE_KEY_ARN,
        "DataStorageConfig": {"Destination": f"s3://capture-{SAMPLE_ACCOUNT}/fraud-scoring-shadow", "KmsKey": SAMPLE_KEY_ARN},
    }
    describe_properties = PROPERTIES
    identifier = "Name"
    arn_field = "Arn"
    listing = ("list_inference_experiments", "InferenceExperiments")
    describe_operation = "describe_inference_experiment"
    template_typed_properties = (
        (("ModelVariants", "*", "InfrastructureConfig", "RealTimeInferenceConfig", "InstanceCount"), INTEGER),
        (("ShadowModeConfig", "ShadowModelVariants", "*", "SamplingPercentage"), INTEGER),
    )
    unconfirmed_properties = ("KmsKey", "DataStorageConfig.KmsKey")

    def recorded(self, response: Mapping[str, Any]) -> Described:
        """As for every SageMaker type, and the endpoint under CloudFormation's name."""
        resource, arn = super().recorded(response)
        metadata = response.get("EndpointMetadata")
        if isinstance(metadata, Mapping) and metadata.get("EndpointName"):
            resource = Resource(resource.resource_type, resource.resource_id, {**resource.configuration, "EndpointName": metadata["EndpointName"]})
        return resource, arn

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """A shadow test on the endpoint ``changes["EndpointName"]``, of the model
        ``changes["ShadowModelName"]`` against ``changes["ModelName"]``, capturing to the base's bucket;
        compliant: the hosting volume and the capture encrypted with the base's key. Not: neither key."""
        missing = [field for field in ("EndpointName", "ModelName", "ShadowModelName") if field not in changes]
        if missing:
            raise TypeError(f"inference experiment {name}: pass {'=, '.join(missing)}=")
        endpoint, model, shadow = changes.pop("EndpointName"), changes.pop("ModelName"), changes.pop("ShadowModelName")
        storage: dict[str, Any] = {"Destination": f"s3://{base.log_bucket}/shadow-tests/{name}"}
        request: dict[str, Any] = {
            "Name": name,
            "Type": "ShadowMode",
            "RoleArn": base.role_arn,
            "EndpointName": endpoint,
            "ModelVariants": [_variant(model, "production"), _variant(shadow, "shadow")],
            "ShadowModeConfig": _shadow_mode("production", "shadow"),
            "DataStorageConfig": storage,
        }
        if compliant:
            request["KmsKey"] = base.key_arn
            storage["KmsKey"] = base.key_arn
        session.client("sagemaker").create_inference_experiment(**(request | changes))
        return name


TYPE = InferenceExperiment()
