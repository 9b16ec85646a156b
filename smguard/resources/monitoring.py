"""What SageMaker Model Monitor's four job definitions share, and the job a monitoring schedule inlines.

``AWS::SageMaker::DataQualityJobDefinition``, ``ModelBiasJobDefinition``,
``ModelExplainabilityJobDefinition`` and ``ModelQualityJobDefinition`` have one structure with a
per-kind prefix (SageMaker API Reference, CreateDataQualityJobDefinition and its three siblings;
CloudFormation resource reference, the four resources): ``JobResources.ClusterConfig``
(MonitoringClusterConfig, with ``VolumeKmsKeyId``), ``NetworkConfig`` (MonitoringNetworkConfig:
``EnableNetworkIsolation``, ``EnableInterContainerTrafficEncryption``, ``VpcConfig``), and
``<Kind>AppSpecification``, ``<Kind>BaselineConfig``, ``<Kind>JobInput`` and
``<Kind>JobOutputConfig`` (MonitoringOutputConfig, with ``KmsKeyId``). The Describe responses use
the CloudFormation names, so the recorded item is the response minus its API-only fields
(JobDefinitionArn, CreationTime); CloudFormation's top-level ``EndpointName`` is only in templates.

A monitoring schedule either names a job definition or inlines one
(``MonitoringScheduleConfig.MonitoringJobDefinition``, MonitoringJobDefinition in the API
Reference), whose cluster, network and output parts have the same shapes under other names
(``MonitoringResources``, ``MonitoringOutputConfig``); :func:`cluster_config`,
:func:`network_config` and :func:`output_config` build them for every demo example.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from smguard.resources import sagemaker
from smguard.resources.base import (
    BOOLEAN,
    INTEGER,
    SAMPLE_ACCOUNT,
    SAMPLE_GROUP_ID,
    SAMPLE_KEY_ARN,
    SAMPLE_REGION,
    SAMPLE_ROLE_ARN,
    SAMPLE_SUBNET_ID,
    SUBNET_ID,
    TypedProperties,
)

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

INSTANCE_TYPE = "ml.m5.large"
VOLUME_SIZE_GB = 20
OUTPUT_PATH = "/opt/ml/processing/output"
INPUT_PATH = "/opt/ml/processing/input"

UNCONFIRMED_JOB_PROPERTIES = (
    "JobResources.ClusterConfig.VolumeKmsKeyId",
    "{output_config}.KmsKeyId",
    "NetworkConfig.VpcConfig.Subnets",
    "NetworkConfig.VpcConfig.SecurityGroupIds",
)
"""The AWS Config managed rules on these types document ``configuration.NetworkConfig.EnableNetworkIsolation``
and ``...EnableInterContainerTrafficEncryption`` (developer guide, sagemaker-data-quality-job-isolation
and its siblings); nothing of AWS's confirms the recorded names of the keys and the VPC, and
awslabs/aws-config-resource-schema has no file for these types."""


def network_config(base: DemoBase, *, compliant: bool) -> dict[str, Any]:
    """Compliant: isolated, encrypted between instances, in the base's private subnets and group."""
    if not compliant:
        return {}
    return {
        "EnableNetworkIsolation": True,
        "EnableInterContainerTrafficEncryption": True,
        "VpcConfig": {"Subnets": list(base.subnets), "SecurityGroupIds": [base.security_group]},
    }


def cluster_config(base: DemoBase, *, compliant: bool) -> dict[str, Any]:
    """One instance; compliant: its volume encrypted with the base's key."""
    config: dict[str, Any] = {"InstanceCount": 1, "InstanceType": INSTANCE_TYPE, "VolumeSizeInGB": VOLUME_SIZE_GB}
    if compliant:
        config["VolumeKmsKeyId"] = base.key_arn
    return {"ClusterConfig": config}


def output_config(base: DemoBase, name: str, *, compliant: bool) -> dict[str, Any]:
    """Results to the base's bucket; compliant: encrypted with the base's key."""
    config: dict[str, Any] = {
        "MonitoringOutputs": [{"S3Output": {"S3Uri": f"s3://{base.log_bucket}/monitoring/{name}", "LocalPath": OUTPUT_PATH}}]
    }
    if compliant:
        config["KmsKeyId"] = base.key_arn
    return config


def image_uri(base: DemoBase) -> str:
    """The analyzer image, from the account's own registry."""
    return f"{base.account_id}.dkr.ecr.{base.region}.amazonaws.com/model-monitor-analyzer:1"


