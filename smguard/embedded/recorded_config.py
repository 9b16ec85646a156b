"""AWS Config's recorded state for the embedded AWS: configuration items, and the queries smguard reads them with.

moto 5.2.5 records nothing for SageMaker or EC2 (its ``RESOURCE_MAP`` covers S3, IAM and SNS) and its
SelectResourceConfig replays canned answers. ``record(session)`` plays the configuration recorder:
it reads the account and region with each type's Describe reading (the same items the demo's change
notifications carry) and stores a configuration item for every resource of every type the
account's recorder records, plus the recorder's own item (AWS::Config::ConfigurationRecorder, "a
system resource type ... recorded by default in all supported Regions", AWS Config Developer Guide,
"Drift detection for the configuration recorder").

Pages of the Config API reference followed here:
https://docs.aws.amazon.com/config/latest/APIReference/API_SelectResourceConfig.html,
https://docs.aws.amazon.com/config/latest/APIReference/API_SelectAggregateResourceConfig.html,
https://docs.aws.amazon.com/config/latest/APIReference/API_ListDiscoveredResources.html,
https://docs.aws.amazon.com/config/latest/APIReference/API_BatchGetResourceConfig.html,
https://docs.aws.amazon.com/config/latest/APIReference/API_ListAggregateDiscoveredResources.html,
https://docs.aws.amazon.com/config/latest/APIReference/API_BatchGetAggregateResourceConfig.html,
https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeConfigurationAggregatorSourcesStatus.html;
the query language: https://docs.aws.amazon.com/config/latest/developerguide/querying-AWS-resources.html.

``install()`` answers, from those items:

- SelectResourceConfig and SelectAggregateResourceConfig: Expression 1 to
  4,096 characters (longer or empty: ValidationException, the model's constraint); Limit 0 to 100
  (SelectAggregateResourceConfig also takes MaxResults), 0 or absent = 25, "the default page size"
  of a non-aggregation query; beyond 100: InvalidLimitException; a NextToken another listing issued:
  InvalidNextTokenException; an unknown aggregator: NoSuchConfigurationAggregatorException. Results
  are JSON strings of the selected fields, ``configuration`` whole.
  Decisions where AWS does not say: only the subset smguard sends is understood, ``SELECT field[,
  field...] [WHERE condition [AND condition...]]`` with ``field = 'value'`` or ``field IN ('a', ...)``;
  anything else (``*``, OR, LIKE, GROUP BY, functions) is refused with InvalidExpressionException, as
  is a type advanced query does not answer (no file in awslabs/aws-config-resource-schema: AWS
  documents only those as queryable) or a type the embedded AWS does not record. Refusing is never
  kinder than AWS: an empty answer would read as "no resources".
- ListDiscoveredResources + BatchGetResourceConfig and ListAggregateDiscoveredResources +
  BatchGetAggregateResourceConfig for the recorded types (any, queryable or not): limit 0 to 100, 0
  or absent = 100; at most 100 keys a batch (ValidationException, the model's bound); a key
  that names no recorded item is left out of the answer, as AWS does; ``configuration`` is a JSON
  string there (BaseConfigurationItem). Other types are moto's.
- DescribeConfigurationAggregatorSourcesStatus: one entry per (account, region) the aggregator
  reads (SourceType ACCOUNT or ORGANIZATION), all SUCCEEDED; Limit 0 to 100, 0 or absent = 100.

The aggregator's accounts and regions are those its results come from
(:func:`smguard.embedded.config_compliance._sources`: authorisations and the organization included).
Items are kept on the Config backend of each account and region, so moto's reset drops them.
Recording is a snapshot, taken when ``record`` is called (AWS records continuously).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

import boto3
from moto.config.exceptions import InvalidLimitException, NoSuchConfigurationAggregatorException
from moto.config.models import ConfigBackend, config_backends
from moto.config.responses import ConfigResponse
from moto.core.exceptions import JsonRESTError

from smguard.embedded.config_compliance import _page, _request, _sources, _validation_error, _with_token
from smguard.resources import advanced_query_answers, recorded_fact_types, resource_types
from smguard.sweep.recording import CONFIGURATION_RECORDER, recorded_types

EXPRESSION_MAX_LENGTH = 4096
SELECT_DEFAULT_LIMIT = 25
SELECT_MAX_LIMIT = 100
LIST_DEFAULT_LIMIT = 100
LIST_MAX_LIMIT = 100
BATCH_MAX_KEYS = 100
SOURCES_STATUS_MAX_LIMIT = 100
_STORE_ATTRIBUTE = "smguard_configuration_items"
ITEM_FIELDS = frozenset(
    {
        "version", "accountId", "configurationItemCaptureTime", "configurationItemStatus", "configurationStateId", "arn",
        "resourceType", "resourceId", "resourceName", "awsRegion", "availabilityZone", "resourceCreationTime",
        "configuration", "supplementaryConfiguration", "tags", "relationships",
    }
)
"""The top-level fields of a configuration item a query may name (the schema's, without the nested paths)."""


class InvalidExpressionException(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("InvalidExpressionException", message)


# --- what is recorded, and what advanced query answers --------------------------------------------


def recordable() -> frozenset[str]:
    """The types the embedded recorder can record: smguard's resource types, the types its fact
    kinds read, and the recorder itself."""
    return frozenset({*resource_types(), *recorded_fact_types(), CONFIGURATION_RECORDER})


def queryable() -> frozenset[str]:
    """The recordable types advanced query answers for, as each type module and fact kind declares."""
    return frozenset({*filter(advanced_query_answers, recordable() - {CONFIGURATION_RECORDER}), CONFIGURATION_RECORDER})


def record(session: boto3.Session, captured_at: datetime | None = None) -> int:
    """Record ``session``'s account and region as its configuration recorder would; returns the items stored.

    Without a recorder nothing is recorded. A stopped recorder records only its own item (with
    ``Recording`` false)."""
    from smguard.demo.notifications import configuration_item  # the item the demo's notifications carry
    from smguard.sweep.clients import SweepClients
    from smguard.sweep.collected import CollectedResource, SilentProgress

    config = session.client("config")
    account = session.client("sts").get_caller_identity()["Account"]
    region = str(session.region_name)
    stamp = (captured_at or datetime.now(timezone.utc)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    recorders = config.describe_configuration_recorders().get("ConfigurationRecorders", [])
    statuses = {s["name"]: bool(s.get("recording")) for s in config.describe_configuration_recorder_status().get("ConfigurationRecordersStatus", [])}
    described: list[tuple[Any, str | None]] = []
    wanted: set[str] = set()
    for recorder in recorders:
        wanted |= recorded_types(recorder.get("recordingGroup", {}), recordable() - {CONFIGURATION_RECORDER}) if statuses.get(recorder["name"]) else set()
        described.append((_recorder_resource(recorder, statuses.get(recorder["name"], False), region), None))
    clients = SweepClients(session)
    kinds = recorded_fact_types()
    with ThreadPoolExecutor(max_workers=4) as pool:
        for resource_type in sorted(wanted):
            if resource_type in resource_types():
                definition = resource_types()[resource_type]
                described += [
                    (_as_recorded(resource, definition.not_recorded_properties), arn)
                    for resource, arn in definition.describe(clients, pool, SilentProgress())
                ]
            else:
                described += kinds[resource_type].describe_recorded(clients)
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for number, (resource, arn) in enumerate(described, start=1):
        item = configuration_item(CollectedResource(resource, arn), account_id=account, region=region, captured_at=stamp, state_id=number)
        # The API's items name the account ``accountId`` where a notification's say ``awsAccountId``.
        item["accountId"] = item.pop("awsAccountId")
        item["arn"] = item.pop("ARN")
        item["configurationStateId"] = str(item["configurationStateId"])  # a string in the API's items
        # Config records timestamps as ISO 8601 text (``configuration.creationTime``), not as the SDK's datetimes.
        item["configuration"] = json.loads(json.dumps(item["configuration"], default=_iso))
        items[(resource.resource_type, resource.resource_id)] = {**item, "version": "1.3", "tags": []}
    config_backends[account][region].__dict__[_STORE_ATTRIBUTE] = items
    return len(items)


def _as_recorded(resource: Any, not_recorded: tuple[str, ...]) -> Any:
    """The Describe answer without what AWS Config does not record of the type."""
    if not not_recorded:
        return resource
    configuration = {key: value for key, value in resource.configuration.items() if key not in not_recorded}
    return dataclasses.replace(resource, configuration=configuration)


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot record {type(value).__name__} {value!r}")


def _recorder_resource(recorder: Mapping[str, Any], recording: bool, region: str) -> Any:
    """The recorder's own item: DescribeConfigurationRecorders' entry in the schema's PascalCase."""
    from smguard.engine.rule import Resource

    def pascal(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {key[:1].upper() + key[1:]: pascal(item) for key, item in value.items()}
        return [pascal(item) for item in value] if isinstance(value, list) else value

    configuration = {"Name": recorder["name"], "RoleARN": recorder.get("roleARN"), "Recording": recording}
    configuration["RecordingGroup"] = pascal(recorder.get("recordingGroup", {}))
    return Resource(CONFIGURATION_RECORDER, recorder["name"], configuration, region)


def items_of(backend: ConfigBackend) -> list[dict[str, Any]]:
    """The items recorded in one account and region, in (type, id) order."""
    stored: dict[tuple[str, str], dict[str, Any]] = backend.__dict__.get(_STORE_ATTRIBUTE, {})
    return [stored[key] for key in sorted(stored)]


# --- the query subset ------------------------------------------------------------------------------

_FIELD = r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*"
_LITERAL = r"'[^']*'"
_CONDITION_TEXT = rf"{_FIELD}\s*(?:=\s*{_LITERAL}|(?i:IN)\s*\(\s*{_LITERAL}(?:\s*,\s*{_LITERAL})*\s*\))"
_CONDITION = re.compile(rf"(?P<field>{_FIELD})\s*(?:=\s*(?P<value>{_LITERAL})|(?i:IN)\s*\((?P<values>[^)]*)\))")
_SELECT = re.compile(
    rf"\s*(?i:SELECT)\s+(?P<fields>{_FIELD}(?:\s*,\s*{_FIELD})*)"
    rf"(?:\s+(?i:WHERE)\s+(?P<where>{_CONDITION_TEXT}(?:\s+(?i:AND)\s+{_CONDITION_TEXT})*))?\s*"
)


class Query:
    """A parsed expression of the subset: the fields to return and the conditions an item must meet."""

    def __init__(self, expression: Any) -> None:
        if not isinstance(expression, str) or not 1 <= len(expression) <= EXPRESSION_MAX_LENGTH:
            length = len(expression) if isinstance(expression, str) else 0
            bound = "greater than or equal to 1" if not length else f"less than or equal to {EXPRESSION_MAX_LENGTH}"
            raise _validation_error([f"Value at 'expression' failed to satisfy constraint: Member must have length {bound}"])
        match = _SELECT.fullmatch(expression)
        if match is None:
            raise InvalidExpressionException(
                "The embedded AWS answers SELECT field[, field...] [WHERE field = 'value' | field IN ('value', ...) "
                f"[AND ...]] only: {expression[:200]}"
            )
        self.fields = [field.strip() for field in match["fields"].split(",")]
        self.conditions: list[tuple[str, frozenset[str]]] = []
        for condition in _CONDITION.finditer(match["where"] or ""):
            values = condition["values"] if condition["values"] is not None else condition["value"]
            self.conditions.append((condition["field"], frozenset(v[1:-1] for v in re.findall(_LITERAL, values))))
        unknown = sorted({f.split(".")[0] for f in self.fields + [c for c, _ in self.conditions]} - ITEM_FIELDS)
        if unknown:
            raise InvalidExpressionException(f"Unknown field(s) {', '.join(unknown)} in the expression.")
        for field, values in self.conditions:
            if field == "resourceType":
                self._check_types(values)

    @staticmethod
    def _check_types(types: Iterable[str]) -> None:
        for resource_type in sorted(types):
            if resource_type not in recordable():
                raise InvalidExpressionException(f"The embedded AWS records no {resource_type}; it records {', '.join(sorted(recordable()))}.")
            if resource_type not in queryable():
                raise InvalidExpressionException(
                    f"{resource_type} is not supported by advanced query (it has no file in "
                    "awslabs/aws-config-resource-schema); read it with ListDiscoveredResources and BatchGetResourceConfig."
                )

    def matches(self, item: Mapping[str, Any]) -> bool:
        if item["resourceType"] not in queryable():
            return False
        return all(str(_value(item, field)) in values for field, values in self.conditions)

    def select(self, item: Mapping[str, Any]) -> str:
        selected: dict[str, Any] = {}
        for field in self.fields:
            value = _value(item, field)
            if value is None:
                continue
            *parents, last = field.split(".")
            target = selected
            for parent in parents:
                target = target.setdefault(parent, {})
            target[last] = value
        return json.dumps(selected)


def _value(item: Mapping[str, Any], field: str) -> Any:
    value: Any = item
    for part in field.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _item_key(item: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (item["accountId"], item["awsRegion"], item["resourceType"], item["resourceId"])


def _select_limit(limit: Any) -> int:
    if limit is None or limit == 0:
        return SELECT_DEFAULT_LIMIT
    if not isinstance(limit, int) or not 0 <= limit <= SELECT_MAX_LIMIT:
        raise InvalidLimitException(limit)
    return limit


def _list_limit(limit: Any, maximum: int = LIST_MAX_LIMIT) -> int:
    if limit is None or limit == 0:
        return LIST_DEFAULT_LIMIT
    if not isinstance(limit, int) or not 0 <= limit <= maximum:
        raise InvalidLimitException(limit)
    return limit


def _answer(query: Query, items: Sequence[Mapping[str, Any]], limit: int, next_token: str | None, listing: str) -> dict[str, Any]:
    found = sorted((item for item in items if query.matches(item)), key=_item_key)
    page, token = _page(found, _item_key, limit, next_token, f"{listing} {query.fields} {sorted(query.conditions, key=str)}")
    return _with_token({"Results": [query.select(item) for item in page], "QueryInfo": {"SelectFields": [{"Name": f} for f in query.fields]}}, token)


def select_resource_config(backend: ConfigBackend, expression: Any, limit: Any, next_token: str | None) -> dict[str, Any]:
    query = Query(expression)
    return _answer(query, items_of(backend), _select_limit(limit), next_token, "SelectResourceConfig")


def _aggregator_items(backend: ConfigBackend, aggregator_name: str) -> list[dict[str, Any]]:
    aggregator = backend.config_aggregators.get(aggregator_name)
    if aggregator is None:
        raise NoSuchConfigurationAggregatorException()
    return [item for source in _sources(backend, aggregator) for item in items_of(source)]


def select_aggregate_resource_config(
    backend: ConfigBackend, aggregator_name: str, expression: Any, limit: Any, next_token: str | None
) -> dict[str, Any]:
    query = Query(expression)
    page_size = _select_limit(limit)
    items = _aggregator_items(backend, aggregator_name)
    return _answer(query, items, page_size, next_token, f"SelectAggregateResourceConfig {aggregator_name}")


def _base_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A BaseConfigurationItem: no tags or relationships, ``configuration`` a JSON string."""
    base = {key: value for key, value in item.items() if key not in ("tags", "relationships", "configuration")}
    base["configuration"] = json.dumps(item["configuration"])
    captured = datetime.fromisoformat(item["configurationItemCaptureTime"].replace("Z", "+00:00"))
    base["configurationItemCaptureTime"] = captured.timestamp()  # a timestamp member: epoch seconds in JSON
    base["supplementaryConfiguration"] = {key: json.dumps(value) for key, value in item.get("supplementaryConfiguration", {}).items()}
    return base


def list_discovered_resources(backend: ConfigBackend, resource_type: str, limit: Any, next_token: str | None) -> dict[str, Any]:
    found = [item for item in items_of(backend) if item["resourceType"] == resource_type]
    page, token = _page(found, _item_key, _list_limit(limit), next_token, f"ListDiscoveredResources {resource_type}")
    identifiers = [{"resourceType": i["resourceType"], "resourceId": i["resourceId"], "resourceName": i["resourceName"]} for i in page]
    return {"resourceIdentifiers": identifiers, **({"nextToken": token} if token else {})}


def batch_get_resource_config(backend: ConfigBackend, keys: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    stored = {(i["resourceType"], i["resourceId"]): i for i in items_of(backend)}
    found = [stored[(k["resourceType"], k["resourceId"])] for k in keys if (k["resourceType"], k["resourceId"]) in stored]
    # unprocessedResourceKeys (keys left for throttling) has at least one member when present: none here.
    return {"baseConfigurationItems": [_base_item(item) for item in found]}


def list_aggregate_discovered_resources(
    backend: ConfigBackend, aggregator_name: str, resource_type: str, filters: Mapping[str, str] | None, limit: Any, next_token: str | None
) -> dict[str, Any]:
    page_size = _list_limit(limit)
    filters = filters or {}
    wanted = {"accountId": filters.get("AccountId"), "awsRegion": filters.get("Region"), "resourceId": filters.get("ResourceId"), "resourceName": filters.get("ResourceName")}
    found = [
        item
        for item in _aggregator_items(backend, aggregator_name)
        if item["resourceType"] == resource_type and all(value in (None, item.get(key)) for key, value in wanted.items())
    ]
    listing = f"ListAggregateDiscoveredResources {aggregator_name} {resource_type} {json.dumps(filters, sort_keys=True)}"
    page, token = _page(found, _item_key, page_size, next_token, listing)
    identifiers = [
        {"SourceAccountId": i["accountId"], "SourceRegion": i["awsRegion"], "ResourceId": i["resourceId"], "ResourceType": i["resourceType"], "ResourceName": i["resourceName"]}
        for i in page
    ]
    return _with_token({"ResourceIdentifiers": identifiers}, token)


def batch_get_aggregate_resource_config(backend: ConfigBackend, aggregator_name: str, identifiers: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    stored = {_item_key(item): item for item in _aggregator_items(backend, aggregator_name)}
    found = []
    for identifier in identifiers:
        key = (identifier["SourceAccountId"], identifier["SourceRegion"], identifier["ResourceType"], identifier["ResourceId"])
        if key in stored:
            found.append(_base_item(stored[key]))
    return {"BaseConfigurationItems": found}


def describe_configuration_aggregator_sources_status(backend: ConfigBackend, aggregator_name: str, limit: Any, next_token: str | None) -> dict[str, Any]:
    page_size = _list_limit(limit, SOURCES_STATUS_MAX_LIMIT)
    aggregator = backend.config_aggregators.get(aggregator_name)
    if aggregator is None:
        raise NoSuchConfigurationAggregatorException()
    source_type = "ORGANIZATION" if aggregator.organization_aggregation_source is not None else "ACCOUNT"
    now = datetime.now(timezone.utc).timestamp()
    statuses = [
        {"SourceId": source.account_id, "SourceType": source_type, "AwsRegion": source.region_name, "LastUpdateStatus": "SUCCEEDED", "LastUpdateTime": now}
        for source in _sources(backend, aggregator)
    ]
    key: Callable[[Mapping[str, Any]], tuple[str, str]] = lambda s: (s["SourceId"], s["AwsRegion"])  # noqa: E731
    page, token = _page(sorted(statuses, key=key), key, page_size, next_token, f"DescribeConfigurationAggregatorSourcesStatus {aggregator_name}")
    return _with_token({"AggregatedSourceStatusList": page}, token)


# --- the HTTP side ---------------------------------------------------------------------------------

_ORIGINALS: dict[str, Callable[[ConfigResponse], str]] = {}


def _batch(keys: Any, location: str) -> list[Mapping[str, str]]:
    """The keys of a batch get; none or more than 100 is refused as the model's bound is."""
    if not isinstance(keys, list) or not keys or len(keys) > BATCH_MAX_KEYS:
        bound = "greater than or equal to 1" if not keys else f"less than or equal to {BATCH_MAX_KEYS}"
        raise _validation_error([f"Value at '{location}' failed to satisfy constraint: Member must have length {bound}"])
    return keys


def _select_resource_config_response(self: ConfigResponse) -> str:
    request = _request(self)
    return json.dumps(select_resource_config(self.config_backend, request.get("Expression"), request.get("Limit"), request.get("NextToken")))


def _select_aggregate_resource_config_response(self: ConfigResponse) -> str:
    request = _request(self)
    limit = request.get("MaxResults") if request.get("MaxResults") is not None else request.get("Limit")
    return json.dumps(
        select_aggregate_resource_config(
            self.config_backend, request.get("ConfigurationAggregatorName", ""), request.get("Expression"), limit, request.get("NextToken")
        )
    )


def _list_discovered_resources_response(self: ConfigResponse) -> str:
    request = _request(self)
    if request.get("resourceType") not in recordable() or request.get("resourceIds") or request.get("resourceName"):
        return _ORIGINALS["list_discovered_resources"](self)
    return json.dumps(list_discovered_resources(self.config_backend, request["resourceType"], request.get("limit"), request.get("nextToken")))


def _batch_get_resource_config_response(self: ConfigResponse) -> str:
    keys = _batch(_request(self).get("resourceKeys"), "resourceKeys")
    if any(key.get("resourceType") not in recordable() for key in keys):
        return _ORIGINALS["batch_get_resource_config"](self)
    return json.dumps(batch_get_resource_config(self.config_backend, keys))


def _list_aggregate_discovered_resources_response(self: ConfigResponse) -> str:
    request = _request(self)
    if request.get("ResourceType") not in recordable():
        return _ORIGINALS["list_aggregate_discovered_resources"](self)
    return json.dumps(
        list_aggregate_discovered_resources(
            self.config_backend,
            request.get("ConfigurationAggregatorName", ""),
            request["ResourceType"],
            request.get("Filters"),
            request.get("Limit"),
            request.get("NextToken"),
        )
    )


def _batch_get_aggregate_resource_config_response(self: ConfigResponse) -> str:
    request = _request(self)
    identifiers = _batch(request.get("ResourceIdentifiers"), "resourceIdentifiers")
    if any(identifier.get("ResourceType") not in recordable() for identifier in identifiers):
        return _ORIGINALS["batch_get_aggregate_resource_config"](self)
    return json.dumps(batch_get_aggregate_resource_config(self.config_backend, request.get("ConfigurationAggregatorName", ""), identifiers))


def _describe_configuration_aggregator_sources_status_response(self: ConfigResponse) -> str:
    request = _request(self)
    return json.dumps(
        describe_configuration_aggregator_sources_status(
            self.config_backend, request.get("ConfigurationAggregatorName", ""), request.get("Limit"), request.get("NextToken")
        )
    )


_RESPONSE_METHODS: dict[str, Callable[[ConfigResponse], str]] = {
    "select_resource_config": _select_resource_config_response,
    "select_aggregate_resource_config": _select_aggregate_resource_config_response,
    "list_discovered_resources": _list_discovered_resources_response,
    "batch_get_resource_config": _batch_get_resource_config_response,
    "list_aggregate_discovered_resources": _list_aggregate_discovered_resources_response,
    "batch_get_aggregate_resource_config": _batch_get_aggregate_resource_config_response,
    "describe_configuration_aggregator_sources_status": _describe_configuration_aggregator_sources_status_response,
}


def install() -> None:
    """Answer the recorded-state queries above. Idempotent; affects every moto backend in the process."""
    for name, method in _RESPONSE_METHODS.items():
        current = getattr(ConfigResponse, name, None)
        if current is not None and current is not method and name not in _ORIGINALS:
            _ORIGINALS[name] = current
        setattr(ConfigResponse, name, method)
