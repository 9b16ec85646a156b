"""SageMaker jobs in the embedded AWS: what moto 5.2.5 leaves out of the jobs sagemaker_jobs reads.

- **Labeling jobs** (CreateLabelingJob, DescribeLabelingJob, ListLabelingJobs) are not implemented
  in moto. They are added here as the SageMaker API reference documents them
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html,
  API_DescribeLabelingJob.html, API_ListLabelingJobs.html): a new job is ``InProgress`` with zero
  label counters and a ``JobReferenceCode``; a name already used is ``ResourceInUse``; an unknown
  name is ``ResourceNotFound``; the list filters on CreationTimeAfter/Before (strictly), NameContains
  and StatusEquals, is sorted by SortBy (default CreationTime) and SortOrder (default Ascending),
  and is paged by MaxResults (1 to 100; decision: 10 when absent, AWS publishes no default).
  Decision: the HumanTaskConfig's work team is not checked to exist.
- **Processing jobs**: moto drops ``ProcessingResources`` from DescribeProcessingJob, where AWS
  always returns it (a required member of the response,
  https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeProcessingJob.html);
  without it a processing job would show no volume key. It is kept as the request gave it.

Like the Config additions, the jobs live on moto's per account/region backend object, so moto's
reset drops them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from moto.core.responses import ActionResult
from moto.sagemaker.exceptions import AWSValidationException, ResourceInUseException, ResourceNotFound
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

LIST_DEFAULT, LIST_MAX = 10, 100
SORT_BY = ("Name", "CreationTime", "Status")
SORT_ORDER = ("Ascending", "Descending")
STATUSES = ("Initializing", "InProgress", "Completed", "Failed", "Stopping", "Stopped")
_STORE_ATTRIBUTE = "_smguard_labeling_jobs"


@dataclass
class LabelingJob:
    request: dict[str, Any]
    arn: str
    created: datetime
    status: str = "InProgress"
    reference: str = field(default_factory=lambda: secrets.token_hex(8))

    @property
    def name(self) -> str:
        return str(self.request["LabelingJobName"])

    def counters(self) -> dict[str, int]:
        return {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0, "FailedNonRetryableError": 0, "Unlabeled": 0}

    def describe(self) -> dict[str, Any]:
        answer = {key: value for key, value in self.request.items() if value is not None}
        answer |= {
            "LabelingJobArn": self.arn,
            "LabelingJobStatus": self.status,
            "LabelCounters": self.counters(),
            "CreationTime": self.created,
            "LastModifiedTime": self.created,
            "JobReferenceCode": self.reference,
        }
        return answer

    def summary(self) -> dict[str, Any]:
        human = self.request.get("HumanTaskConfig") or {}
        entry = {
            "LabelingJobName": self.name,
            "LabelingJobArn": self.arn,
            "CreationTime": self.created,
            "LastModifiedTime": self.created,
            "LabelingJobStatus": self.status,
            "LabelCounters": self.counters(),
            "WorkteamArn": human.get("WorkteamArn", ""),
            "InputConfig": self.request.get("InputConfig"),
        }
        if human.get("PreHumanTaskLambdaArn"):
            entry["PreHumanTaskLambdaArn"] = human["PreHumanTaskLambdaArn"]
        return entry


def _jobs(backend: SageMakerModelBackend) -> dict[str, LabelingJob]:
    return backend.__dict__.setdefault(_STORE_ATTRIBUTE, {})


def _time(value: Any) -> datetime | None:
    """A timestamp of the request (the JSON protocol sends epoch seconds) as an aware UTC datetime."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(float(value), timezone.utc)


def _create_labeling_job(self: SageMakerResponse) -> ActionResult:
    request = dict(self._get_params())
    backend = self.sagemaker_backend
    name = request.get("LabelingJobName")
    jobs = _jobs(backend)
    if name in jobs:
        raise ResourceInUseException(f"Labeling job {name} already exists.")
    arn = arn_formatter("labeling-job", str(name).lower(), backend.account_id, backend.region_name)
    jobs[str(name)] = LabelingJob(request, arn, datetime.now(timezone.utc))
    return ActionResult({"LabelingJobArn": arn})


def _describe_labeling_job(self: SageMakerResponse) -> ActionResult:
    name = self._get_param("LabelingJobName")
    job = _jobs(self.sagemaker_backend).get(name)
    if job is None:
        raise ResourceNotFound(f"Could not find labeling job '{name}'.")
    return ActionResult(job.describe())


def _list_labeling_jobs(self: SageMakerResponse) -> ActionResult:
    limit = self._get_int_param("MaxResults") or LIST_DEFAULT
    sort_by = self._get_param("SortBy", "CreationTime")
    sort_order = self._get_param("SortOrder", "Ascending")
    status = self._get_param("StatusEquals")
    errors = []
    if not 1 <= limit <= LIST_MAX:
        errors.append(f"Value '{limit}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to {LIST_MAX}")
    for value, allowed, where in ((sort_by, SORT_BY, "sortBy"), (sort_order, SORT_ORDER, "sortOrder"), (status, STATUSES, "statusEquals")):
        if value is not None and value not in allowed:
            errors.append(f"Value '{value}' at '{where}' failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(allowed)}]")
    if errors:
        raise AWSValidationException(f"{len(errors)} validation error{'s' if len(errors) > 1 else ''} detected: {'; '.join(errors)}")
    after, before = _time(self._get_param("CreationTimeAfter")), _time(self._get_param("CreationTimeBefore"))
    contains = self._get_param("NameContains")
    jobs = [
        job
        for job in _jobs(self.sagemaker_backend).values()
        if (after is None or job.created > after)
        and (before is None or job.created < before)
        and (contains is None or contains in job.name)
        and (status is None or job.status == status)
    ]
    key = {"Name": lambda job: job.name, "Status": lambda job: job.status}.get(sort_by, lambda job: job.created)
    jobs.sort(key=key, reverse=sort_order == "Descending")
    start = int(self._get_param("NextToken") or 0)
    answer: dict[str, Any] = {"LabelingJobSummaryList": [job.summary() for job in jobs[start : start + limit]]}
    if start + limit < len(jobs):
        answer["NextToken"] = str(start + limit)
    return ActionResult(answer)


_moto_create_processing_job = SageMakerResponse.create_processing_job


def _create_processing_job(self: SageMakerResponse) -> ActionResult:
    result = _moto_create_processing_job(self)
    job = self.sagemaker_backend.processing_jobs[self._get_param("ProcessingJobName")]
    job.processing_resources = self._get_param("ProcessingResources")  # type: ignore[attr-defined]  # read by moto's response_object
    return result


_RESPONSE_METHODS = {
    "create_labeling_job": _create_labeling_job,
    "describe_labeling_job": _describe_labeling_job,
    "list_labeling_jobs": _list_labeling_jobs,
    "create_processing_job": _create_processing_job,
}


def install() -> None:
    """Give moto's SageMaker labeling jobs and complete processing jobs (idempotent, process-wide)."""
    for name, function in _RESPONSE_METHODS.items():
        setattr(SageMakerResponse, name, function)