class JobDefinitionType(sagemaker.SageMakerType):
    """One of the four job definitions: a subclass sets ``kind`` (``DataQuality``) and what its
    kind adds to the app specification and the job input; every name follows from ``kind``."""

    kind: ClassVar[str]
    app_specification: ClassVar[dict[str, Any]] = {}
    """What this kind's AppSpecification needs beside ImageUri (a ConfigUri, a ProblemType)."""
    ground_truth: ClassVar[bool] = False
    """Whether this kind's JobInput needs GroundTruthS3Input (bias and quality compare with labels)."""

    identifier = "JobDefinitionName"
    listed_identifier = "MonitoringJobDefinitionName"
    arn_field = "JobDefinitionArn"

    output_config_name: ClassVar[str]
    """``<Kind>JobOutputConfig``: where the kind keeps its output KMS key."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind, snake = cls.kind, re.sub(r"(?<!^)(?=[A-Z])", "_", cls.kind).lower()
        cls.name = f"AWS::SageMaker::{kind}JobDefinition"
        cls.output_config_name = f"{kind}JobOutputConfig"
        cls.listing = (f"list_{snake}_job_definitions", "JobDefinitionSummaries")
        cls.describe_operation = f"describe_{snake}_job_definition"
        cls.describe_properties = sagemaker.same_names(
            "JobDefinitionName",
            "JobResources",
            "NetworkConfig",
            "RoleArn",
            "StoppingCondition",
            f"{kind}AppSpecification",
            f"{kind}BaselineConfig",
            f"{kind}JobInput",
            cls.output_config_name,
        )
        cls.template_typed_properties = JOB_TYPED_PROPERTIES
        cls.unconfirmed_properties = tuple(p.format(output_config=cls.output_config_name) for p in UNCONFIRMED_JOB_PROPERTIES)
        cls.sample_id = f"{snake.replace('_', '-')}-fraud-scoring"
        cls.sample = {
            "JobDefinitionName": cls.sample_id,
            "RoleArn": SAMPLE_ROLE_ARN,
            "JobResources": {
                "ClusterConfig": {
                    "InstanceCount": 1,
                    "InstanceType": INSTANCE_TYPE,
                    "VolumeSizeInGB": VOLUME_SIZE_GB,
                    "VolumeKmsKeyId": SAMPLE_KEY_ARN,
                }
            },
            "NetworkConfig": {
                "EnableNetworkIsolation": True,
                "EnableInterContainerTrafficEncryption": True,
                "VpcConfig": {"Subnets": [SAMPLE_SUBNET_ID], "SecurityGroupIds": [SAMPLE_GROUP_ID]},
            },
            f"{kind}AppSpecification": {
                "ImageUri": f"{SAMPLE_ACCOUNT}.dkr.ecr.{SAMPLE_REGION}.amazonaws.com/model-monitor-analyzer:1",
                **cls.app_specification,
            },
            f"{kind}JobInput": cls._job_input("fraud-scoring", f"s3://ground-truth-{SAMPLE_ACCOUNT}/fraud-scoring"),
            cls.output_config_name: {
                "KmsKeyId": SAMPLE_KEY_ARN,
                "MonitoringOutputs": [
                    {"S3Output": {"S3Uri": f"s3://monitoring-{SAMPLE_ACCOUNT}/fraud-scoring", "LocalPath": OUTPUT_PATH}}
                ],
            },
        }

    @classmethod
    def _job_input(cls, endpoint: str, ground_truth: str) -> dict[str, Any]:
        job_input: dict[str, Any] = {"EndpointInput": {"EndpointName": endpoint, "LocalPath": INPUT_PATH}}
        if cls.ground_truth:
            job_input["GroundTruthS3Input"] = {"S3Uri": ground_truth}
        return job_input

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Monitors the endpoint ``changes["EndpointName"]``; compliant: volume and output keys, and
        the network of :func:`network_config`. Not: no key, no network settings (SageMaker's defaults)."""
        if "EndpointName" not in changes:
            raise TypeError(f"{self.name} {name}: pass EndpointName=, the endpoint it monitors")
        endpoint = changes.pop("EndpointName")
        request: dict[str, Any] = {
            "JobDefinitionName": name,
            "RoleArn": base.role_arn,
            "JobResources": cluster_config(base, compliant=compliant),
            f"{self.kind}AppSpecification": {"ImageUri": image_uri(base), **self.app_specification},
            f"{self.kind}JobInput": self._job_input(endpoint, f"s3://{base.log_bucket}/ground-truth/{endpoint}"),
            self.output_config_name: output_config(base, name, compliant=compliant),
        }
        if compliant:
            request["NetworkConfig"] = network_config(base, compliant=True)
        create = getattr(session.client("sagemaker"), self.describe_operation.replace("describe_", "create_", 1))
        create(**(request | changes))
        return name


JOB_TYPED_PROPERTIES: TypedProperties = (
    (("JobResources", "ClusterConfig", "InstanceCount"), INTEGER),
    (("JobResources", "ClusterConfig", "VolumeSizeInGB"), INTEGER),
    (("NetworkConfig", "EnableNetworkIsolation"), BOOLEAN),
    (("NetworkConfig", "EnableInterContainerTrafficEncryption"), BOOLEAN),
    (("NetworkConfig", "VpcConfig", "Subnets", "*"), SUBNET_ID),
    (("StoppingCondition", "MaxRuntimeInSeconds"), INTEGER),
)
"""The CloudFormation resource reference types these Integer and Boolean (MonitoringResources,
ClusterConfig, NetworkConfig, StoppingCondition of each of the four resources)."""
