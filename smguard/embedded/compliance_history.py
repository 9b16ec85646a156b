"""AWS Config's compliance history for the embedded AWS: ``AWS::Config::ResourceCompliance`` items.

moto 5.2.5's GetResourceConfigHistory returns one current item of a few resource types and knows no
compliance history. ``install()`` adds it, as the AWS Config documentation describes it:

- "Viewing Compliance History Timeline for Resources" and "Querying Compliance History"
  (docs.aws.amazon.com/config/latest/developerguide/view-compliance-history.html,
  .../quering-resource-compliance-history.html): when a rule's result for a resource changes, Config
  records a configuration item of type ``AWS::Config::ResourceCompliance`` whose resource id is
  ``<resource type>/<resource id>`` and whose ``configuration`` holds ``complianceType``,
  ``targetResourceType``, ``targetResourceId`` and ``configRuleList`` (per rule: ``configRuleArn``,
  ``configRuleId``, ``configRuleName``, ``complianceType``); GetResourceConfigHistory returns them
  with ``configuration`` as a JSON string. It records them only while a configuration recorder
  records that type: one recording all supported types, or one naming it ("Recording AWS
  Resources", select-resources.html); stopped or absent, nothing is recorded.
- GetResourceConfigHistory (API reference): ``limit`` 0 to 100, 0 or absent = 10, larger ->
  InvalidLimitException; ``chronologicalOrder`` Reverse (default, newest first) or Forward;
  ``earlierTime`` absent = from the first item recorded, ``laterTime`` absent = now; an earlier time
  after the later one -> InvalidTimeRangeException; no recorder -> NoAvailableConfigurationRecorderException;
  a resource with no item -> ResourceNotDiscoveredException. "Each call to the API is limited to
  span a duration of seven days": a page holds only items of one seven-day window (fewer than
  ``limit``, possibly none) and a nextToken while older (Reverse) or newer (Forward) items remain in
  the range. The export pays that: a year of history costs at least 53 calls per resource.
- ListDiscoveredResources of ``AWS::Config::ResourceCompliance`` lists the resources with compliance
  history (``includeDeletedResources`` adds those whose last item says the resource was deleted);
  ``limit`` up to 100, 0 or absent = 100.

Decisions where AWS does not say, marked as such:

- The item's capture time is the OrderingTimestamp of the evaluation that changed the result
  (the configuration change or scheduled notification the rule judged), never earlier than the
  resource's previous item. AWS records it when it stores the result, normally within minutes of
  that; this lets the demo and tests play a history at its own times.
- ``configRuleList`` lists every rule with a stored result for the resource, NOT_APPLICABLE
  included; the item's ``complianceType`` is the worst of them (NON_COMPLIANT over COMPLIANT over
  NOT_APPLICABLE). ``configurationStateId`` is the capture time in epoch milliseconds, as in AWS's
  documented example.
- NextTokens are signed for the request that issued them (as in ``config_compliance``).
- Changes recorded at the same instant for one resource are one item (the later replaces the earlier).
- Nothing here deletes resources, so no item says ``ResourceDeleted``; the export reads such items
  (tests/evidence/test_episodes.py).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from moto.config.exceptions import InvalidLimitException, InvalidNextTokenException, ResourceNotDiscoveredException
from moto.config.models import ConfigBackend
from moto.config.responses import ConfigResponse
from moto.core.exceptions import JsonRESTError

from smguard.embedded import config_compliance
from smguard.embedded.config_compliance import _page, _request, _signature, _timestamp, evaluation_store

RESOURCE_COMPLIANCE = "AWS::Config::ResourceCompliance"
HISTORY_DEFAULT_LIMIT = 10
HISTORY_MAX_LIMIT = 100
DISCOVERED_MAX_LIMIT = 100
CALL_SPAN = timedelta(days=7)
_SEVERITY = {"NON_COMPLIANT": 2, "COMPLIANT": 1, "NOT_APPLICABLE": 0}
_STORE_ATTRIBUTE = "smguard_compliance_history"
_ORIGINAL: dict[str, Callable[..., Any]] = {}


class InvalidTimeRangeException(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__("InvalidTimeRangeException", "The earlier time is not chronologically before the later time.")


class NoRecorderException(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__(
            "NoAvailableConfigurationRecorderException",
            "There are no configuration recorders available to provide the role needed to describe your resources. "
            "Create a configuration recorder.",
        )


@dataclass(frozen=True)
class ComplianceItem:
    captured_at: datetime
    resource_type: str
    resource_id: str
    rules: tuple[tuple[str, str, str, str], ...]
    """(name, id, arn, compliance type) of every rule with a result, by name."""

    @property
    def key(self) -> tuple[float, str]:
        return (self.captured_at.timestamp(), self.resource_id)

    def to_configuration_item(self, account_id: str, region: str) -> dict[str, Any]:
        worst = max((rule[3] for rule in self.rules), key=lambda t: _SEVERITY.get(t, 0), default="NOT_APPLICABLE")
        configuration = {
            "complianceType": worst,
            "targetResourceId": self.resource_id,
            "targetResourceType": self.resource_type,
            "configRuleList": [
                {"configRuleArn": arn, "configRuleId": rule_id, "configRuleName": name, "complianceType": compliance}
                for name, rule_id, arn, compliance in self.rules
            ],
        }
        millis = int(self.captured_at.timestamp() * 1000)
        return {
            "version": "1.3",
            "accountId": account_id,
            "configurationItemCaptureTime": self.captured_at.timestamp(),
            "configurationItemStatus": "OK",
            "configurationStateId": str(millis),
            "configurationItemMD5Hash": "",
            "resourceType": RESOURCE_COMPLIANCE,
            "resourceId": f"{self.resource_type}/{self.resource_id}",
            "awsRegion": region,
            "tags": {},
            "relatedEvents": [],
            "relationships": [
                {"resourceType": self.resource_type, "resourceId": self.resource_id, "relationshipName": "Is associated with "}
            ],
            "configuration": json.dumps(configuration, separators=(",", ":")),
            "supplementaryConfiguration": {},
        }

    def to_history_file_item(self, account_id: str, region: str) -> dict[str, Any]:
        """The item as a configuration history file holds it ("Example Amazon EBS Configuration History",
        example-s3-config-history.html): ISO capture time, ``configuration`` an object, ``awsAccountId``,
        relationships with ``name``."""
        item = self.to_configuration_item(account_id, region)
        return {
            "configurationItemVersion": item.pop("version"),
            "awsAccountId": item.pop("accountId"),
            **item,
            "configurationItemCaptureTime": self.captured_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "configuration": json.loads(item["configuration"]),
            "relationships": [
                {"resourceType": r["resourceType"], "resourceId": r["resourceId"], "name": r["relationshipName"]}
                for r in item["relationships"]
            ],
        }


@dataclass
class ComplianceHistory:
    """Every ResourceCompliance item of one account and region, per target resource, oldest first."""

    _items: dict[str, list[ComplianceItem]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, item: ComplianceItem) -> None:
        """Append ``item``; one captured at the same instant as the resource's last item replaces it
        (decision: changes at one instant are one item, which holds them all)."""
        with self._lock:
            items = self._items.setdefault(f"{item.resource_type}/{item.resource_id}", [])
            if items and items[-1].captured_at == item.captured_at:
                items[-1] = item
            else:
                items.append(item)

    def last(self, compliance_id: str) -> ComplianceItem | None:
        with self._lock:
            items = self._items.get(compliance_id)
            return items[-1] if items else None

    def items(self, compliance_id: str) -> list[ComplianceItem]:
        with self._lock:
            return list(self._items.get(compliance_id, []))

    def resource_ids(self) -> list[str]:
        with self._lock:
            return sorted(self._items)


def compliance_history(backend: ConfigBackend) -> ComplianceHistory:
    """The history of ``backend``; in its ``__dict__`` so that moto's reset clears it."""
    return backend.__dict__.setdefault(_STORE_ATTRIBUTE, ComplianceHistory())


