"""Alarms and the dashboard: failures reach a person, and results are visible per rule.

The dashboard reads the rules' embedded-metric-format metrics (smguard/engine/observability.py:
namespace ``smguard``, dimension ``service`` = rule name) and Lambda's own metrics.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from smguard.deploy.naming import function_logical_id, resource_name
from smguard.engine.observability import ERRORS_METRIC, METRIC_NAME_BY_COMPLIANCE, METRIC_NAMESPACE

DASHBOARD_NAME = "smguard"
WIDGET_WIDTH = 12
WIDGET_HEIGHT = 6
PERIOD_SECONDS = 3600


def errors_alarm(rule_name: str) -> dict[str, Any]:
    """Any failed invocation alarms: a failure means some resources went unevaluated."""
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": f"{resource_name(rule_name)}-errors",
            "AlarmDescription": (
                f"The {rule_name} rule function failed: some resources were not evaluated. "
                "Its log group names the resource and the cause; failed events are in the smguard failed-invocations queue."
            ),
            "Namespace": "AWS/Lambda",
            "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": function_logical_id(rule_name)}}],
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
            "OKActions": [{"Ref": "AlarmTopic"}],
        },
    }


def failed_invocations_alarm() -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": "smguard-failed-invocations",
            "AlarmDescription": (
                "An evaluation event failed after every retry and was kept in the failed-invocations queue; "
                "read the message for the error and re-run the evaluation from the AWS Config console."
            ),
            "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["FailedInvocationsQueue", "QueueName"]}}],
            "Statistic": "Maximum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
        },
    }


def _rule_widget(rule_name: str, index: int) -> dict[str, Any]:
    metrics = [
        [METRIC_NAMESPACE, metric, "service", rule_name, {"label": metric}]
        for metric in (*METRIC_NAME_BY_COMPLIANCE.values(), ERRORS_METRIC)
    ]
    return {
        "type": "metric",
        "x": (index % 2) * WIDGET_WIDTH,
        "y": (index // 2) * WIDGET_HEIGHT,
        "width": WIDGET_WIDTH,
        "height": WIDGET_HEIGHT,
        "properties": {
            "title": f"{rule_name}: evaluations by compliance type, and errors",
            "region": "${AWS::Region}",
            "stat": "Sum",
            "period": PERIOD_SECONDS,
            "view": "timeSeries",
            "stacked": False,
            "metrics": metrics,
        },
    }


def _lambda_widget(rule_names: Sequence[str], index: int) -> dict[str, Any]:
    metrics = []
    for rule_name in rule_names:
        function = resource_name(rule_name)
        metrics.append(["AWS/Lambda", "Errors", "FunctionName", function, {"label": f"{rule_name} errors"}])
        metrics.append(["AWS/Lambda", "Throttles", "FunctionName", function, {"label": f"{rule_name} throttles"}])
    return {
        "type": "metric",
        "x": 0,
        "y": ((index + 1) // 2) * WIDGET_HEIGHT,
        "width": 2 * WIDGET_WIDTH,
        "height": WIDGET_HEIGHT,
        "properties": {
            "title": "Rule functions: errors and throttles (Lambda)",
            "region": "${AWS::Region}",
            "stat": "Sum",
            "period": 300,
            "view": "timeSeries",
            "metrics": metrics,
        },
    }


def dashboard(rule_names: Sequence[str]) -> dict[str, Any]:
    widgets = [_rule_widget(name, index) for index, name in enumerate(rule_names)]
    widgets.append(_lambda_widget(rule_names, len(rule_names)))
    return {
        "Type": "AWS::CloudWatch::Dashboard",
        "Properties": {
            "DashboardName": {"Fn::Sub": f"{DASHBOARD_NAME}-${{AWS::Region}}"},
            "DashboardBody": {"Fn::Sub": json.dumps({"widgets": widgets}, separators=(",", ":"))},
        },
    }
