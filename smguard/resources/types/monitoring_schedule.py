"""AWS::SageMaker::MonitoringSchedule, recorded in CloudFormation shape; its Config id is its name.

A schedule either names a job definition (``MonitoringScheduleConfig.MonitoringJobDefinitionName``,
with ``MonitoringType``) or inlines one (``MonitoringScheduleConfig.MonitoringJobDefinition``:
MonitoringResources, NetworkConfig, MonitoringOutputConfig, ...). SageMaker API Reference,
CreateMonitoringSchedule, MonitoringScheduleConfig and MonitoringJobDefinition; CloudFormation
resource reference, AWS::SageMaker::MonitoringSchedule. DescribeMonitoringSchedule uses the same
names. AWS's resource-schema repository has no file for the type, so no recorded name is confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from smguard.resources import monitoring, sagemaker
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
)

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

PROPERTIES = sagemaker.same_names("MonitoringScheduleName", "MonitoringScheduleConfig", "EndpointName")
"""DescribeMonitoringSchedule and AWS::SageMaker::MonitoringSchedule use the same names (status,
times and the last execution are state, not configuration)."""

INLINE = ("MonitoringScheduleConfig", "MonitoringJobDefinition")
"""Where the inline job definition is."""

DAILY = "cron(0 3 ? * * *)"


def named_job_definition(configuration: Mapping[str, Any]) -> str | None:
    """The job definition a schedule names instead of inlining one (then the schedule holds no job
    settings of its own), or None."""
    config = configuration.get("MonitoringScheduleConfig")
    if not isinstance(config, Mapping) or "MonitoringJobDefinition" in config:
        return None
    named = config.get("MonitoringJobDefinitionName")
    return named if isinstance(named, str) and named else None


class MonitoringSchedule(sagemaker.SageMakerType):
    name = "AWS::SageMaker::MonitoringSchedule"
    sample_id = "fraud-scoring-daily"
    sample = {
        "MonitoringScheduleName": "fraud-scoring-daily",
        "EndpointName": "fraud-scoring",
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": DAILY},
            "MonitoringType": "DataQuality",
            "MonitoringJobDefinition": {
                "RoleArn": SAMPLE_ROLE_ARN,
                "MonitoringAppSpecification": {
                    "ImageUri": f"{SAMPLE_ACCOUNT}.dkr.ecr.{SAMPLE_REGION}.amazonaws.com/model-monitor-analyzer:1"
                },
                "MonitoringInputs": [
                    {"EndpointInput": {"EndpointName": "fraud-scoring", "LocalPath": monitoring.INPUT_PATH}}
                ],
                "MonitoringResources": {
                    "ClusterConfig": {
                        "InstanceCount": 1,
                        "InstanceType": monitoring.INSTANCE_TYPE,
                        "VolumeSizeInGB": monitoring.VOLUME_SIZE_GB,
                        "VolumeKmsKeyId": SAMPLE_KEY_ARN,
                    }
                },
                "MonitoringOutputConfig": {
                    "KmsKeyId": SAMPLE_KEY_ARN,
                    "MonitoringOutputs": [
                        {"S3Output": {"S3Uri": f"s3://monitoring-{SAMPLE_ACCOUNT}/fraud-scoring", "LocalPath": monitoring.OUTPUT_PATH}}
                    ],
                },
                "NetworkConfig": {
                    "EnableNetworkIsolation": True,
                    "EnableInterContainerTrafficEncryption": True,
                    "VpcConfig": {"Subnets": [SAMPLE_SUBNET_ID], "SecurityGroupIds": [SAMPLE_GROUP_ID]},
                },
            },
        },
    }
    describe_properties = PROPERTIES
    identifier = "MonitoringScheduleName"
    arn_field = "MonitoringScheduleArn"
    listing = ("list_monitoring_schedules", "MonitoringScheduleSummaries")
    describe_operation = "describe_monitoring_schedule"
    template_typed_properties = (
        ((*INLINE, "MonitoringResources", "ClusterConfig", "InstanceCount"), INTEGER),
        ((*INLINE, "MonitoringResources", "ClusterConfig", "VolumeSizeInGB"), INTEGER),
        ((*INLINE, "NetworkConfig", "EnableNetworkIsolation"), BOOLEAN),
        ((*INLINE, "NetworkConfig", "EnableInterContainerTrafficEncryption"), BOOLEAN),
        ((*INLINE, "NetworkConfig", "VpcConfig", "Subnets", "*"), SUBNET_ID),
        ((*INLINE, "StoppingCondition", "MaxRuntimeInSeconds"), INTEGER),
    )
    unconfirmed_properties = (
        "MonitoringScheduleConfig.MonitoringJobDefinitionName",
        "MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringResources.ClusterConfig.VolumeKmsKeyId",
        "MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringOutputConfig.KmsKeyId",
        "MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig",
    )

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """A daily schedule. With ``MonitoringJobDefinitionName=`` (and ``MonitoringType=``) it names
        that definition; otherwise it inlines a data-quality job of the endpoint
        ``changes["EndpointName"]``: compliant, with the keys and network of
        :mod:`smguard.resources.monitoring`; not, with SageMaker's defaults."""
        config: dict[str, Any] = {"ScheduleConfig": {"ScheduleExpression": DAILY}}
        if "MonitoringJobDefinitionName" in changes:
            config["MonitoringJobDefinitionName"] = changes.pop("MonitoringJobDefinitionName")
            config["MonitoringType"] = changes.pop("MonitoringType", "DataQuality")
        else:
            if "EndpointName" not in changes:
                raise TypeError(f"monitoring schedule {name}: pass EndpointName=, the endpoint its inline job monitors")
            endpoint = changes.pop("EndpointName")
            definition: dict[str, Any] = {
                "RoleArn": base.role_arn,
                "MonitoringAppSpecification": {"ImageUri": monitoring.image_uri(base)},
                "MonitoringInputs": [{"EndpointInput": {"EndpointName": endpoint, "LocalPath": monitoring.INPUT_PATH}}],
                "MonitoringResources": monitoring.cluster_config(base, compliant=compliant),
                "MonitoringOutputConfig": monitoring.output_config(base, name, compliant=compliant),
            }
            if compliant:
                definition["NetworkConfig"] = monitoring.network_config(base, compliant=True)
            config |= {"MonitoringType": "DataQuality", "MonitoringJobDefinition": definition}
        request = {"MonitoringScheduleName": name, "MonitoringScheduleConfig": config}
        session.client("sagemaker").create_monitoring_schedule(**(request | changes))
        return name


TYPE = MonitoringSchedule()
