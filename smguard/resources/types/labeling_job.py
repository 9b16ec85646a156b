"""SageMaker Ground Truth labeling jobs, in the DescribeLabelingJob answer's shape; the id is the job's name.

A labeling job's output key is ``OutputConfig.KmsKeyId``. Its volume key,
``LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId``, exists only with
automated data labeling: "You can only specify a VolumeKmsKeyId when you create a labeling job with
automated data labeling enabled"
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_LabelingJobResourceConfig.html).
AWS Config does not record labeling jobs; moto lacks them, smguard.embedded.sagemaker_jobs adds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources.base import SAMPLE_ACCOUNT, SAMPLE_KEY_ARN, SAMPLE_REGION, SAMPLE_ROLE_ARN
from smguard.resources.jobs import JobType

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

ALGORITHM = f"arn:aws:sagemaker:{SAMPLE_REGION}:027400017018:labeling-job-algorithm-specification/image-classification"
WORKTEAM = f"arn:aws:sagemaker:{SAMPLE_REGION}:{SAMPLE_ACCOUNT}:workteam/private-crowd/claims-reviewers"
LAMBDA = f"arn:aws:lambda:{SAMPLE_REGION}:432418664414:function:PRE-ImageMultiClass"
CONSOLIDATION = f"arn:aws:lambda:{SAMPLE_REGION}:432418664414:function:ACS-ImageMultiClass"


def _human_task(name: str) -> dict[str, Any]:
    return {
        "WorkteamArn": WORKTEAM,
        "UiConfig": {"UiTemplateS3Uri": f"s3://{name}/template.liquid"},
        "PreHumanTaskLambdaArn": LAMBDA,
        "TaskTitle": "Classify claim photos",
        "TaskDescription": "Choose the damage category",
        "NumberOfHumanWorkersPerDataObject": 1,
        "TaskTimeLimitInSeconds": 600,
        "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn": CONSOLIDATION},
    }


class LabelingJob(JobType):
    name = "AWS::SageMaker::LabelingJob"
    kind = "labeling job"
    identifier = "LabelingJobName"
    arn_field = "LabelingJobArn"
    listing = ("ListLabelingJobs", "LabelingJobSummaryList")
    describe_operation = "DescribeLabelingJob"
    create_action = "sagemaker:CreateLabelingJob"
    sample_id = "claims-photos-0412"
    sample = {
        "LabelingJobName": "claims-photos-0412",
        "LabelingJobArn": f"arn:aws:sagemaker:{SAMPLE_REGION}:{SAMPLE_ACCOUNT}:labeling-job/claims-photos-0412",
        "LabelingJobStatus": "Completed",
        "LabelAttributeName": "damage",
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://claims-photos/manifest.jsonl"}}},
        "OutputConfig": {"S3OutputPath": "s3://claims-photos/labels", "KmsKeyId": SAMPLE_KEY_ARN},
        "RoleArn": SAMPLE_ROLE_ARN,
        "LabelingJobAlgorithmsConfig": {
            "LabelingJobAlgorithmSpecificationArn": ALGORITHM,
            "LabelingJobResourceConfig": {"VolumeKmsKeyId": SAMPLE_KEY_ARN},
        },
        "HumanTaskConfig": _human_task("claims-photos"),
        "CreationTime": "2026-11-30T13:00:00.000000+00:00",
        "LastModifiedTime": "2026-11-30T13:00:00.000000+00:00",
    }

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Compliant: automated labeling with the base's key on its volume and on the output. Not:
        automated labeling without either key. A change to None leaves the field out
        (``LabelingJobAlgorithmsConfig=None``: labeling by people only)."""
        request: dict[str, Any] = {
            "LabelingJobName": name,
            "LabelAttributeName": "damage",
            "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": f"s3://{name}/manifest.jsonl"}}},
            "OutputConfig": {"S3OutputPath": f"s3://{name}/labels"},
            "RoleArn": base.role_arn,
            "LabelingJobAlgorithmsConfig": {"LabelingJobAlgorithmSpecificationArn": ALGORITHM},
            "HumanTaskConfig": _human_task(name),
        }
        if compliant:
            request["OutputConfig"]["KmsKeyId"] = base.key_arn
            request["LabelingJobAlgorithmsConfig"]["LabelingJobResourceConfig"] = {"VolumeKmsKeyId": base.key_arn}
        session.client("sagemaker").create_labeling_job(**{k: v for k, v in (request | changes).items() if v is not None})
        return name


TYPE = LabelingJob()
