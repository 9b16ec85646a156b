"""SageMaker jobs: read with their List and Describe APIs, evaluated in the Describe answer's shape.

Training, processing, transform, hyper-parameter tuning, AutoML and labeling jobs are created once
and never change. CloudFormation has no resource type for any of them and AWS Config records only
training jobs (item shape unverified, see docs/resource-types.md), so smguard does not read a
recorded item for a job: its "recorded" configuration is the Describe response itself (its
``ResponseMetadata`` dropped, times as ISO 8601 text), and the rule's check reads the Describe
API's own field names. The six types differ only in names, which each module declares.

Two readings are offered: :meth:`JobType.created_between` lists the names of the jobs created in
a window (the periodic rule's incremental run: ``CreationTimeAfter`` on the List call, so jobs
evaluated before are never listed again), and :meth:`JobType.describe` reads every job
(``smguard evaluate``, which has no previous run).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from botocore import xform_name

from smguard.engine.rule import Resource
from smguard.resources.base import Described, ResourceType
from smguard.resources.sagemaker import LIST_PAGE_SIZE, _describe_each

if TYPE_CHECKING:
    from smguard.scan.template import Recorded, ScannedTemplate
    from smguard.sweep.collected import ProgressTracker


def as_recorded(value: Any) -> Any:
    """A Describe answer as plain JSON values: times become ISO 8601 text, ResponseMetadata goes."""
    if isinstance(value, Mapping):
        return {key: as_recorded(item) for key, item in value.items() if key != "ResponseMetadata"}
    if isinstance(value, list):
        return [as_recorded(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


class JobType(ResourceType):
    """One kind of SageMaker job; subclasses declare the names below and the demo's example."""

    kind: ClassVar[str]
    """The job kind in words, as annotations say it (``training job``)."""
    identifier: ClassVar[str]
    """The field naming the job in List entries and in the Describe request and response."""
    arn_field: ClassVar[str]
    listing: ClassVar[tuple[str, str]]
    """The List operation (the API's name, ``ListTrainingJobs``) and the key of its entries."""
    describe_operation: ClassVar[str]
    """The Describe operation (the API's name, ``DescribeTrainingJob``)."""
    create_action: ClassVar[str]
    """The IAM action that creates the job, as the SCPs name it (``sagemaker:CreateTrainingJob``)."""

    @property
    def actions(self) -> tuple[str, str]:
        """The IAM actions reading this kind calls (List and Describe)."""
        return (f"sagemaker:{self.listing[0]}", f"sagemaker:{self.describe_operation}")

    def recorded(self, response: Mapping[str, Any]) -> Described:
        """A Describe answer as the evaluated configuration, with its ARN."""
        configuration = as_recorded(response)
        return Resource(self.name, response[self.identifier], configuration), response.get(self.arn_field)

    def created_between(self, sagemaker: Any, after: datetime, until: datetime) -> list[str]:
        """The names of the jobs created after ``after`` and at or before ``until``.

        ``CreationTimeAfter`` makes the List call return only jobs newer than ``after`` (the previous
        run's end), so older jobs are never listed again; jobs created after ``until`` (this run's
        notification time) are left to the next run, whose window starts there."""
        pages = sagemaker.get_paginator(xform_name(self.listing[0])).paginate(
            CreationTimeAfter=after, PaginationConfig={"PageSize": LIST_PAGE_SIZE}
        )
        return [
            entry[self.identifier]
            for page in pages
            for entry in page.get(self.listing[1], [])
            if after < entry["CreationTime"] <= until
        ]

    def describe_each(
        self, sagemaker: Any, names: Iterable[str], pool: Executor, progress: ProgressTracker | None = None
    ) -> list[Described]:
        """One Describe per job name, on ``pool``; a job gone in between is skipped.

        Each call runs in a copy of the caller's context, so that the Lambda invocation's deadline
        (smguard.engine.clients.invocation_deadline, a context variable) holds on the pool's threads too."""
        describe = getattr(sagemaker, xform_name(self.describe_operation))
        caller = contextvars.copy_context()
        return _describe_each(
            names, lambda name: caller.copy().run(describe, **{self.identifier: name}), self.recorded, pool, progress or _Unwatched()
        )

    def all_names(self, sagemaker: Any) -> list[str]:
        """The names of every job of the kind (``smguard evaluate``, which has no previous run)."""
        pages = sagemaker.get_paginator(xform_name(self.listing[0])).paginate(PaginationConfig={"PageSize": LIST_PAGE_SIZE})
        return [entry[self.identifier] for page in pages for entry in page.get(self.listing[1], [])]

    def describe(self, clients: Any, pool: Executor, progress: ProgressTracker) -> list[Described]:
        """Every job of the kind in the account and region, with its ARN."""
        sagemaker = clients.build_client("sagemaker")
        return self.describe_each(sagemaker, self.all_names(sagemaker), pool, progress)

    def from_template(self, template: ScannedTemplate) -> list[Recorded]:
        """CloudFormation has no resource type for a SageMaker job: no template declares one."""
        return []


class _Unwatched:
    """The progress of a Lambda function's Describe calls, which nobody watches."""

    def expect(self, count: int) -> None:
        pass

    def advance(self) -> None:
        pass

