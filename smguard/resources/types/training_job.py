"""SageMaker training jobs, evaluated in the DescribeTrainingJob answer's shape; the id is the job's name.

AWS Config lists ``AWS::SageMaker::TrainingJob`` among its recorded types (the item's shape is
unverified), so a result under this type sits next to the recorded item in the console when the
recorder records it. Request and response fields: CreateTrainingJob and DescribeTrainingJob in
the SageMaker API reference
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources.base import SAMPLE_ACCOUNT, SAMPLE_GROUP_ID, SAMPLE_KEY_ARN, SAMPLE_REGION, SAMPLE_ROLE_ARN, SAMPLE_SUBNET_ID
from smguard.resources.jobs import JobType

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

IMAGE = f"{SAMPLE_ACCOUNT}.dkr.ecr.{SAMPLE_REGION}.amazonaws.com/risk-training:1.4"


class TrainingJob(JobType):
    name = "AWS::SageMaker::TrainingJob"
    kind = "training job"
    identifier = "TrainingJobName"
    arn_field = "TrainingJobArn"
    listing = ("ListTrainingJobs", "TrainingJobSummaries")
    describe_operation = "DescribeTrainingJob"
    create_action = "sagemaker:CreateTrainingJob"
    sample_id = "risk-model-train-0412"
    sample = {
        "TrainingJobName": "risk-model-train-0412",
        "TrainingJobArn": f"arn:aws:sagemaker:{SAMPLE_REGION}:{SAMPLE_ACCOUNT}:training-job/risk-model-train-0412",
        "TrainingJobStatus": "Completed",
        "SecondaryStatus": "Completed",
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": SAMPLE_ROLE_ARN,
        "OutputDataConfig": {"S3OutputPath": "s3://risk-models/output", "KmsKeyId": SAMPLE_KEY_ARN},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50, "VolumeKmsKeyId": SAMPLE_KEY_ARN},
        "VpcConfig": {"SecurityGroupIds": [SAMPLE_GROUP_ID], "Subnets": [SAMPLE_SUBNET_ID]},
        "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
        "EnableNetworkIsolation": True,
        "EnableInterContainerTrafficEncryption": True,
        "EnableManagedSpotTraining": False,
        "CreationTime": "2026-11-30T08:15:00.000000+00:00",
        "LastModifiedTime": "2026-11-30T09:40:00.000000+00:00",
    }

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Compliant: the base's key on volume and output, in its private subnets, isolated,
        encrypted between containers. Not: a notebook's quick start, none of them."""
        request: dict[str, Any] = {
            "TrainingJobName": name,
            "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            "RoleArn": base.role_arn,
            "OutputDataConfig": {"S3OutputPath": f"s3://{name}/output"},
            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50},
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
        }
        if compliant:
            request["OutputDataConfig"]["KmsKeyId"] = base.key_arn
            request["ResourceConfig"]["VolumeKmsKeyId"] = base.key_arn
            request |= {
                "VpcConfig": {"SecurityGroupIds": [base.security_group], "Subnets": base.subnets},
                "EnableNetworkIsolation": True,
                "EnableInterContainerTrafficEncryption": True,
            }
        session.client("sagemaker").create_training_job(**(request | changes))
        return name


TYPE = TrainingJob()
