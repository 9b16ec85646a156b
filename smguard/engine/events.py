"""The AWS Config rule event, validated into a typed object before anything acts on it.

A malformed event is a deployment or integration fault: it is rejected with a message naming the
field, never evaluated as if it were empty.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from smguard.engine.errors import InvalidEventError
from smguard.engine.items import require_timestamp
from smguard.engine.json_text import NestedTooDeeplyError, load_json
from smguard.engine.parameters import RULE_PARAMETERS_MAX_LENGTH

CHANGE = "ConfigurationItemChangeNotification"
OVERSIZED_CHANGE = "OversizedConfigurationItemChangeNotification"
SCHEDULED = "ScheduledNotification"
MESSAGE_TYPES = (CHANGE, OVERSIZED_CHANGE, SCHEDULED)

TEST_MODE_TOKEN = "TESTMODE"


@dataclass(frozen=True)
class RuleEvent:
    """The parts of a Config rule event the engine uses."""

    invoking_event: Mapping[str, Any]
    message_type: str
    rule_parameters: Mapping[str, object]
    raw_rule_parameters: str
    result_token: str
    event_left_scope: bool
    config_rule_name: str | None
    account_id: str | None
    partition: str
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def test_mode(self) -> bool:
        """Config's console and rdklib's tests send this token; PutEvaluations then stores nothing."""
        return self.result_token == TEST_MODE_TOKEN

    @property
    def notification_time(self) -> str:
        value = self.invoking_event.get("notificationCreationTime")
        if not isinstance(value, str) or not value:
            raise InvalidEventError("invokingEvent.notificationCreationTime is missing or not a string")
        require_timestamp(value, "invokingEvent.notificationCreationTime")
        return value


def parse_event(event: object) -> RuleEvent:
    """Validate a Lambda event as an AWS Config rule event."""
    if not isinstance(event, Mapping):
        raise InvalidEventError(f"the event is a {type(event).__name__}, not an AWS Config rule event object")
    invoking_event = _json_object(event, "invokingEvent", required=True)
    message_type = invoking_event.get("messageType")
    if message_type not in MESSAGE_TYPES:
        raise InvalidEventError(
            f"invokingEvent.messageType {message_type!r} is not one of {', '.join(MESSAGE_TYPES)}"
        )
    raw_parameters = event.get("ruleParameters") or "{}"
    if not isinstance(raw_parameters, str):
        raise InvalidEventError("ruleParameters must be a JSON string")
    if len(raw_parameters) > RULE_PARAMETERS_MAX_LENGTH:
        raise InvalidEventError(
            f"ruleParameters is {len(raw_parameters)} characters; AWS Config allows at most "
            f"{RULE_PARAMETERS_MAX_LENGTH}"
        )
    rule_parameters = _json_object(event, "ruleParameters", required=False)
    result_token = event.get("resultToken")
    if not isinstance(result_token, str) or not result_token:
        raise InvalidEventError("resultToken is missing: AWS Config needs it back in PutEvaluations")
    left_scope = event.get("eventLeftScope", False)
    if not isinstance(left_scope, bool):
        raise InvalidEventError(f"eventLeftScope must be a boolean, got {left_scope!r}")
    return RuleEvent(
        invoking_event=invoking_event,
        message_type=message_type,
        rule_parameters=rule_parameters,
        raw_rule_parameters=raw_parameters,
        result_token=result_token,
        event_left_scope=left_scope,
        config_rule_name=_optional_string(event, "configRuleName"),
        account_id=_optional_string(event, "accountId") or _optional_string(invoking_event, "awsAccountId"),
        partition=_partition(event),
        raw=event,
    )


def _json_object(event: Mapping[str, Any], key: str, *, required: bool) -> Mapping[str, Any]:
    raw = event.get(key)
    if raw is None or raw == "":
        if required:
            raise InvalidEventError(f"{key} is missing from the event")
        return {}
    if not isinstance(raw, str):
        raise InvalidEventError(f"{key} must be a JSON string, got {type(raw).__name__}")
    try:
        value = load_json(raw)
    except json.JSONDecodeError as error:
        raise InvalidEventError(f"{key} is not valid JSON: {error}") from None
    except NestedTooDeeplyError as error:
        raise InvalidEventError(f"{key} is nested too deeply to be an AWS Config event ({error})") from None
    if not isinstance(value, dict):
        raise InvalidEventError(f"{key} must be a JSON object, got {type(value).__name__}")
    return value


def _optional_string(source: Mapping[str, Any], key: str) -> str | None:
    value = source.get(key)
    return value if isinstance(value, str) and value else None


def _partition(event: Mapping[str, Any]) -> str:
    """The partition (aws, aws-cn, aws-us-gov...) from the rule's own ARN, so role ARNs are right."""
    for key in ("configRuleArn", "executionRoleArn"):
        arn = event.get(key)
        if isinstance(arn, str) and arn.startswith("arn:") and arn.count(":") >= 5:
            return arn.split(":")[1]
    return "aws"
