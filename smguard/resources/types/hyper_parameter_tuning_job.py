"""SageMaker hyper-parameter tuning jobs, in the DescribeHyperParameterTuningJob answer's shape; the id is the job's name.

A tuning job starts training jobs from its training job definition (``TrainingJobDefinition``, or
several in ``TrainingJobDefinitions``): the keys, isolation, encryption and VPC are set there, and
the volume key may be in ``HyperParameterTuningResourceConfig`` instead of ``ResourceConfig``.
AWS Config does not record tuning jobs. Fields: CreateHyperParameterTuningJob and
HyperParameterTrainingJobDefinition in the SageMaker API reference
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperParameterTrainingJobDefinition.html).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources.base import SAMPLE_ACCOUNT, SAMPLE_GROUP_ID, SAMPLE_KEY_ARN, SAMPLE_REGION, SAMPLE_ROLE_ARN, SAMPLE_SUBNET_ID
from smguard.resources.jobs import JobType
from smguard.resources.types.training_job import IMAGE

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase


class HyperParameterTuningJob(JobType):
    name = "AWS::SageMaker::HyperParameterTuningJob"
    kind = "tuning job"
    identifier = "HyperParameterTuningJobName"
    arn_field = "HyperParameterTuningJobArn"
    listing = ("ListHyperParameterTuningJobs", "HyperParameterTuningJobSummaries")
    describe_operation = "DescribeHyperParameterTuningJob"
    create_action = "sagemaker:CreateHyperParameterTuningJob"
    sample_id = "risk-model-tune-0412"
    sample = {
        "HyperParameterTuningJobName": "risk-model-tune-0412",
        "HyperParameterTuningJobArn": f"arn:aws:sagemaker:{SAMPLE_REGION}:{SAMPLE_ACCOUNT}:hyper-parameter-tuning-job/risk-model-tune-0412",
        "HyperParameterTuningJobStatus": "Completed",
        "HyperParameterTuningJobConfig": {"Strategy": "Bayesian", "ResourceLimits": {"MaxNumberOfTrainingJobs": 20, "MaxParallelTrainingJobs": 2}},
        "TrainingJobDefinition": {
            "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            "RoleArn": SAMPLE_ROLE_ARN,
            "OutputDataConfig": {"S3OutputPath": "s3://risk-models/tuning", "KmsKeyId": SAMPLE_KEY_ARN},
            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50, "VolumeKmsKeyId": SAMPLE_KEY_ARN},
            "VpcConfig": {"SecurityGroupIds": [SAMPLE_GROUP_ID], "Subnets": [SAMPLE_SUBNET_ID]},
            "StoppingCondition": {"MaxRuntimeInSeconds": 7200},
            "EnableNetworkIsolation": True,
            "EnableInterContainerTrafficEncryption": True,
        },
        "CreationTime": "2026-11-30T11:00:00.000000+00:00",
    }

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Compliant: a definition with the base's key on volume and output, isolated in its
        private subnets, encrypted between containers. Not: a definition with none of them."""
        definition: dict[str, Any] = {
            "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            "RoleArn": base.role_arn,
            "OutputDataConfig": {"S3OutputPath": f"s3://{name}/tuning"},
            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
            "StoppingCondition": {"MaxRuntimeInSeconds": 7200},
        }
        if compliant:
            definition["OutputDataConfig"]["KmsKeyId"] = base.key_arn
            definition["ResourceConfig"]["VolumeKmsKeyId"] = base.key_arn
            definition |= {
                "VpcConfig": {"SecurityGroupIds": [base.security_group], "Subnets": base.subnets},
                "EnableNetworkIsolation": True,
                "EnableInterContainerTrafficEncryption": True,
            }
        request = {
            "HyperParameterTuningJobName": name,
            "HyperParameterTuningJobConfig": {"Strategy": "Bayesian", "ResourceLimits": {"MaxNumberOfTrainingJobs": 20, "MaxParallelTrainingJobs": 2}},
            "TrainingJobDefinition": definition,
        }
        session.client("sagemaker").create_hyper_parameter_tuning_job(**(request | changes))
        return name


TYPE = HyperParameterTuningJob()
