"""Write an evidence bundle: rows as they arrive, then rules.json, summary.html and, last, the manifest.

Everything is written into a hidden staging folder next to the destination and renamed into place
only when complete, so a failed or interrupted export never leaves a folder that looks like a
bundle: the destination either does not exist or holds every file and a manifest listing them.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from smguard import __version__
from smguard.deploy.naming import CONFORMANCE_PACK_INFIX, NAME_PREFIX, ORGANIZATION_MEMBER_PREFIX, names
from smguard.evidence.errors import (
    AccessDeniedError,
    AggregatorNotFoundError,
    AwsExportError,
    BundleExistsError,
    BundleWriteError,
    EvidenceError,
    InvalidDestinationError,
    RuleNotFoundError,
    WrongAccountError,
)
from smguard.evidence.manifest import write_manifest
from smguard.evidence.period import PeriodSummary, iso, period_of, render_period_section
from smguard.evidence.period_export import export_account_period, export_aggregator_period
from smguard.evidence.request import ExportRequest
from smguard.evidence.rows import CSV_ENCODING, EvaluationRow, RowWriter
from smguard.evidence.score_section import render_score_section
from smguard.evidence.score_timeline import ScoreTimeline, write_timeline
from smguard.evidence.scores import NO_PACK, NO_PACK_AGGREGATED, withheld, write_scores
from smguard.evidence.source import ConfigReader
from smguard.evidence.summary import Summary, render_html

ProgressCallback = Callable[[str, int], None]
"""Called with (what is being read, rows just written) after every page."""

ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException"})
ACCOUNT_PERMISSIONS = (
    "config:DescribeConfigRules, config:GetComplianceDetailsByConfigRule, config:DescribeConformancePacks and sts:GetCallerIdentity"
)
AGGREGATOR_PERMISSIONS = (
    "config:DescribeAggregateComplianceByConfigRules, config:GetAggregateComplianceDetailsByConfigRule, "
    "config:DescribeAggregateComplianceByConformancePacks, config:DescribeConfigRules and sts:GetCallerIdentity"
)
SUFFIX = "<suffix>"
"""Stands for the suffix AWS Config appends to a name, which differs in every account."""


def export_bundle(
    session: Any,
    request: ExportRequest,
    out_dir: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Path:
    """Export ``request`` from AWS Config through ``session`` (a boto3 Session) into the new folder ``out_dir``.

    Returns the bundle's path. Raises an :class:`EvidenceError` naming the problem; the
    destination is then left untouched.
    """
    destination = Path(out_dir)
    check_destination(destination)
    reader = _config_reader(session)
    staging = _staging_folder(destination)
    caller: dict[str, str] | None = None
    try:
        caller = reader.caller()
        started = clock()
        created_at = started.isoformat(timespec="seconds").replace("+00:00", "Z")
        period = period_of(request.period_from, request.period_to, started) if request.period_from and request.period_to else None
        summary = Summary()
        with (
            (staging / "evaluations.csv").open("w", encoding=CSV_ENCODING, newline="") as csv_file,
            (staging / "evaluations.jsonl").open("w", encoding="utf-8") as jsonl_file,
        ):
            writer = RowWriter(csv_file, jsonl_file)
            if request.account_id is not None:
                rules_document = _export_account(reader, request, caller, writer, summary, progress)
            else:
                rules_document = _export_aggregator(reader, request, caller, writer, summary, progress)
        _write_json(staging / "rules.json", rules_document)
        not_scored = withheld(request)
        pack_names = reader.aggregate_pack_names(request) if request.aggregator else reader.pack_names(caller["account_id"])
        current_scores = summary.scores.records(created_at, not_scored, pack_names, NO_PACK_AGGREGATED if request.aggregator else NO_PACK)
        write_scores(staging, current_scores)
        timeline = ScoreTimeline(period, include_rule=lambda name: request.rule_of(name) is not None) if period else None
        period_summary = _export_period(session, reader, request, rules_document, timeline, staging)
        daily_scores = timeline.records(not_scored, pack_names) if timeline else None
        if daily_scores is not None:
            write_timeline(staging, daily_scores)
        limits = request.limits(rules_document["not_recognised"]) + (period_summary.limits if period_summary else [])
        description = {
            "created_at": created_at,
            "requested_by": caller,
            "tool": {"name": "smguard", "version": __version__},
            "region": reader.region,
            "request": request.to_manifest(),
            **_period_manifest(request, period_summary),
            "limits": limits,
            "counts": summary.to_manifest(),
        }
        period_section = render_period_section(period_summary) if period_summary else ""
        score_section = render_score_section(current_scores, daily_scores)
        (staging / "summary.html").write_text(render_html(summary, description, period_section, score_section), encoding="utf-8")
        write_manifest(staging, description)
        if destination.exists():
            raise BundleExistsError(f"{destination} appeared while exporting; the export was discarded")
        staging.rename(destination)
    except ClientError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise _explain(error, request, reader.region, caller) from error
    except BotoCoreError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise AwsExportError(f"the AWS call failed: {error}; no bundle was written") from error
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BundleWriteError(f"writing the bundle next to {destination} failed: {error}; no bundle was written") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination


def _export_period(
    session: Any,
    reader: ConfigReader,
    request: ExportRequest,
    rules_document: dict[str, Any],
    timeline: ScoreTimeline | None,
    staging: Path,
) -> PeriodSummary | None:
    """episodes.csv, and each day's pairs for ``timeline``, when the request names a period (``--from``/``--to``),
    which the timeline covers."""
    if timeline is None:
        return None
    if request.aggregator is not None:
        return export_aggregator_period(session, reader, request, sorted(rules_document["smguard_rules"]), timeline.period, timeline, staging)
    names = sorted({name for names in rules_document["smguard_rules"].values() for name in names})
    return export_account_period(session, reader, request, names, timeline.period, timeline, staging)


def _period_manifest(request: ExportRequest, summary: PeriodSummary | None) -> dict[str, Any]:
    """``period``, when asked: as asked (UTC days) and as covered (``end`` is the export's time
    when earlier), with the episodes' counts."""
    if summary is None or request.period_from is None or request.period_to is None:
        return {}
    return {
        "period": {
            "from": request.period_from.isoformat(),
            "to": request.period_to.isoformat(),
            "start": iso(summary.period.start),
            "end": iso(summary.period.end),
            **summary.to_manifest(),
        }
    }


