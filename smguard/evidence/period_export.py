"""episodes.csv of an export with ``--from``/``--to``: every resource's compliance history over the period.

Account scope: the account's own history (:class:`ComplianceHistoryReader`). The exemption an
episode ended with comes from the rule's current NOT_APPLICABLE results (their ``EXEMPT ...``
annotation): the history records results, not annotations.

Aggregator scope: an aggregator keeps no history, so the history files the accounts' delivery
channels write to a central S3 bucket are read (:class:`HistoryFileReader`), for every source
account and region the aggregator has smguard results from. NOT_APPLICABLE results are not
aggregated, so no exemption is named there (the bundle's limits say so).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from smguard.catalogue import load
from smguard.evidence.episodes import RESOURCE_COMPLIANCE_TYPE, Period, episodes_of
from smguard.evidence.exemptions import RecordedExemption, parse_exempt_annotation
from smguard.evidence.history import ComplianceHistoryReader
from smguard.evidence.history_files import HistoryFileReader
from smguard.evidence.period import EPISODES_FILE, EpisodeWriter, PeriodSummary
from smguard.evidence.rows import CSV_ENCODING
from smguard.evidence.score_timeline import ScoreTimeline
from smguard.evidence.request import ExportRequest
from smguard.evidence.source import BOTO_CONFIG, DETAILS_PAGE_SIZE, ConfigReader

Exemptions = dict[tuple[str, str], dict[str, RecordedExemption]]
"""(resource type, resource id) -> Config rule name -> the exemption its current result records."""


def exported_resource_types(rules: list[str]) -> set[str]:
    """The resource types the exported smguard rules evaluate (each rule declares them)."""
    return {resource_type for rule in rules for resource_type in load(rule).rule.resource_types}


def current_exemptions(config: Any, config_rule_names: list[str]) -> Exemptions:
    """The exemptions in force now, from each rule's NOT_APPLICABLE results."""
    exemptions: Exemptions = {}
    for name in config_rule_names:
        pages = config.get_paginator("get_compliance_details_by_config_rule").paginate(
            ConfigRuleName=name, ComplianceTypes=["NOT_APPLICABLE"], PaginationConfig={"PageSize": DETAILS_PAGE_SIZE}
        )
        for page in pages:
            for result in page["EvaluationResults"]:
                exemption = parse_exempt_annotation(result.get("Annotation"))
                if exemption is not None:
                    qualifier = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
                    exemptions.setdefault((qualifier["ResourceType"], qualifier["ResourceId"]), {})[name] = exemption
    return exemptions


def export_account_period(
    session: Any,
    reader: ConfigReader,
    request: ExportRequest,
    config_rule_names: list[str],
    period: Period,
    timeline: ScoreTimeline,
    staging: Path,
) -> PeriodSummary:
    """Write episodes.csv for the account of ``request``, give ``timeline`` the same history, and return the
    period's summary: from the history files of ``--history-bucket`` when given (far fewer calls), else from its Config."""
    assert request.account_id is not None
    timeline.expect(request.account_id, reader.region)
    summary = PeriodSummary(period)
    smguard_rules = sorted({rule for name in config_rule_names if (rule := request.rule_of(name))})
    for rule in smguard_rules:
        summary.expect_rule(rule)
    exemptions = current_exemptions(reader.config, config_rule_names)
    resource_types = exported_resource_types(smguard_rules)
    history = ComplianceHistoryReader(reader.config)
    if not history.records_history():
        summary.limits.append(
            f"The configuration recorder of account {request.account_id}, region {reader.region} is stopped or does not record "
            f"{RESOURCE_COMPLIANCE_TYPE}, so AWS Config keeps no compliance history there now: episodes.csv and the period's "
            "figures hold only what was recorded while it did. Record that resource type (docs/evidence.md, Period evidence)."
        )
    histories: Iterable[tuple[str, list[dict[str, Any]]]]
    if request.history_bucket is not None:
        found = _files(session, request.history_bucket).items(request.account_id, reader.region, period, resource_types)
        if not found:
            summary.limits.append(_no_files(request.history_bucket, [f"{request.account_id} {reader.region}"]))
        histories = found.items()
    else:
        histories = history.histories(history.resources(resource_types), period)
    with (staging / EPISODES_FILE).open("w", encoding=CSV_ENCODING, newline="") as stream:
        writer = EpisodeWriter(stream, summary)
        for compliance_id, items in histories:
            resource_type, _, resource_id = compliance_id.partition("/")
            resource = episodes_of(
                items,
                period,
                include_rule=lambda name: name in config_rule_names,
                exemptions=exemptions.get((resource_type, resource_id), {}),
            )
            writer.write(resource, request.rule_of, request.account_id, reader.region)
            timeline.add(request.account_id, reader.region, items)
    return summary


def _files(session: Any, history_bucket: str) -> HistoryFileReader:
    bucket, _, prefix = history_bucket.partition("/")
    return HistoryFileReader(session.client("s3", config=BOTO_CONFIG), bucket, prefix)


def export_aggregator_period(
    session: Any,
    reader: ConfigReader,
    request: ExportRequest,
    smguard_rules: list[str],
    period: Period,
    timeline: ScoreTimeline,
    staging: Path,
) -> PeriodSummary:
    """Write episodes.csv for the aggregator's source accounts and regions from the central bucket's history files,
    and give ``timeline`` the same history."""
    assert request.history_bucket is not None
    files = _files(session, request.history_bucket)
    summary = PeriodSummary(period)
    for rule in smguard_rules:
        summary.expect_rule(rule)
    sources = sorted({(source.account_id, source.region) for source in reader.aggregate_sources(request)[0]})
    resource_types = exported_resource_types(smguard_rules)
    silent: list[str] = []
    with (staging / EPISODES_FILE).open("w", encoding=CSV_ENCODING, newline="") as stream:
        writer = EpisodeWriter(stream, summary)
        for account_id, region in sources:
            timeline.expect(account_id, region)
            found = files.items(account_id, region, period, resource_types)
            if not found:
                silent.append(f"{account_id} {region}")
            for items in found.values():
                resource = episodes_of(items, period, include_rule=lambda name: request.rule_of(name) is not None)
                writer.write(resource, request.rule_of, account_id, region)
                timeline.add(account_id, region, items)
    if silent:
        summary.limits.append(_no_files(request.history_bucket, silent))
    return summary


def _no_files(history_bucket: str, sources: list[str]) -> str:
    return (
        f"No compliance history file up to the end of the period was found in s3://{history_bucket} for "
        f"{', '.join(sources)}, which has smguard results: its recorder does not record {RESOURCE_COMPLIANCE_TYPE}, or its "
        "delivery channel writes elsewhere. episodes.csv has nothing for it."
    )
