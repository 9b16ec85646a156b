"""Builders of AWS Config rule events and configuration items in the recorded shape.

The shapes follow what AWS Config sends a custom Lambda rule (see docs/aws-facts in the shared
reference): ``invokingEvent`` and ``ruleParameters`` are JSON strings, items carry their own type,
id, status and capture time.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from botocore.awsrequest import AWSResponse

ACCOUNT = "123456789012"
REGION = "us-east-1"
CAPTURE_TIME = "2026-11-20T10:15:30.123Z"
NOTIFICATION_TIME = "2026-11-20T10:16:00.000Z"


def configuration_item(
    resource_type: str,
    resource_id: str,
    configuration: dict[str, Any] | None,
    *,
    status: str = "OK",
    capture_time: str = CAPTURE_TIME,
) -> dict[str, Any]:
    return {
        "configurationItemStatus": status,
        "configurationItemCaptureTime": capture_time,
        "configurationStateId": 1700000000000,
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": resource_id,
        "ARN": f"arn:aws:config-test:{REGION}:{ACCOUNT}:{resource_id}",
        "awsRegion": REGION,
        "awsAccountId": ACCOUNT,
        "availabilityZone": "Not Applicable",
        "tags": {},
        "relationships": [],
        "supplementaryConfiguration": {},
        "configuration": configuration,
    }


def rule_event(
    invoking_event: dict[str, Any],
    *,
    parameters: dict[str, Any] | None = None,
    result_token: str = "TESTMODE",
    left_scope: bool = False,
    rule_name: str = "smguard-test-rule",
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "version": "1.0",
        "invokingEvent": json.dumps(invoking_event),
        "resultToken": result_token,
        "eventLeftScope": left_scope,
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
        "configRuleArn": f"arn:aws:config:{REGION}:{ACCOUNT}:config-rule/config-rule-abc123",
        "configRuleName": rule_name,
        "configRuleId": "config-rule-abc123",
        "accountId": ACCOUNT,
    }
    if parameters is not None:
        event["ruleParameters"] = json.dumps(parameters)
    return event


def change_event(item: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return rule_event(
        {
            "configurationItemDiff": None,
            "configurationItem": item,
            "notificationCreationTime": NOTIFICATION_TIME,
            "messageType": "ConfigurationItemChangeNotification",
            "recordVersion": "1.3",
        },
        **kwargs,
    )


def oversized_event(item: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    summary = {key: value for key, value in item.items() if key not in ("configuration", "relationships", "tags")}
    summary["changeType"] = "UPDATE"
    return rule_event(
        {
            "configurationItemSummary": summary,
            "notificationCreationTime": NOTIFICATION_TIME,
            "messageType": "OversizedConfigurationItemChangeNotification",
            "recordVersion": "1.3",
        },
        **kwargs,
    )


def scheduled_event(**kwargs: Any) -> dict[str, Any]:
    return rule_event(
        {
            "awsAccountId": ACCOUNT,
            "notificationCreationTime": NOTIFICATION_TIME,
            "messageType": "ScheduledNotification",
            "recordVersion": "1.0",
        },
        **kwargs,
    )


def history_response(item: dict[str, Any]) -> dict[str, Any]:
    """A GetResourceConfigHistory response holding ``item`` (configuration as a JSON string)."""
    return {
        "configurationItems": [
            {
                "version": "1.3",
                "accountId": item["awsAccountId"],
                "configurationItemCaptureTime": item["configurationItemCaptureTime"],
                "configurationItemStatus": item["configurationItemStatus"],
                "configurationStateId": str(item["configurationStateId"]),
                "arn": item["ARN"],
                "resourceType": item["resourceType"],
                "resourceId": item["resourceId"],
                "resourceName": item["resourceName"],
                "awsRegion": item["awsRegion"],
                "availabilityZone": item["availabilityZone"],
                "tags": {},
                "relatedEvents": [],
                "relationships": [],
                "configuration": json.dumps(item["configuration"]),
                "supplementaryConfiguration": {},
            }
        ]
    }


# Recorded (CloudFormation-shaped) configurations built from what moto's Describe calls return. The
# Describe APIs and the recorded items mostly share names; where they differ (see the shared AWS
# facts, section 2) the item's name is used, and API-only fields (status, times, URLs) are dropped.

NOTEBOOK_DESCRIBE_TO_RECORDED = {
    "NotebookInstanceName": "NotebookInstanceName",
    "InstanceType": "InstanceType",
    "RoleArn": "RoleArn",
    "SubnetId": "SubnetId",
    "SecurityGroups": "SecurityGroupIds",
    "KmsKeyId": "KmsKeyId",
    "DirectInternetAccess": "DirectInternetAccess",
    "RootAccess": "RootAccess",
    "NotebookInstanceLifecycleConfigName": "LifecycleConfigName",
    "VolumeSizeInGB": "VolumeSizeInGB",
    "PlatformIdentifier": "PlatformIdentifier",
}
DOMAIN_RECORDED_PROPERTIES = (
    "DomainId", "DomainArn", "DomainName", "AppNetworkAccessType", "AppSecurityGroupManagement", "AuthMode",
    "DefaultUserSettings", "DefaultSpaceSettings", "DomainSettings", "KmsKeyId", "SubnetIds", "VpcId",
    "HomeEfsFileSystemId", "SecurityGroupIdForDomainBoundary",
)
MODEL_RECORDED_PROPERTIES = (
    "ModelName", "ExecutionRoleArn", "PrimaryContainer", "Containers", "InferenceExecutionConfig",
    "VpcConfig", "EnableNetworkIsolation",
)


def notebook_configuration(described: dict[str, Any]) -> dict[str, Any]:
    """The recorded configuration of a notebook instance from a DescribeNotebookInstance response."""
    return {recorded: described[api] for api, recorded in NOTEBOOK_DESCRIBE_TO_RECORDED.items() if api in described}


def domain_configuration(described: dict[str, Any]) -> dict[str, Any]:
    """The recorded configuration of a Studio domain from a DescribeDomain response."""
    return {key: described[key] for key in DOMAIN_RECORDED_PROPERTIES if key in described}


def model_configuration(described: dict[str, Any]) -> dict[str, Any]:
    """The recorded configuration of a model from a DescribeModel response.

    moto describes properties the model was not given as empty (``Containers: []``, ``VpcConfig: {}``)
    where AWS leaves them out, so empty values are dropped.
    """
    return {key: described[key] for key in MODEL_RECORDED_PROPERTIES if key in described and described[key] not in ([], {})}


# --- Periodic rules: results AWS Config already holds, and list APIs served page by page -----------


def evaluation_result(
    resource_type: str,
    resource_id: str,
    compliance: str = "NON_COMPLIANT",
    *,
    rule_name: str = "smguard-test-rule",
) -> dict[str, Any]:
    """One GetComplianceDetailsByConfigRule ``EvaluationResults`` entry: a result recorded by an earlier run."""
    recorded = datetime(2026, 11, 19, 10, 16, tzinfo=timezone.utc)
    return {
        "EvaluationResultIdentifier": {
            "EvaluationResultQualifier": {
                "ConfigRuleName": rule_name,
                "ResourceType": resource_type,
                "ResourceId": resource_id,
                "EvaluationMode": "DETECTIVE",
            },
            "OrderingTimestamp": recorded,
        },
        "ComplianceType": compliance,
        "ResultRecordedTime": recorded,
        "ConfigRuleInvokedTime": recorded,
        "Annotation": "Recorded by an earlier evaluation.",
    }


class PagedListing:
    """An in-memory list API for a botocore ``before-call`` hook, served ``page_size`` items at a time.

    For list operations moto lacks (GetComplianceDetailsByConfigRule) or does not paginate
    (DescribeVpcs, DescribeFlowLogs, DescribeVpcEndpoints return everything in one page there):
    register it with ``client.meta.events.register("before-call.<service>.<Operation>", listing)``
    and the client gets these pages instead of calling AWS. ``requests`` records each call's
    parameters, so a test can count pages and check filters.
    """

    def __init__(self, result_key: str, items: list[dict[str, Any]], page_size: int) -> None:
        self.result_key = result_key
        self.items = items
        self.page_size = page_size
        self.requests: list[dict[str, Any]] = []

    def __call__(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        body = params.get("body") or {}
        request = json.loads(body) if isinstance(body, (bytes, str)) else dict(body)
        self.requests.append(request)
        start = int(request.get("NextToken") or 0)
        end = start + self.page_size
        page: dict[str, Any] = {self.result_key: self.items[start:end]}
        if end < len(self.items):
            page["NextToken"] = str(end)
        return AWSResponse("https://fake.invalid/", 200, {}, None), page