def check_destination(destination: Path) -> None:
    """Refuse, before anything is read, a destination that exists or whose folder cannot be created."""
    if destination.exists() or destination.is_symlink():
        raise BundleExistsError(f"{destination} exists; give a new folder (a bundle is never overwritten)")
    # Path.exists() is False under a regular file (ENOTDIR), so the nearest existing ancestor tells.
    ancestor = next((parent for parent in destination.absolute().parents if parent.exists()), None)
    if ancestor is not None and not ancestor.is_dir():
        raise InvalidDestinationError(f"{destination} cannot be created: {ancestor} is a file, not a folder")


def _config_reader(session: Any) -> ConfigReader:
    """The AWS clients, built before anything is written so that a bad setting leaves nothing behind."""
    try:
        return ConfigReader(session)
    except (BotoCoreError, ValueError) as error:
        # botocore raises a bare ValueError for a malformed endpoint (AWS_ENDPOINT_URL, endpoint_url in the profile).
        raise AwsExportError(
            f"the AWS clients could not be created: {error}; check AWS_ENDPOINT_URL, the region and the profile. "
            "No bundle was written."
        ) from error


def _staging_folder(destination: Path) -> Path:
    # Not tempfile.mkdtemp: its folder is private (0700) and, renamed into place, the bundle would be
    # too; mkdir gives the mode any new folder gets under the umask. The random part avoids another
    # export's staging folder; a clash fails (FileExistsError) rather than sharing one.
    staging = destination.parent / f".{destination.name}.{secrets.token_hex(8)}.partial"
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
        return staging
    except OSError as error:
        raise InvalidDestinationError(f"{destination} cannot be created: {error}") from error


