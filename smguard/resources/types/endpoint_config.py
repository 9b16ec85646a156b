"""AWS::SageMaker::EndpointConfig, recorded in CloudFormation shape; its Config id is its name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources import sagemaker
from smguard.resources.base import BOOLEAN, INTEGER, SAMPLE_KEY_ARN, SUBNET_ID

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

PROPERTIES = sagemaker.same_names(
    "EndpointConfigName",
    "KmsKeyId",
    "ProductionVariants",
    "ShadowProductionVariants",
    "DataCaptureConfig",
    "AsyncInferenceConfig",
    "ExplainerConfig",
    "EnableNetworkIsolation",
    "ExecutionRoleArn",
    "VpcConfig",
)
"""DescribeEndpointConfig and AWS::SageMaker::EndpointConfig use the same names."""


class EndpointConfig(sagemaker.SageMakerType):
    name = "AWS::SageMaker::EndpointConfig"
    sample_id = "scoring-config-v3"
    queryable = True  # config/properties/resource-types in awslabs/aws-config-resource-schema
    sample = {
        "EndpointConfigName": "scoring-config-v3",
        "KmsKeyId": SAMPLE_KEY_ARN,
        "ProductionVariants": [
            {"VariantName": "primary", "ModelName": "scoring", "InstanceType": "ml.m5.large", "InitialInstanceCount": 2}
        ],
        "DataCaptureConfig": {
            "EnableCapture": True,
            "InitialSamplingPercentage": 10,
            "DestinationS3Uri": "s3://capture-bucket/scoring",
            "KmsKeyId": SAMPLE_KEY_ARN,
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        },
    }
    describe_properties = PROPERTIES
    identifier = "EndpointConfigName"
    arn_field = "EndpointConfigArn"
    listing = ("list_endpoint_configs", "EndpointConfigs")
    describe_operation = "describe_endpoint_config"
    template_typed_properties = (
        (("ProductionVariants", "*", "InitialInstanceCount"), INTEGER),
        (("DataCaptureConfig", "EnableCapture"), BOOLEAN),
        (("DataCaptureConfig", "InitialSamplingPercentage"), INTEGER),
        (("EnableNetworkIsolation",), BOOLEAN),
        (("ProductionVariants", "*", "EnableSSMAccess"), BOOLEAN),
        (("ShadowProductionVariants", "*", "EnableSSMAccess"), BOOLEAN),
        (("ShadowProductionVariants", "*", "InitialInstanceCount"), INTEGER),
        (("VpcConfig", "Subnets", "*"), SUBNET_ID),
    )

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """One variant serving the model ``changes["ModelName"]``, or, with ``ModelName=None``, hosting
        inference components (it names no model; the configuration takes the base's role, as AWS's
        examples do). Compliant: storage encrypted with the base's key, and for inference components
        network isolation in the base's private subnets and group. Not: no key (SageMaker's own
        encryption of the storage volume), and for inference components no isolation, no VPC and an
        SSM shell on the hosts (EnableSSMAccess)."""
        if "ModelName" not in changes:
            raise TypeError(f"endpoint configuration {name}: pass ModelName=, the model its variant serves (None: inference components)")
        model = changes.pop("ModelName")
        variant: dict[str, Any] = {"VariantName": "primary", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}
        request: dict[str, Any] = {"EndpointConfigName": name, "ProductionVariants": [variant]}
        if model is not None:
            variant["ModelName"] = model
        else:
            request["ExecutionRoleArn"] = base.role_arn
            if compliant:
                request["EnableNetworkIsolation"] = True
                request["VpcConfig"] = {"Subnets": base.subnets, "SecurityGroupIds": [base.security_group]}
            else:
                variant["EnableSSMAccess"] = True
        if compliant:
            request["KmsKeyId"] = base.key_arn
        session.client("sagemaker").create_endpoint_config(**(request | changes))
        return name


TYPE = EndpointConfig()
