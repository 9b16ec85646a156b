"""The embedded AWS's additions for sagemaker_jobs: labeling jobs, processing-job resources, and
GetComplianceDetailsByResource, each as the API reference documents it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError

from smguard.demo.environment import DemoBase
from smguard.embedded import install
from smguard.resources.types import labeling_job, processing_job
from tests.embedded.conftest import ACCOUNT, REGION, T0, Account

BASE = DemoBase(ACCOUNT, REGION, f"arn:aws:iam::{ACCOUNT}:role/ds", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k", "logs", "vpc-1", ["subnet-1"], "sg-1")


@pytest.fixture
def sagemaker(aws):
    install()
    return boto3.client("sagemaker", region_name=REGION)


def test_a_labeling_job_is_described_as_created_in_progress_with_zero_counters(sagemaker):
    labeling_job.TYPE.example(boto3.Session(region_name=REGION), BASE, "claims", compliant=True)
    described = sagemaker.describe_labeling_job(LabelingJobName="claims")
    assert described["LabelingJobArn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/claims"
    assert (described["LabelingJobStatus"], described["LabelCounters"]["TotalLabeled"]) == ("InProgress", 0)
    assert described["OutputConfig"] == {"S3OutputPath": "s3://claims/labels", "KmsKeyId": BASE.key_arn}
    assert described["LabelingJobAlgorithmsConfig"]["LabelingJobResourceConfig"] == {"VolumeKmsKeyId": BASE.key_arn}
    assert described["JobReferenceCode"]


def test_a_labeling_job_name_is_unique_and_an_unknown_one_is_not_found(sagemaker):
    session = boto3.Session(region_name=REGION)
    labeling_job.TYPE.example(session, BASE, "claims", compliant=True)
    with pytest.raises(ClientError) as taken:
        labeling_job.TYPE.example(session, BASE, "claims", compliant=False)
    assert taken.value.response["Error"]["Code"] == "ResourceInUse"
    with pytest.raises(ClientError) as unknown:
        sagemaker.describe_labeling_job(LabelingJobName="nothing")
    assert unknown.value.response["Error"]["Code"] == "ResourceNotFound"


def test_labeling_jobs_are_listed_by_creation_time_filtered_and_paged(sagemaker):
    session = boto3.Session(region_name=REGION)
    for name in ("a-first", "b-second", "c-third"):
        labeling_job.TYPE.example(session, BASE, name, compliant=True)
    first = sagemaker.list_labeling_jobs(MaxResults=2)
    assert [job["LabelingJobName"] for job in first["LabelingJobSummaryList"]] == ["a-first", "b-second"]
    rest = sagemaker.list_labeling_jobs(MaxResults=2, NextToken=first["NextToken"])
    assert [job["LabelingJobName"] for job in rest["LabelingJobSummaryList"]] == ["c-third"] and "NextToken" not in rest
    later = datetime.now(timezone.utc) + timedelta(minutes=1)
    assert sagemaker.list_labeling_jobs(CreationTimeAfter=later)["LabelingJobSummaryList"] == []
    assert [j["LabelingJobName"] for j in sagemaker.list_labeling_jobs(NameContains="second")["LabelingJobSummaryList"]] == ["b-second"]
    descending = sagemaker.list_labeling_jobs(SortBy="Name", SortOrder="Descending")["LabelingJobSummaryList"]
    assert [job["LabelingJobName"] for job in descending] == ["c-third", "b-second", "a-first"]


def test_a_listing_outside_the_model_is_refused_naming_each_member(sagemaker):
    with pytest.raises(ClientError) as refused:
        sagemaker.list_labeling_jobs(SortBy="Size", StatusEquals="Done")
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "'sortBy'" in str(refused.value) and "'statusEquals'" in str(refused.value)


def test_describe_processing_job_returns_the_resources_it_was_created_with(sagemaker):
    processing_job.TYPE.example(boto3.Session(region_name=REGION), BASE, "features", compliant=True)
    described = sagemaker.describe_processing_job(ProcessingJobName="features")
    assert described["ProcessingResources"] == {
        "ClusterConfig": {"InstanceCount": 2, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30, "VolumeKmsKeyId": BASE.key_arn}
    }


def test_a_resources_results_are_listed_under_every_rule_and_filtered(account: Account):
    account.create_rule("one")
    account.create_rule("two")
    account.post("one", ("nb-1", "NON_COMPLIANT", "no key"))
    account.post("two", ("nb-1", "COMPLIANT", None), ("nb-2", "COMPLIANT", None))
    config = account.config
    every = config.get_compliance_details_by_resource(ResourceType="AWS::SageMaker::NotebookInstance", ResourceId="nb-1")
    assert [
        (r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ConfigRuleName"], r["ComplianceType"])
        for r in every["EvaluationResults"]
    ] == [("one", "NON_COMPLIANT"), ("two", "COMPLIANT")]
    assert every["EvaluationResults"][0]["EvaluationResultIdentifier"]["OrderingTimestamp"] == T0
    compliant = config.get_compliance_details_by_resource(
        ResourceType="AWS::SageMaker::NotebookInstance", ResourceId="nb-1", ComplianceTypes=["COMPLIANT"]
    )
    assert len(compliant["EvaluationResults"]) == 1
    assert config.get_compliance_details_by_resource(ResourceType="AWS::::Account", ResourceId=ACCOUNT)["EvaluationResults"] == []
    with pytest.raises(ClientError) as refused:
        config.get_compliance_details_by_resource(ResourceType="AWS::::Account", ResourceId=ACCOUNT, ComplianceTypes=["INSUFFICIENT_DATA"])
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