def _export_account(
    reader: ConfigReader,
    request: ExportRequest,
    caller: dict[str, str],
    writer: RowWriter,
    summary: Summary,
    progress: ProgressCallback | None,
) -> dict[str, Any]:
    if caller["account_id"] != request.account_id:
        raise WrongAccountError(
            f"--account {request.account_id} was asked, but the credentials ({caller['arn']}) are for account "
            f"{caller['account_id']}; use credentials of account {request.account_id} (e.g. --profile), or an aggregator"
        )
    rules, unrecognised = reader.smguard_rules(request)
    found = {_rule_of(request, rule["ConfigRuleName"]) for rule in rules}
    missing = [rule for rule in request.rules if rule not in found]
    if missing:
        raise RuleNotFoundError(
            f"--rules {', '.join(missing)}: not deployed in account {request.account_id}, region {reader.region} "
            f"(no Config rule {_names_sought([names(rule).config_rule for rule in missing])}). No bundle was written."
        )
    if not rules:
        unknown = f"; the Config rules {', '.join(unrecognised)} are named like smguard's but are none of this smguard's" if unrecognised else ""
        raise RuleNotFoundError(
            f"no smguard rule is deployed in account {request.account_id}, region {reader.region} (no Config rule "
            f"{_names_sought([f'{NAME_PREFIX}<rule>'])}){unknown}; deploy template.yaml there, or choose the region with "
            "--region. No bundle was written."
        )
    for rule in rules:
        name = rule["ConfigRuleName"]
        smguard_rule = _rule_of(request, name)
        summary.expect_rule(smguard_rule, rule.get("Description"))
        summary.scores.expect(request.account_id, reader.region, name)
        for page in reader.rule_results(name, request.compliance_types):
            _write_page(page, smguard_rule, request.account_id, reader.region, writer, summary)
            if progress:
                progress(name, len(page))
    return {
        "described_in": {"account_id": request.account_id, "region": reader.region},
        "smguard_rules": _smguard_rules(request, {rule["ConfigRuleName"] for rule in rules}),
        "ConfigRules": rules,
        "not_described": [],
        "not_recognised": unrecognised,
    }


def _names_sought(declared: list[str]) -> str:
    """The names the rules template.yaml declares as ``declared`` (``smguard-<rule>``) have where
    deployed, as the export looks for them: the rule smguard's conformance pack creates, or, as
    ``smguard.deploy.naming.rule_of`` still recognises, a standalone rule or an organization rule's
    copy of a deployment from before smguard deployed its rules in the pack."""
    pack = ", ".join(f"{name}{CONFORMANCE_PACK_INFIX}{SUFFIX}" for name in declared)
    copies = ", ".join(f"{ORGANIZATION_MEMBER_PREFIX}{name}-{SUFFIX}" for name in declared)
    return (
        f"{pack} of smguard's conformance pack, nor, from a deployment before the pack, {', '.join(declared)} or an "
        f"organization rule's copy {copies}"
    )


