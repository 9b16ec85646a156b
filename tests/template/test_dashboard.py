"""The dashboard graphs exactly the metrics the rules emit: the engine's embedded-metric-format
output, captured as Lambda would ship it to CloudWatch, against the dashboard body in template.yaml."""

from __future__ import annotations

import json

from smguard.catalogue import discover
from smguard.engine.observability import emit_error_metric, emit_evaluation_metrics
from tests.template.conftest import resolver

ENTRIES = discover()


def emitted_metrics(rule, capsys) -> set[tuple[str, str, str, str]]:
    """(namespace, metric, dimension, value) of every metric one evaluation and one failure emit."""
    capsys.readouterr()
    evaluations = [{"ComplianceType": c} for c in ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")]
    emit_evaluation_metrics(rule.name, evaluations)
    emit_error_metric(rule.name)
    metrics = set()
    for line in capsys.readouterr().out.splitlines():
        record = json.loads(line)
        for directive in record["_aws"]["CloudWatchMetrics"]:
            for dimensions in directive["Dimensions"]:
                (dimension,) = dimensions  # one dimension set of one dimension: what the dashboard names
                for metric in directive["Metrics"]:
                    metrics.add((directive["Namespace"], metric["Name"], dimension, record[dimension]))
    return metrics


def dashboard_metrics(template) -> set[tuple[str, str, str, str]]:
    """(namespace, metric, dimension, value) of every rule-metric line of the dashboard."""
    body = json.loads(resolver(template, "Account").resolve(template["Resources"]["Dashboard"]["Properties"])["DashboardBody"])
    lines = set()
    for widget in body["widgets"]:
        for namespace, metric, dimension, value, *_options in widget["properties"]["metrics"]:
            if namespace != "AWS/Lambda":
                lines.add((namespace, metric, dimension, value))
    return lines


def test_the_dashboard_graphs_exactly_the_metrics_the_rules_emit(template, capsys):
    emitted = set().union(*(emitted_metrics(entry.rule, capsys) for entry in ENTRIES))
    assert dashboard_metrics(template) == emitted

