"""SageMaker AutoML jobs (V2 and V1), in the DescribeAutoMLJobV2 answer's shape; the id is the job's name.

ListAutoMLJobs lists the jobs of both CreateAutoMLJob and CreateAutoMLJobV2, and DescribeAutoMLJobV2
"returns information about an AutoML job created by calling CreateAutoMLJobV2 or CreateAutoMLJob"
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeAutoMLJobV2.html), with the
volume key, inter-container encryption and VPC in ``SecurityConfig`` and the output key in
``OutputDataConfig``. An AutoML job has no network-isolation setting. AWS Config does not record
AutoML jobs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources.base import SAMPLE_ACCOUNT, SAMPLE_GROUP_ID, SAMPLE_KEY_ARN, SAMPLE_REGION, SAMPLE_ROLE_ARN, SAMPLE_SUBNET_ID
from smguard.resources.jobs import JobType

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase


class AutoMLJob(JobType):
    name = "AWS::SageMaker::AutoMLJob"
    kind = "AutoML job"
    identifier = "AutoMLJobName"
    arn_field = "AutoMLJobArn"
    listing = ("ListAutoMLJobs", "AutoMLJobSummaries")
    describe_operation = "DescribeAutoMLJobV2"
    create_action = "sagemaker:CreateAutoMLJobV2"
    sample_id = "churn-automl-0412"
    sample = {
        "AutoMLJobName": "churn-automl-0412",
        "AutoMLJobArn": f"arn:aws:sagemaker:{SAMPLE_REGION}:{SAMPLE_ACCOUNT}:automl-job/churn-automl-0412",
        "AutoMLJobStatus": "Completed",
        "AutoMLJobSecondaryStatus": "Completed",
        "AutoMLJobInputDataConfig": [
            {"ChannelType": "training", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://churn-data/train"}}}
        ],
        "OutputDataConfig": {"S3OutputPath": "s3://churn-data/automl", "KmsKeyId": SAMPLE_KEY_ARN},
        "RoleArn": SAMPLE_ROLE_ARN,
        "AutoMLProblemTypeConfigName": "Tabular",
        "SecurityConfig": {
            "VolumeKmsKeyId": SAMPLE_KEY_ARN,
            "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": {"SecurityGroupIds": [SAMPLE_GROUP_ID], "Subnets": [SAMPLE_SUBNET_ID]},
        },
        "CreationTime": "2026-11-30T12:00:00.000000+00:00",
    }

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Compliant: the base's key on volume and output, in its private subnets, encrypted between
        containers. Not: none of them."""
        request: dict[str, Any] = {
            "AutoMLJobName": name,
            "AutoMLJobInputDataConfig": [
                {"ChannelType": "training", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{name}/train"}}}
            ],
            "OutputDataConfig": {"S3OutputPath": f"s3://{name}/automl"},
            "AutoMLProblemTypeConfig": {
                "TabularJobConfig": {"TargetAttributeName": "churned", "ProblemType": "BinaryClassification", "CompletionCriteria": {"MaxCandidates": 10}}
            },
            "RoleArn": base.role_arn,
        }
        if compliant:
            request["OutputDataConfig"]["KmsKeyId"] = base.key_arn
            request["SecurityConfig"] = {
                "VolumeKmsKeyId": base.key_arn,
                "EnableInterContainerTrafficEncryption": True,
                "VpcConfig": {"SecurityGroupIds": [base.security_group], "Subnets": base.subnets},
            }
        session.client("sagemaker").create_auto_ml_job_v2(**(request | changes))
        return name


TYPE = AutoMLJob()
