"""Configuration items: taken from the notification, or fetched when the notification was oversized.

The result always has the shape of a ``configurationItem`` of a change notification, so checks
see one shape whatever path the item took.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from botocore.utils import parse_to_aware_datetime

from smguard.engine.errors import ConfigurationItemUnavailableError, InvalidEventError
from smguard.engine.json_text import load_json

RESOURCE_TYPE_MAX_LENGTH = 256
RESOURCE_ID_MAX_LENGTH = 768
"""PutEvaluations' limits on ComplianceResourceType and ComplianceResourceId: an item past them
could never be reported, so it is rejected by name here rather than by a ValidationException later."""

EVALUABLE_STATUSES = frozenset({"OK", "ResourceDiscovered"})
GONE_STATUSES = frozenset({"ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"})


def is_gone(item: Mapping[str, Any]) -> bool:
    """Deleted or no longer recorded: Config wants NOT_APPLICABLE for these."""
    return item.get("configurationItemStatus") in GONE_STATUSES


def item_from_change(invoking_event: Mapping[str, Any]) -> dict[str, Any]:
    item = invoking_event.get("configurationItem")
    if not isinstance(item, dict):
        raise InvalidEventError("invokingEvent.configurationItem is missing or not an object")
    return validate_item(item)


def summary_from_oversized(invoking_event: Mapping[str, Any]) -> dict[str, Any]:
    summary = invoking_event.get("configurationItemSummary")
    if not isinstance(summary, dict):
        raise InvalidEventError("invokingEvent.configurationItemSummary is missing or not an object")
    return validate_item(summary, needs_configuration=False)


def fetch_item(config_client: Any, resource_type: str, resource_id: str) -> dict[str, Any]:
    """Read the latest configuration item with GetResourceConfigHistory (oversized notifications)."""
    response = config_client.get_resource_config_history(
        resourceType=resource_type, resourceId=resource_id, limit=1
    )
    history = response.get("configurationItems") or []
    if not history:
        raise ConfigurationItemUnavailableError(
            f"GetResourceConfigHistory returned no configuration item for {resource_type} {resource_id}; "
            "check that the configuration recorder records this resource type"
        )
    recorded = history[0]
    raw_configuration = recorded.get("configuration")
    if raw_configuration:
        try:
            configuration = load_json(raw_configuration)
        except ValueError as error:  # not JSON, or nested past the bound
            raise ConfigurationItemUnavailableError(
                f"the configuration of {resource_type} {resource_id} from GetResourceConfigHistory is not "
                f"valid JSON: {error}"
            ) from None
    elif recorded.get("configurationItemStatus") in GONE_STATUSES:
        # The resource went between the notification and this read: Config records no
        # configuration for it, and the handler reports it NOT_APPLICABLE from the status.
        configuration = None
    else:
        raise ConfigurationItemUnavailableError(
            f"the configuration item of {resource_type} {resource_id} from GetResourceConfigHistory has "
            "no configuration; AWS Config may still be recording it, the next notification will retry"
        )
    capture_time = recorded.get("configurationItemCaptureTime")
    if isinstance(capture_time, datetime):
        capture_time = capture_time.isoformat()
    item = {
        "configurationItemStatus": recorded.get("configurationItemStatus"),
        "configurationItemCaptureTime": capture_time,
        "configurationStateId": recorded.get("configurationStateId"),
        "resourceType": recorded.get("resourceType"),
        "resourceId": recorded.get("resourceId"),
        "resourceName": recorded.get("resourceName"),
        "ARN": recorded.get("arn"),
        "awsRegion": recorded.get("awsRegion"),
        "awsAccountId": recorded.get("accountId"),
        "availabilityZone": recorded.get("availabilityZone"),
        "tags": recorded.get("tags") or {},
        "relationships": [
            {**relation, "name": relation.get("relationshipName")}
            for relation in recorded.get("relationships") or []
        ],
        "supplementaryConfiguration": {
            key: _maybe_json(value) for key, value in (recorded.get("supplementaryConfiguration") or {}).items()
        },
        "configuration": configuration,
    }
    return validate_item(item)


def validate_item(item: Mapping[str, Any], *, needs_configuration: bool = True) -> dict[str, Any]:
    """Check the keys the engine relies on, so a broken item fails with a message, not a KeyError."""
    for key in ("resourceType", "resourceId", "configurationItemStatus", "configurationItemCaptureTime"):
        value = item.get(key)
        if not isinstance(value, str) or not value:
            raise InvalidEventError(f"configurationItem.{key} is missing or not a non-empty string")
    for key, limit in (("resourceType", RESOURCE_TYPE_MAX_LENGTH), ("resourceId", RESOURCE_ID_MAX_LENGTH)):
        if len(item[key]) > limit:
            raise InvalidEventError(
                f"configurationItem.{key} is {len(item[key])} characters; PutEvaluations accepts at most {limit}"
            )
    require_timestamp(item["configurationItemCaptureTime"], "configurationItem.configurationItemCaptureTime")
    status = item["configurationItemStatus"]
    if status not in EVALUABLE_STATUSES | GONE_STATUSES:
        raise InvalidEventError(f"configurationItem.configurationItemStatus {status!r} is unknown")
    if needs_configuration and status in EVALUABLE_STATUSES and not isinstance(item.get("configuration"), dict):
        raise ConfigurationItemUnavailableError(
            f"the configuration item of {item['resourceType']} {item['resourceId']} has no configuration "
            "object; the rule cannot decide without it"
        )
    return dict(item)


def require_timestamp(value: str, field: str) -> None:
    """Reject a time botocore could not send as OrderingTimestamp (it would fail as a parameter error)."""
    try:
        parse_to_aware_datetime(value)
    except (ValueError, TypeError, OverflowError, OSError, RuntimeError):
        # botocore's parser (dateutil, epoch seconds, its time-zone lookup) fails in all these ways
        raise InvalidEventError(f"{field} {value[:64]!r} is not a timestamp") from None


def _maybe_json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return load_json(value)
    except ValueError:  # not JSON (or nested past the bound): kept as the string it is
        return value
