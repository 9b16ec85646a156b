"""sagemaker_jobs through its real Lambda handler: jobs in the embedded AWS, scheduled events.

moto creates every job with the real clock's time, so each event's notification time is set
from the clock too. Labeling jobs and DescribeProcessingJob's ProcessingResources come from the
embedded AWS (smguard.embedded.sagemaker_jobs). The window the previous run recorded on the
account is served with :class:`tests.support.events.PagedListing` on a botocore ``before-call``
hook (TestMode PutEvaluations stores nothing to read back); the demo's test reads it from the
embedded AWS end to end.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest

from smguard import embedded
from smguard.demo.environment import DemoBase
from smguard.engine import InvalidRuleParameterError
from smguard.engine.clients import invocation_deadline
from smguard.engine.errors import DeadlineExceededError
from smguard.engine.handler import SHARED_CLIENTS
from smguard.resources.types import auto_ml_job, hyper_parameter_tuning_job, labeling_job, processing_job, training_job, transform_job
from smguard.rules.sagemaker_jobs.app import lambda_handler
from smguard.rules.sagemaker_jobs.check import FIX
from smguard.rules.sagemaker_jobs.window import ACCOUNT_TYPE, Window
from tests.support.events import ACCOUNT, REGION, PagedListing, evaluation_result, scheduled_event

KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0d6c3a1e-5b7f-4c2a-9e8d-1f2a3b4c5d6e"
BASE = DemoBase(ACCOUNT, REGION, f"arn:aws:iam::{ACCOUNT}:role/ds", KEY, "logs", "vpc-1", ["subnet-0a1b2c3d4e5f60718"], "sg-0a1b2c3d4e5f60718")
KINDS = (training_job, processing_job, transform_job, hyper_parameter_tuning_job, auto_ml_job, labeling_job)
RULE = "smguard-test-rule"


@pytest.fixture
def session(aws: None) -> boto3.Session:
    embedded.install()
    return boto3.Session(region_name=REGION)


def at(moment: datetime, **kwargs: Any) -> dict[str, Any]:
    """A scheduled notification created at ``moment``."""
    event = scheduled_event(**kwargs)
    invoking = json.loads(event["invokingEvent"])
    invoking["notificationCreationTime"] = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    event["invokingEvent"] = json.dumps(invoking)
    return event


def now() -> datetime:
    """The clock, to the millisecond (a notification time's precision)."""
    moment = datetime.now(timezone.utc)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def recorded(window: Window | None, *others: dict[str, Any]) -> PagedListing:
    """Serve the account's results: the window this rule recorded (if any) and other rules' results."""
    results = list(others)
    if window is not None:
        result = evaluation_result(ACCOUNT_TYPE, ACCOUNT, "NOT_APPLICABLE", rule_name=RULE)
        results.append(result | {"Annotation": window.annotation()})
    listing = PagedListing("EvaluationResults", results, 100)
    SHARED_CLIENTS.client("config").meta.events.register("before-call.config-service.GetComplianceDetailsByResource", listing)
    return listing


class CallCounter:
    """Counts the API calls the handler's clients make, by operation name."""

    def __init__(self, *services: str) -> None:
        self.calls: Counter[str] = Counter()
        for service in services:
            SHARED_CLIENTS.client(service).meta.events.register("before-call", self)

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1


def test_the_first_run_reads_every_kind_within_the_look_back_and_records_its_window(session, posted):
    for module in KINDS:
        module.TYPE.example(session, BASE, f"{module.__name__.rsplit('.', 1)[1].replace('_', '-')}-ok", compliant=True)
        module.TYPE.example(session, BASE, f"{module.__name__.rsplit('.', 1)[1].replace('_', '-')}-bad", compliant=False)
    recorded(None)
    notified = now()
    lambda_handler(at(notified), None)
    window = Window(notified - timedelta(days=7), notified)
    assert sorted(posted.results()) == sorted([
        ("AWS::SageMaker::TrainingJob", "training-job-ok", "COMPLIANT", "Training job training-job-ok has a volume KMS key, an output KMS key, inter-container traffic encryption, network isolation and VPC subnets."),
        ("AWS::SageMaker::TrainingJob", "training-job-bad", "NON_COMPLIANT", "Training job training-job-bad must set ResourceConfig.VolumeKmsKeyId (absent), OutputDataConfig.KmsKeyId (absent), EnableInterContainerTrafficEncryption true (false) (+2 more). " + FIX),
        ("AWS::SageMaker::ProcessingJob", "processing-job-ok", "COMPLIANT", "Processing job processing-job-ok has a volume KMS key, an output KMS key, inter-container traffic encryption, network isolation and VPC subnets."),
        ("AWS::SageMaker::ProcessingJob", "processing-job-bad", "NON_COMPLIANT", "Processing job processing-job-bad must set ProcessingResources.ClusterConfig.VolumeKmsKeyId (absent), ProcessingOutputConfig.KmsKeyId (absent) (+3 more). " + FIX),
        ("AWS::SageMaker::TransformJob", "transform-job-ok", "COMPLIANT", "Transform job transform-job-ok has a volume KMS key and an output KMS key."),
        ("AWS::SageMaker::TransformJob", "transform-job-bad", "NON_COMPLIANT", "Transform job transform-job-bad must set TransformResources.VolumeKmsKeyId (absent), TransformOutput.KmsKeyId (absent). " + FIX),
        ("AWS::SageMaker::HyperParameterTuningJob", "hyper-parameter-tuning-job-ok", "COMPLIANT", "Tuning job hyper-parameter-tuning-job-ok has a volume KMS key, an output KMS key, inter-container traffic encryption, network isolation and VPC subnets."),
        ("AWS::SageMaker::HyperParameterTuningJob", "hyper-parameter-tuning-job-bad", "NON_COMPLIANT", "Tuning job hyper-parameter-tuning-job-bad must set TrainingJobDefinition.ResourceConfig.VolumeKmsKeyId (absent), TrainingJobDefinition.OutputDataConfig.KmsKeyId (absent) (+3 more). " + FIX),
        ("AWS::SageMaker::AutoMLJob", "auto-ml-job-ok", "COMPLIANT", "AutoML job auto-ml-job-ok has a volume KMS key, an output KMS key, inter-container traffic encryption and VPC subnets."),
        ("AWS::SageMaker::AutoMLJob", "auto-ml-job-bad", "NON_COMPLIANT", "AutoML job auto-ml-job-bad must set SecurityConfig.VolumeKmsKeyId (absent), OutputDataConfig.KmsKeyId (absent), SecurityConfig.EnableInterContainerTrafficEncryption true (absent) (+1 more). " + FIX),
        ("AWS::SageMaker::LabelingJob", "labeling-job-ok", "COMPLIANT", "Labeling job labeling-job-ok has a volume KMS key and an output KMS key."),
        ("AWS::SageMaker::LabelingJob", "labeling-job-bad", "NON_COMPLIANT", "Labeling job labeling-job-bad must set LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId (absent), OutputConfig.KmsKeyId (absent). " + FIX),
        (ACCOUNT_TYPE, ACCOUNT, "NOT_APPLICABLE", window.annotation()),
    ])
    assert posted.results()[-1][0] == ACCOUNT_TYPE, "the window is delivered last, after every job"


def test_a_later_run_reads_only_the_jobs_created_since_the_recorded_window(session, posted):
    training_job.TYPE.example(session, BASE, "before", compliant=False)
    previous_end = now()
    while now() <= previous_end:
        pass
    training_job.TYPE.example(session, BASE, "after", compliant=True)
    listing = recorded(Window(previous_end - timedelta(hours=1), previous_end))
    counter = CallCounter("sagemaker", "config")
    notified = now()
    lambda_handler(at(notified), None)
    assert [r[:3] for r in posted.results()] == [
        ("AWS::SageMaker::TrainingJob", "after", "COMPLIANT"),
        (ACCOUNT_TYPE, ACCOUNT, "NOT_APPLICABLE"),
    ]
    assert posted.results()[-1][3] == Window(previous_end, notified).annotation()
    # The window's own hook answers before the generic counter runs: its calls are counted apart.
    assert counter.calls + Counter({"GetComplianceDetailsByResource": len(listing.requests)}) == Counter({
        "ListTrainingJobs": 1, "ListProcessingJobs": 1, "ListTransformJobs": 1, "ListHyperParameterTuningJobs": 1,
        "ListAutoMLJobs": 1, "ListLabelingJobs": 1, "DescribeTrainingJob": 1,
        "GetComplianceDetailsByResource": 1, "PutEvaluations": 1,
    })
    assert listing.requests == [{"ResourceType": ACCOUNT_TYPE, "ResourceId": ACCOUNT, "ComplianceTypes": ["NOT_APPLICABLE"]}]


def test_old_results_are_never_retired_the_clean_up_does_not_run(session, posted):
    recorded(None)
    counter = CallCounter("config")
    lambda_handler(at(now()), None)
    assert "GetComplianceDetailsByConfigRule" not in counter.calls
    assert [r[0] for r in posted.results()] == [ACCOUNT_TYPE]


def test_another_rules_result_on_the_account_is_not_taken_for_the_window(session, posted):
    training_job.TYPE.example(session, BASE, "recent", compliant=True)
    other = evaluation_result(ACCOUNT_TYPE, ACCOUNT, "NOT_APPLICABLE", rule_name="another-rule")
    recorded(None, other | {"Annotation": Window(now(), now() + timedelta(days=1)).annotation()})
    lambda_handler(at(now()), None)
    assert [r[1] for r in posted.results()] == ["recent", ACCOUNT]


def test_a_retry_of_a_delivered_run_reads_the_same_window_again(session, posted):
    first_start = now() - timedelta(hours=2)
    training_job.TYPE.example(session, BASE, "refused-once", compliant=False)
    notified = now()
    recorded(Window(first_start, notified))
    lambda_handler(at(notified), None)
    assert [r[1] for r in posted.results()] == ["refused-once", ACCOUNT]
    assert posted.results()[-1][3] == Window(first_start, notified).annotation()


def test_a_notification_older_than_the_recorded_window_reads_nothing(session, posted):
    training_job.TYPE.example(session, BASE, "covered", compliant=False)
    notified = now()
    recorded(Window(notified - timedelta(hours=1), notified + timedelta(hours=1)))
    counter = CallCounter("sagemaker")
    lambda_handler(at(notified), None)
    assert posted.results() == []
    assert counter.calls == Counter()


def test_the_look_back_of_the_first_run_is_a_parameter(session, posted):
    recorded(None)
    notified = now()
    lambda_handler(at(notified, parameters={"FirstRunLookbackDays": "30"}), None)
    assert posted.results() == [(ACCOUNT_TYPE, ACCOUNT, "NOT_APPLICABLE", Window(notified - timedelta(days=30), notified).annotation())]


def test_a_look_back_outside_the_allowed_values_fails_the_invocation_by_name(session, posted):
    with pytest.raises(InvalidRuleParameterError, match="'FirstRunLookbackDays': 365 is not one of 1, 7, 14, 30, 90"):
        lambda_handler(at(now(), parameters={"FirstRunLookbackDays": "365"}), None)
    assert posted.results() == []


def test_an_unreadable_recorded_window_fails_the_invocation_instead_of_guessing(session, posted):
    result = evaluation_result(ACCOUNT_TYPE, ACCOUNT, "NOT_APPLICABLE", rule_name=RULE) | {"Annotation": "edited by hand"}
    recorded(None, result)
    with pytest.raises(Exception, match="does not record a window: 'edited by hand'"):
        lambda_handler(at(now()), None)
    assert posted.results() == []


def test_list_pages_are_followed_and_jobs_outside_the_window_are_dropped(session, posted):
    """ListTrainingJobs pages of 2; a job the API lists that was created after the notification
    (between it and the List call) is left to the next run, whose window starts there."""
    notified = now()
    entries = [
        {"TrainingJobName": f"job-{n}", "TrainingJobArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/job-{n}",
         "CreationTime": notified - timedelta(minutes=5 - n), "TrainingJobStatus": "Completed"}
        for n in range(5)
    ] + [{"TrainingJobName": "later", "TrainingJobArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/later",
          "CreationTime": notified + timedelta(seconds=1), "TrainingJobStatus": "InProgress"}]
    for n in range(5):
        training_job.TYPE.example(session, BASE, f"job-{n}", compliant=True)
    pages = PagedListing("TrainingJobSummaries", entries, 2)
    SHARED_CLIENTS.client("sagemaker").meta.events.register("before-call.sagemaker.ListTrainingJobs", pages)
    recorded(Window(notified - timedelta(hours=1), notified - timedelta(minutes=10)))
    lambda_handler(at(notified), None)
    assert len(pages.requests) == 3
    assert {request["MaxResults"] for request in pages.requests} == {100}
    assert [r[1] for r in posted.results()] == [*(f"job-{n}" for n in range(5)), ACCOUNT]


def test_describe_calls_on_the_thread_pool_keep_the_invocations_deadline(session):
    """The Describe calls run on worker threads; the function's deadline must hold there too."""
    training_job.TYPE.example(session, BASE, "late", compliant=True)

    class LittleTimeLeft:
        @staticmethod
        def get_remaining_time_in_millis() -> int:
            return 10_000

    sagemaker = SHARED_CLIENTS.client("sagemaker")
    with invocation_deadline(LittleTimeLeft()), ThreadPoolExecutor(2) as pool:
        with pytest.raises(DeadlineExceededError, match="DescribeTrainingJob"):
            training_job.TYPE.describe_each(sagemaker, ["late"], pool)
    with ThreadPoolExecutor(2) as pool:
        assert [resource.resource_id for resource, _ in training_job.TYPE.describe_each(sagemaker, ["late"], pool)] == ["late"]