def records_compliance(backend: ConfigBackend) -> bool:
    """Whether a started recorder of ``backend`` records AWS::Config::ResourceCompliance."""
    for recorder in backend.recorders.values():
        group = recorder.recording_group
        strategy = (group.recording_strategy or {}).get("useOnly", "ALL_SUPPORTED_RESOURCE_TYPES")
        if strategy == "EXCLUSION_BY_RESOURCE_TYPES":
            recorded = RESOURCE_COMPLIANCE not in (group.exclusion_by_resource_types or {}).get("resourceTypes", [])
        else:
            recorded = bool(group.all_supported) or RESOURCE_COMPLIANCE in (group.resource_types or [])
        if recorder.status.recording and recorded:
            return True
    return False


# --- recording, after PutEvaluations stored the results -------------------------------------------


def _rules_of(backend: ConfigBackend, resource: tuple[str, str]) -> tuple[tuple[str, str, str, str], ...]:
    store = evaluation_store(backend)
    rules = []
    for rule in backend.config_rules.values():
        result = store.result(rule.config_rule_id, resource)
        if result is not None:
            rules.append((str(rule.config_rule_name), rule.config_rule_id, rule.config_rule_arn, result.compliance_type))
    return tuple(sorted(rules))


def put_evaluations(self: ConfigBackend, evaluations: list[dict[str, Any]] | None = None, result_token: str | None = None,
                    test_mode: bool | None = False) -> dict[str, list[Any]]:  # fmt: skip
    """PutEvaluations as ``config_compliance`` answers it, then a ResourceCompliance item for every
    resource whose results changed, while a recorder records that type."""
    response = _ORIGINAL["put_evaluations"](self, evaluations, result_token, test_mode)
    if test_mode or not records_compliance(self):
        return response
    history = compliance_history(self)
    changed: dict[tuple[str, str], datetime] = {}
    for evaluation in evaluations or []:
        resource = (evaluation["ComplianceResourceType"], evaluation["ComplianceResourceId"])
        ordering = _timestamp(evaluation["OrderingTimestamp"], "orderingTimestamp")
        changed[resource] = max(ordering, changed.get(resource, ordering))
    for (resource_type, resource_id), ordering in sorted(changed.items()):
        rules = _rules_of(self, (resource_type, resource_id))
        last = history.last(f"{resource_type}/{resource_id}")
        if last is not None and last.rules == rules:
            continue
        captured_at = max(ordering, last.captured_at) if last is not None else ordering
        history.record(ComplianceItem(captured_at, resource_type, resource_id, rules))
    return response


