"""SageMaker processing jobs, evaluated in the DescribeProcessingJob answer's shape; the id is the job's name.

AWS Config does not record processing jobs: their results appear only under the rule (see
docs/resource-types.md). Fields: CreateProcessingJob and DescribeProcessingJob in the SageMaker API
reference (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateProcessingJob.html).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources.base import SAMPLE_ACCOUNT, SAMPLE_GROUP_ID, SAMPLE_KEY_ARN, SAMPLE_REGION, SAMPLE_ROLE_ARN, SAMPLE_SUBNET_ID
from smguard.resources.jobs import JobType

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

IMAGE = f"{SAMPLE_ACCOUNT}.dkr.ecr.{SAMPLE_REGION}.amazonaws.com/feature-prep:2.1"


class ProcessingJob(JobType):
    name = "AWS::SageMaker::ProcessingJob"
    kind = "processing job"
    identifier = "ProcessingJobName"
    arn_field = "ProcessingJobArn"
    listing = ("ListProcessingJobs", "ProcessingJobSummaries")
    describe_operation = "DescribeProcessingJob"
    create_action = "sagemaker:CreateProcessingJob"
    sample_id = "risk-features-0412"
    sample = {
        "ProcessingJobName": "risk-features-0412",
        "ProcessingJobArn": f"arn:aws:sagemaker:{SAMPLE_REGION}:{SAMPLE_ACCOUNT}:processing-job/risk-features-0412",
        "ProcessingJobStatus": "Completed",
        "AppSpecification": {"ImageUri": IMAGE},
        "RoleArn": SAMPLE_ROLE_ARN,
        "ProcessingResources": {
            "ClusterConfig": {"InstanceCount": 2, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30, "VolumeKmsKeyId": SAMPLE_KEY_ARN}
        },
        "ProcessingOutputConfig": {
            "Outputs": [
                {"OutputName": "features", "S3Output": {"S3Uri": "s3://risk-features/out", "LocalPath": "/opt/ml/processing/output", "S3UploadMode": "EndOfJob"}}
            ],
            "KmsKeyId": SAMPLE_KEY_ARN,
        },
        "NetworkConfig": {
            "EnableInterContainerTrafficEncryption": True,
            "EnableNetworkIsolation": True,
            "VpcConfig": {"SecurityGroupIds": [SAMPLE_GROUP_ID], "Subnets": [SAMPLE_SUBNET_ID]},
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "CreationTime": "2026-11-30T07:50:00.000000+00:00",
        "LastModifiedTime": "2026-11-30T08:10:00.000000+00:00",
    }

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Compliant: the base's key on volume and output, isolated in its private subnets,
        encrypted between containers. Not: none of them."""
        request: dict[str, Any] = {
            "ProcessingJobName": name,
            "AppSpecification": {"ImageUri": IMAGE},
            "RoleArn": base.role_arn,
            "ProcessingResources": {"ClusterConfig": {"InstanceCount": 2, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}},
            "ProcessingOutputConfig": {
                "Outputs": [
                    {"OutputName": "features", "S3Output": {"S3Uri": f"s3://{name}/out", "LocalPath": "/opt/ml/processing/output", "S3UploadMode": "EndOfJob"}}
                ]
            },
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        }
        if compliant:
            request["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] = base.key_arn
            request["ProcessingOutputConfig"]["KmsKeyId"] = base.key_arn
            request["NetworkConfig"] = {
                "EnableInterContainerTrafficEncryption": True,
                "EnableNetworkIsolation": True,
                "VpcConfig": {"SecurityGroupIds": [base.security_group], "Subnets": base.subnets},
            }
        session.client("sagemaker").create_processing_job(**(request | changes))
        return name


TYPE = ProcessingJob()
