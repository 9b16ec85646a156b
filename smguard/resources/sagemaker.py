"""How SageMaker resources are read for their recorded (CloudFormation) shape, shared by the SageMaker types.

The List APIs return no KMS, root-access or network fields, so each resource needs one Describe
call: that is the floor, and a sweep makes no other call per resource. The Describe calls run on
a bounded thread pool. Describe responses name some properties differently from the recorded
item; each type's ``PROPERTIES`` mapping is the only place that knows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, ClassVar

from botocore.exceptions import ClientError

from smguard.engine.rule import Resource
from smguard.resources.base import CloudFormationShaped, Described

if TYPE_CHECKING:
    from smguard.sweep.collected import ProgressTracker

LIST_PAGE_SIZE = 100
"""MaxResults' maximum in the model of each List call read here: as few List calls as AWS allows."""

GONE_ERROR_CODES = frozenset({"ResourceNotFound", "ValidationException"})
"""What a Describe of a resource just listed returns when it was deleted in between (SageMaker
reports an unknown name as ValidationException): the resource no longer exists, so it is skipped."""


def same_names(*names: str) -> dict[str, str]:
    """A Describe response and the CloudFormation resource that name these properties alike."""
    return {name: name for name in names}


def recorded_configuration(response: Mapping[str, Any], properties: Mapping[str, str]) -> dict[str, Any]:
    """The recorded configuration: listed properties only, renamed, unset ones left out.

    AWS Config leaves out a property the API did not return. An empty structure or list carries
    no setting either (moto returns ``DataCaptureConfig: {}`` where AWS returns nothing), so it is
    left out too: a check must see "absent", the API default, in both cases.
    """
    configuration = {}
    for api_name, recorded_name in properties.items():
        value = response.get(api_name)
        if value is None or value == {} or value == []:
            continue
        configuration[recorded_name] = value
    return configuration


class SageMakerType(CloudFormationShaped):
    """A SageMaker type read for ``evaluate`` by one List sweep and one Describe per resource.

    The four types differ only in names (the List operation and its result key, the identifier
    that both the List entries and the Describe request carry, the Describe operation, the ARN
    field, how Describe names each property), so each declares those and nothing else."""

    describe_properties: ClassVar[Mapping[str, str]]
    """Describe response field -> recorded (CloudFormation) property."""
    identifier: ClassVar[str]
    """The field naming the resource in List entries, in the Describe request and response (its Config id)."""
    listed_identifier: ClassVar[str | None] = None
    """The field naming it in List entries when that differs from ``identifier`` (Model Monitor's job
    definitions are listed as ``MonitoringJobDefinitionName`` and described by ``JobDefinitionName``)."""
    arn_field: ClassVar[str]
    listing: ClassVar[tuple[str, str]]
    """The List operation (boto3 name) and the key of its entries."""
    describe_operation: ClassVar[str]

    def recorded(self, response: Mapping[str, Any]) -> Described:
        """A Describe response as the recorded item, with its ARN."""
        configuration = recorded_configuration(response, self.describe_properties)
        return Resource(self.name, response[self.identifier], configuration), response.get(self.arn_field)

    def describe(self, clients: Any, pool: Executor, progress: ProgressTracker) -> list[Described]:
        """Every resource of the account and region: the List sweep, then one Describe each."""
        sagemaker = clients.build_client("sagemaker")
        operation, key = self.listing
        pages = sagemaker.get_paginator(operation).paginate(PaginationConfig={"PageSize": LIST_PAGE_SIZE})
        listed = self.listed_identifier or self.identifier
        identifiers = [entry[listed] for page in pages for entry in page.get(key, [])]
        describe = getattr(sagemaker, self.describe_operation)
        return _describe_each(
            identifiers, lambda identifier: describe(**{self.identifier: identifier}), self.recorded, pool, progress
        )


def _describe_each(
    identifiers: Iterable[str],
    describe: Callable[[str], Mapping[str, Any]],
    to_resource: Callable[[Mapping[str, Any]], Described],
    pool: Executor,
    progress: ProgressTracker,
) -> list[Described]:
    identifiers = list(identifiers)
    progress.expect(len(identifiers))

    def one(identifier: str) -> Described | None:
        try:
            response = describe(identifier)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in GONE_ERROR_CODES:
                return None
            raise
        finally:
            progress.advance()
        return to_resource(response)

    return [resource for resource in pool.map(one, identifiers) if resource is not None]