# --- reading --------------------------------------------------------------------------------------


def get_compliance_history(
    backend: ConfigBackend,
    resource_id: str,
    later_time: Any,
    earlier_time: Any,
    chronological_order: str | None,
    limit: Any,
    next_token: str | None,
) -> dict[str, Any]:
    if limit is not None and (not isinstance(limit, int) or limit < 0 or limit > HISTORY_MAX_LIMIT):
        raise InvalidLimitException(limit)
    page_size = limit or HISTORY_DEFAULT_LIMIT
    if not backend.recorders:
        raise NoRecorderException()
    later = _timestamp(later_time, "laterTime") if later_time is not None else datetime.now(timezone.utc)
    items = compliance_history(backend).items(resource_id)
    if not items:
        raise ResourceNotDiscoveredException(RESOURCE_COMPLIANCE, resource_id)
    earlier = _timestamp(earlier_time, "earlierTime") if earlier_time is not None else items[0].captured_at
    if earlier > later:
        raise InvalidTimeRangeException()
    forward = chronological_order == "Forward"
    in_range = [item for item in items if earlier <= item.captured_at <= later]
    # The request as given, not "now": a token stays good for the paginator's next call.
    listing = f"GetResourceConfigHistory {RESOURCE_COMPLIANCE} {resource_id} {earlier_time} {later_time} {forward}"
    cursor, served = (earlier if forward else later), 0
    if next_token:
        cursor, served = _read_token(next_token, listing)
    if forward:
        window_end = min(cursor + CALL_SPAN, later)
        window = [item for item in in_range if cursor <= item.captured_at <= window_end]
        beyond = any(item.captured_at > window_end for item in in_range)
        edge = window_end
    else:
        window_start = max(cursor - CALL_SPAN, earlier)
        window = [item for item in reversed(in_range) if window_start <= item.captured_at <= cursor]
        beyond = any(item.captured_at < window_start for item in in_range)
        edge = window_start
    page = window[served : served + page_size]
    response: dict[str, Any] = {
        "configurationItems": [item.to_configuration_item(backend.account_id, backend.region_name) for item in page]
    }
    if served + page_size < len(window):
        response["nextToken"] = _token(listing, cursor, served + page_size)
    elif beyond:
        # The next window starts just past this one's edge, so no item is served twice.
        step = timedelta(microseconds=1)
        response["nextToken"] = _token(listing, edge + step if forward else edge - step, 0)
    return response


