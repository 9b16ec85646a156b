"""Structured logs and embedded-metric-format metrics, per rule.

Only powertools' Logger and Metrics are used: its Tracer loads the X-Ray SDK, which costs about
100 ms and 20 MB on every cold start. ``EphemeralMetrics`` keeps no state shared between
instances, so several rules can run in one process (the demo) without mixing their dimensions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from aws_lambda_powertools.logging import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

METRIC_NAMESPACE = "smguard"
METRIC_NAME_BY_COMPLIANCE = {
    "COMPLIANT": "CompliantEvaluations",
    "NON_COMPLIANT": "NonCompliantEvaluations",
    "NOT_APPLICABLE": "NotApplicableEvaluations",
}
ERRORS_METRIC = "Errors"


def rule_logger(rule_name: str) -> Logger:
    return Logger(service=rule_name)


def emit_evaluation_metrics(rule_name: str, evaluations: Iterable[dict[str, Any]]) -> None:
    counts = Counter(evaluation["ComplianceType"] for evaluation in evaluations)
    metrics = EphemeralMetrics(namespace=METRIC_NAMESPACE, service=rule_name)
    for compliance, metric_name in METRIC_NAME_BY_COMPLIANCE.items():
        metrics.add_metric(name=metric_name, unit=MetricUnit.Count, value=counts.get(compliance, 0))
    metrics.flush_metrics()


def emit_error_metric(rule_name: str) -> None:
    metrics = EphemeralMetrics(namespace=METRIC_NAMESPACE, service=rule_name)
    metrics.add_metric(name=ERRORS_METRIC, unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()
