"""Read what AWS Config recorded, for one account (its recorder) or every account and region of an aggregator.

The rules evaluate recorded items in Lambda; here the same items are read back in bulk instead of
rebuilt from Describe answers: the types advanced query answers for (each type module declares
it, :attr:`smguard.resources.base.ResourceType.queryable`) with one SelectResourceConfig (or
SelectAggregateResourceConfig) stream of 100 items a page, the others with ListDiscoveredResources
+ BatchGetResourceConfig (their aggregate forms for an aggregator), 100 per call each. What each
account and region records is read too (its recorder's recording group: DescribeConfigurationRecorders,
or for an aggregator the recorders' own AWS::Config::ConfigurationRecorder items and
DescribeConfigurationAggregatorSourcesStatus for the accounts and regions it reads), so a type that
is not recorded is reported instead of looking like a type without resources.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from smguard.engine.rule import Resource
from smguard.resources import advanced_query_answers
from smguard.resources.base import UnrecordedFactError
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import CollectedResource
from smguard.sweep.recording import CONFIGURATION_RECORDER, recorded_types

PAGE_SIZE = 100
"""The largest page SelectResourceConfig, SelectAggregateResourceConfig and the discovered-resource
listings return, and the most keys a batch get takes (Config API reference)."""
EXPRESSION_MAX_LENGTH = 4096
SELECTED = ("accountId", "awsRegion", "resourceType", "resourceId", "arn", "configurationItemStatus", "configuration")
GONE = frozenset({"ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"})
"""Item statuses of resources that no longer exist or whose configuration was not recorded."""

Place = tuple[str, str]
"""An account and region."""


@dataclass(frozen=True)
class RecordedItem:
    account: str
    region: str
    collected: CollectedResource


class RecordedSource(Protocol):
    """Where the items come from: one account's recorder, or an aggregator."""

    description: str

    def select(self, expression: str) -> Iterator[str]:
        """Every result of an advanced query (JSON strings), page after page."""

    def list_and_get(self, resource_type: str) -> Iterator[Mapping[str, Any]]:
        """Every recorded item of the type, as BaseConfigurationItems (``configuration`` a JSON string)."""

    def coverage(self, candidates: Iterable[str]) -> dict[Place, frozenset[str] | None]:
        """Each account and region read, with those of ``candidates`` it records (None: no recorder is recording)."""


class AccountRecorder:
    """The caller's own account and region: its configuration recorder."""

    def __init__(self, clients: SweepClients) -> None:
        self._config = clients.build_client("config")
        self._clients = clients
        self.description = f"the configuration recorder of {clients.region}"

    def select(self, expression: str) -> Iterator[str]:
        pages = self._config.get_paginator("select_resource_config").paginate(
            Expression=expression, PaginationConfig={"PageSize": PAGE_SIZE}
        )
        for page in pages:
            yield from page.get("Results", [])

    def list_and_get(self, resource_type: str) -> Iterator[Mapping[str, Any]]:
        pages = self._config.get_paginator("list_discovered_resources").paginate(
            resourceType=resource_type, PaginationConfig={"PageSize": PAGE_SIZE}
        )
        keys = [
            {"resourceType": entry["resourceType"], "resourceId": entry["resourceId"]}
            for page in pages
            for entry in page.get("resourceIdentifiers", [])
        ]
        for batch in _batches(keys):
            while batch:
                response = self._config.batch_get_resource_config(resourceKeys=batch)
                yield from response.get("baseConfigurationItems", [])
                batch = response.get("unprocessedResourceKeys") or []  # throttled keys: asked again

    def coverage(self, candidates: Iterable[str]) -> dict[Place, frozenset[str] | None]:
        account = self._clients.build_client("sts").get_caller_identity()["Account"]
        recorders = self._config.describe_configuration_recorders().get("ConfigurationRecorders", [])
        statuses = self._config.describe_configuration_recorder_status().get("ConfigurationRecordersStatus", [])
        recording = {status["name"] for status in statuses if status.get("recording")}
        groups = [recorder.get("recordingGroup", {}) for recorder in recorders if recorder.get("name") in recording]
        recorded = frozenset().union(*(recorded_types(group, candidates) for group in groups)) if groups else None
        return {(account, str(self._clients.region)): recorded}


class Aggregator:
    """Every account and region of an aggregator of the caller's account, read from there (no role assumed)."""

    def __init__(self, clients: SweepClients, name: str) -> None:
        self._config = clients.build_client("config")
        self.name = name
        self.description = f"the aggregator {name}"

    def select(self, expression: str) -> Iterator[str]:
        pages = self._config.get_paginator("select_aggregate_resource_config").paginate(
            ConfigurationAggregatorName=self.name, Expression=expression, PaginationConfig={"PageSize": PAGE_SIZE}
        )
        for page in pages:
            yield from page.get("Results", [])

    def list_and_get(self, resource_type: str) -> Iterator[Mapping[str, Any]]:
        pages = self._config.get_paginator("list_aggregate_discovered_resources").paginate(
            ConfigurationAggregatorName=self.name, ResourceType=resource_type, PaginationConfig={"PageSize": PAGE_SIZE}
        )
        identifiers = [
            {key: entry[key] for key in ("SourceAccountId", "SourceRegion", "ResourceId", "ResourceType")}
            for page in pages
            for entry in page.get("ResourceIdentifiers", [])
        ]
        for batch in _batches(identifiers):
            while batch:
                response = self._config.batch_get_aggregate_resource_config(ConfigurationAggregatorName=self.name, ResourceIdentifiers=batch)
                yield from response.get("BaseConfigurationItems", [])
                batch = response.get("UnprocessedResourceIdentifiers") or []

    def coverage(self, candidates: Iterable[str]) -> dict[Place, frozenset[str] | None]:
        """Every source account and region, with what its recorders record (their own items tell)."""
        candidates = frozenset(candidates)
        pages = self._config.get_paginator("describe_configuration_aggregator_sources_status").paginate(
            ConfigurationAggregatorName=self.name, PaginationConfig={"PageSize": PAGE_SIZE}
        )
        places: dict[Place, frozenset[str] | None] = {
            (status["SourceId"], status["AwsRegion"]): None for page in pages for status in page.get("AggregatedSourceStatusList", [])
        }
        expression = f"SELECT accountId, awsRegion, configuration WHERE resourceType = '{CONFIGURATION_RECORDER}'"
        for result in self.select(expression):
            item = json.loads(result)
            configuration = item.get("configuration") or {}
            if configuration.get("Recording") is not True:
                continue
            place = (item["accountId"], item["awsRegion"])
            recorded = recorded_types(configuration.get("RecordingGroup") or {}, candidates)
            places[place] = (places.get(place) or frozenset()) | recorded
        return places