def _token(listing: str, cursor: datetime, served: int) -> str:
    payload = base64.urlsafe_b64encode(json.dumps([cursor.timestamp(), served]).encode()).decode()
    return f"{payload}.{_signature(listing, payload)}"


def _read_token(token: str, listing: str) -> tuple[datetime, int]:
    payload, _, signature = token.partition(".")
    if not hmac.compare_digest(signature, _signature(listing, payload)):
        raise InvalidNextTokenException()
    try:
        stamp, served = json.loads(base64.urlsafe_b64decode(payload))
        return datetime.fromtimestamp(float(stamp), tz=timezone.utc), int(served)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidNextTokenException() from None


def list_compliance_resources(
    backend: ConfigBackend, resource_ids: list[str] | None, include_deleted: bool, limit: Any, next_token: str | None
) -> dict[str, Any]:
    if limit is not None and (not isinstance(limit, int) or limit < 0 or limit > DISCOVERED_MAX_LIMIT):
        raise InvalidLimitException(limit)
    history = compliance_history(backend)
    wanted = set(resource_ids or [])
    listed = [rid for rid in history.resource_ids() if not wanted or rid in wanted]
    listing = f"ListDiscoveredResources {RESOURCE_COMPLIANCE} {sorted(wanted)} {include_deleted}"
    page, token = _page(listed, lambda rid: (rid,), limit or DISCOVERED_MAX_LIMIT, next_token, listing)
    response: dict[str, Any] = {
        "resourceIdentifiers": [{"resourceType": RESOURCE_COMPLIANCE, "resourceId": rid, "resourceName": rid} for rid in page]
    }
    if token:
        response["nextToken"] = token
    return response


# --- the HTTP side: ResourceCompliance here, every other type as before ---------------------------


def _get_resource_config_history_response(self: ConfigResponse) -> str:
    request = _request(self)
    if request.get("resourceType") != RESOURCE_COMPLIANCE:
        return str(_ORIGINAL["get_resource_config_history"](self))
    return json.dumps(
        get_compliance_history(
            self.config_backend,
            str(request.get("resourceId")),
            request.get("laterTime"),
            request.get("earlierTime"),
            request.get("chronologicalOrder"),
            request.get("limit"),
            request.get("nextToken"),
        )
    )


def _list_discovered_resources_response(self: ConfigResponse) -> str:
    request = _request(self)
    if request.get("resourceType") != RESOURCE_COMPLIANCE:
        return str(_ORIGINAL["list_discovered_resources"](self))
    return json.dumps(
        list_compliance_resources(
            self.config_backend,
            request.get("resourceIds"),
            bool(request.get("includeDeletedResources")),
            request.get("limit"),
            request.get("nextToken"),
        )
    )


def install() -> None:
    """Record and serve compliance history (idempotent; after ``config_compliance.install()``)."""
    if not _ORIGINAL:
        _ORIGINAL["put_evaluations"] = config_compliance.put_evaluations
        _ORIGINAL["get_resource_config_history"] = ConfigResponse.get_resource_config_history
        _ORIGINAL["list_discovered_resources"] = ConfigResponse.list_discovered_resources
    setattr(ConfigBackend, "put_evaluations", put_evaluations)
    setattr(ConfigResponse, "get_resource_config_history", _get_resource_config_history_response)
    setattr(ConfigResponse, "list_discovered_resources", _list_discovered_resources_response)