def _export_aggregator(
    reader: ConfigReader,
    request: ExportRequest,
    caller: dict[str, str],
    writer: RowWriter,
    summary: Summary,
    progress: ProgressCallback | None,
) -> dict[str, Any]:
    sources, unrecognised = reader.aggregate_sources(request)
    # An aggregator lists only rules with results: a rule asked for by --rules that none has would
    # otherwise be silently absent from the bundle.
    missing = sorted(set(request.rules) - {_rule_of(request, source.rule_name) for source in sources})
    if missing:
        within = "".join(
            f" within --{option} {','.join(values)}" for option, values in (("accounts", request.accounts), ("regions", request.regions)) if values
        )
        raise RuleNotFoundError(
            f"no source of the aggregator {request.aggregator!r}{within} has results for {', '.join(missing)}: the rule "
            "is not deployed there, or all its results are NOT_APPLICABLE (which an aggregator does not carry; export "
            "such an account with --account). No bundle was written."
        )
    for source in sources:
        smguard_rule = _rule_of(request, source.rule_name)
        summary.expect_rule(smguard_rule)
        summary.scores.expect(source.account_id, source.region, source.rule_name)
        label = f"{source.rule_name} in {source.account_id} {source.region}"
        for page in reader.aggregate_results(request, source):
            _write_page(page, smguard_rule, source.account_id, source.region, writer, summary)
            if progress:
                progress(label, len(page))
    described, not_described = reader.described_rules(request, set(summary.per_rule))
    for rule in described:
        summary.expect_rule(_rule_of(request, rule["ConfigRuleName"]), rule.get("Description"))
    exported = {source.rule_name for source in sources} | {rule["ConfigRuleName"] for rule in described}
    return {
        "described_in": {"account_id": caller["account_id"], "region": reader.region},
        "smguard_rules": _smguard_rules(request, exported),
        "ConfigRules": described,
        "not_described": not_described,
        "not_recognised": unrecognised,
    }


def _rule_of(request: ExportRequest, config_rule_name: str) -> str:
    """The smguard rule of a Config rule the reader selected with the same request."""
    rule = request.rule_of(config_rule_name)
    if rule is None:
        raise AssertionError(f"{config_rule_name} was read as a smguard rule but names none")
    return rule


def _smguard_rules(request: ExportRequest, config_rule_names: set[str]) -> dict[str, list[str]]:
    """Each exported smguard rule and the Config rule names it has in the bundle (one per account
    for an organization rule's copies), so rows and definitions can be tied to the rule."""
    by_rule: dict[str, list[str]] = {}
    for name in sorted(config_rule_names):
        by_rule.setdefault(_rule_of(request, name), []).append(name)
    return dict(sorted(by_rule.items()))


def _write_page(
    page: list[dict[str, Any]], rule: str, account_id: str, region: str, writer: RowWriter, summary: Summary
) -> None:
    for result in page:
        row = EvaluationRow.from_result(result, rule, account_id, region)
        writer.write(row)
        summary.add(row)


def _write_json(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2, default=_json_default, ensure_ascii=False) + "\n", encoding="utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _explain(error: ClientError, request: ExportRequest, region: str, caller: dict[str, str] | None) -> EvidenceError:
    """Turn an AWS error into one sentence an operator can act on."""
    code = error.response.get("Error", {}).get("Code", "Unknown")
    message = error.response.get("Error", {}).get("Message", "")
    where = f"account {caller['account_id']}, region {region}" if caller else f"region {region}"
    if code == "NoSuchConfigurationAggregatorException":
        return AggregatorNotFoundError(
            f"the Config aggregator {request.aggregator!r} does not exist in {where}; check its name and region "
            "(DescribeConfigurationAggregators lists them). No bundle was written."
        )
    if code == "NoSuchConfigRuleException":
        return RuleNotFoundError(
            f"a rule asked for with --rules ({', '.join(request.rules)}) is not deployed in {where}: {message}. "
            "No bundle was written."
        )
    if code in ACCESS_DENIED_CODES:
        who = caller["arn"] if caller else "the caller"
        needed = ACCOUNT_PERMISSIONS if request.account_id else AGGREGATOR_PERMISSIONS
        return AccessDeniedError(
            f"AWS denied {error.operation_name} to {who} in {where} ({code}: {message}). "
            f"The export needs {needed}. No bundle was written."
        )
    return AwsExportError(f"{error.operation_name} failed in {where}: {code}: {message}. No bundle was written.")