def _batches(keys: Sequence[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(keys), PAGE_SIZE):
        yield list(keys[start : start + PAGE_SIZE])


def expressions(resource_types: Iterable[str]) -> list[str]:
    """The advanced queries that return every item of the types: one, unless the type list would
    make it longer than the 4,096 characters AWS accepts."""
    head = f"SELECT {', '.join(SELECTED)} WHERE resourceType IN ("
    found: list[list[str]] = []
    current: list[str] = []
    for resource_type in sorted(resource_types):
        if current and len(head) + len(", ".join(f"'{t}'" for t in [*current, resource_type])) + 1 > EXPRESSION_MAX_LENGTH:
            found.append(current)
            current = []
        current.append(resource_type)
    if current:
        found.append(current)
    return [head + ", ".join(f"'{t}'" for t in group) + ")" for group in found]


def read(source: RecordedSource, resource_types: Iterable[str]) -> list[RecordedItem]:
    """Every recorded item of the types that still exists: queryable types by advanced query, the others listed and batch-read."""
    wanted = sorted(set(resource_types))
    found: list[RecordedItem] = []
    queryable = [t for t in wanted if advanced_query_answers(t)]
    for expression in expressions(queryable) if queryable else []:
        found += filter(None, (_item(json.loads(result)) for result in source.select(expression)))
    for resource_type in (t for t in wanted if t not in queryable):
        found += filter(None, (_item(item) for item in source.list_and_get(resource_type)))
    return found


def _item(item: Mapping[str, Any]) -> RecordedItem | None:
    if item.get("configurationItemStatus") in GONE:
        return None
    configuration = item.get("configuration")
    if isinstance(configuration, str):  # BaseConfigurationItem: the configuration is JSON text
        configuration = json.loads(configuration)
    if not isinstance(configuration, Mapping):
        return None  # a deleted resource's item has no configuration
    resource = Resource(item["resourceType"], item["resourceId"], configuration, item["awsRegion"])
    return RecordedItem(item["accountId"], item["awsRegion"], CollectedResource(resource, item.get("arn")))


REGISTER_SERVICE = "ssm"


@dataclass
class RecordedPlace:
    """One account and region's recorded items and what its recorder records; given to the rules'
    ``gather_facts`` in place of clients (:class:`smguard.resources.base.RecordedState`), and to
    :func:`smguard.sweep.evaluation.evaluate` as its clients (exemption registers are read with the
    caller's own clients, in the caller's account, as organization rules read them)."""

    account: str
    region: str
    recorded: frozenset[str] | None
    clients: SweepClients
    items: dict[str, list[CollectedResource]] = field(default_factory=dict)
    local: bool = False
    """Whether the caller's clients act in this account and region (one account's own recorder). An
    aggregator's places are not: the command assumes no role, so a call for facts the recorded items
    lack would read the caller's account instead of the place's."""

    def records(self, resource_type: str) -> bool:
        return self.recorded is not None and resource_type in self.recorded

    def why_not(self, resource_type: str) -> str:
        if self.recorded is None:
            return f"no configuration recorder is recording in {self.account} {self.region}"
        return f"{resource_type} is not recorded in {self.account} {self.region}"

    def recorded_items(self, resource_type: str) -> list[Resource]:
        if not self.records(resource_type):
            raise UnrecordedFactError(self.why_not(resource_type))
        return [collected.resource for collected in self.items.get(resource_type, [])]

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        """The caller's client; for another account or region only SSM, for the exemption register,
        which lives in the caller's (deploying) account as organization rules read it. Any other call
        would ask the caller's account about this place's resources: a gap, never a guess."""
        if not self.local and service != REGISTER_SERVICE:
            raise UnrecordedFactError(
                f"a rule reads {service} for facts the recorded items of {self.account} {self.region} lack, and "
                "--aggregator assumes no role into that account; evaluate it with --source config (or describe) there"
            )
        return self.clients.build_client(service, region, assume_role_mode)

    @property
    def session(self) -> Any:
        return self.clients.session


def places(source: RecordedSource, clients: SweepClients, resource_types: Iterable[str]) -> list[RecordedPlace]:
    """Every account and region the source reads (or holds items of), with its items of the types."""
    wanted = frozenset(resource_types)
    local = isinstance(source, AccountRecorder)
    found = {
        place: RecordedPlace(place[0], place[1], recorded, clients, local=local)
        for place, recorded in source.coverage(wanted).items()
    }
    for item in read(source, wanted):
        place = found.setdefault((item.account, item.region), RecordedPlace(item.account, item.region, None, clients, local=local))
        place.items.setdefault(item.collected.resource.resource_type, []).append(item.collected)
    return [found[key] for key in sorted(found)]
