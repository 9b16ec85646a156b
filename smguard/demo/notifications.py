"""The events AWS Config sends a custom Lambda rule, built from resources of the embedded AWS.

Configuration items come from the same collectors as ``smguard evaluate`` (Describe response ->
recorded configuration), so the demo's items have the shape AWS Config records.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from smguard.engine.exemptions import known_arn
from smguard.sweep.collected import CollectedResource

CONFIG_SERVICE_ROLE = "aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


def configuration_item(
    collected: CollectedResource, *, account_id: str, region: str, captured_at: str, state_id: int
) -> dict[str, Any]:
    """A ``configurationItem`` as a change notification carries it (status OK: the resource exists)."""
    resource = collected.resource
    arn = collected.arn or known_arn(
        resource.resource_type, resource.resource_id, partition="aws", region=region, account=account_id
    )
    return {
        "configurationItemStatus": "OK",
        "configurationItemCaptureTime": captured_at,
        "configurationStateId": state_id,
        "resourceType": resource.resource_type,
        "resourceId": resource.resource_id,
        "resourceName": resource.resource_id,
        "ARN": arn,
        "awsRegion": region,
        "awsAccountId": account_id,
        "availabilityZone": "Not Applicable",
        "tags": {},
        "relationships": [],
        "supplementaryConfiguration": {},
        "configuration": dict(resource.configuration),
    }


def change_notification(item: Mapping[str, Any], notified_at: str) -> dict[str, Any]:
    return {
        "configurationItemDiff": None,
        "configurationItem": dict(item),
        "notificationCreationTime": notified_at,
        "messageType": "ConfigurationItemChangeNotification",
        "recordVersion": "1.3",
    }


def scheduled_notification(account_id: str, notified_at: str) -> dict[str, Any]:
    return {
        "awsAccountId": account_id,
        "notificationCreationTime": notified_at,
        "messageType": "ScheduledNotification",
        "recordVersion": "1.0",
    }


def rule_event(
    invoking_event: Mapping[str, Any], config_rule: Mapping[str, Any], *, account_id: str, result_token: str
) -> dict[str, Any]:
    """The Lambda event for one invocation of ``config_rule`` (a DescribeConfigRules entry)."""
    event = {
        "version": "1.0",
        "invokingEvent": json.dumps(invoking_event),
        "resultToken": result_token,
        "eventLeftScope": False,
        "executionRoleArn": f"arn:aws:iam::{account_id}:role/{CONFIG_SERVICE_ROLE}",
        "configRuleArn": config_rule["ConfigRuleArn"],
        "configRuleName": config_rule["ConfigRuleName"],
        "configRuleId": config_rule["ConfigRuleId"],
        "accountId": account_id,
    }
    if config_rule.get("InputParameters"):
        event["ruleParameters"] = config_rule["InputParameters"]
    return event
