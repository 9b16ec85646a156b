"""SageMaker batch transform jobs, evaluated in the DescribeTransformJob answer's shape; the id is the job's name.

A transform job takes its network isolation and VPC from its model (sagemaker_model_isolation
judges those); the job itself carries only its volume and output keys. AWS Config does not record
transform jobs. Fields: CreateTransformJob and DescribeTransformJob in the SageMaker API reference
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTransformJob.html).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources.base import SAMPLE_ACCOUNT, SAMPLE_KEY_ARN, SAMPLE_REGION
from smguard.resources.jobs import JobType

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase


class TransformJob(JobType):
    name = "AWS::SageMaker::TransformJob"
    kind = "transform job"
    identifier = "TransformJobName"
    arn_field = "TransformJobArn"
    listing = ("ListTransformJobs", "TransformJobSummaries")
    describe_operation = "DescribeTransformJob"
    create_action = "sagemaker:CreateTransformJob"
    sample_id = "risk-scoring-batch-0412"
    sample = {
        "TransformJobName": "risk-scoring-batch-0412",
        "TransformJobArn": f"arn:aws:sagemaker:{SAMPLE_REGION}:{SAMPLE_ACCOUNT}:transform-job/risk-scoring-batch-0412",
        "TransformJobStatus": "Completed",
        "ModelName": "risk-model",
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://risk-batch/in"}}},
        "TransformOutput": {"S3OutputPath": "s3://risk-batch/out", "KmsKeyId": SAMPLE_KEY_ARN},
        "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeKmsKeyId": SAMPLE_KEY_ARN},
        "CreationTime": "2026-11-30T10:00:00.000000+00:00",
    }

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Compliant: the base's key on the volume and the output. Not: neither."""
        request: dict[str, Any] = {
            "TransformJobName": name,
            "ModelName": "fraud-scoring",
            "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{name}/in"}}},
            "TransformOutput": {"S3OutputPath": f"s3://{name}/out"},
            "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
        }
        if compliant:
            request["TransformOutput"]["KmsKeyId"] = base.key_arn
            request["TransformResources"]["VolumeKmsKeyId"] = base.key_arn
        session.client("sagemaker").create_transform_job(**(request | changes))
        return name


TYPE = TransformJob()
