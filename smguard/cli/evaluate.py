"""``smguard evaluate``: assess an account's SageMaker guardrails with the rules' own checks, no deployment needed."""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from smguard.catalogue import RuleEntry, discover, lookup
from smguard.cli.options import aws_session, region_option, rule_options
from smguard.cli.tables import ResultRow, results_table, short_type, stdout_console
from smguard.deploy.naming import UnknownRuleError, resolve
from smguard.engine.errors import InvalidRuleParameterError, SmguardError
from smguard.results import EVALUATE, rule_facts
from smguard.sweep.clients import DEFAULT_MAX_WORKERS, MAX_WORKERS_LIMIT, ClientSetupError, SweepClients
from smguard.sweep.collected import SilentProgress
from smguard.sweep.collectors import UnsupportedResourceTypeError, collect
from smguard.sweep.evaluation import (
    EVALUATE_ROLE_REFUSAL,
    CoverageGap,
    EvaluationRow,
    RuleSettings,
    evaluate,
    evaluate_recorded,
    parse_settings,
    types_to_collect,
)
from smguard.sweep.recorded import AccountRecorder, Aggregator, RecordedSource, places

EXIT_NON_COMPLIANT = 1
EXIT_AWS_FAILURE = 3
EXIT_UNEXPECTED = 4
EXIT_UNRECORDED = 5
EXIT_INTERRUPTED = 130
EXEMPTIONS_PARAMETER = "ExemptionsParameterName"
DESCRIBE, CONFIG = "describe", "config"


class SweepFailedError(click.ClickException):
    """Reading the account failed (credentials, permissions, throttling after retries)."""

    exit_code = EXIT_AWS_FAILURE


class UnexpectedFailureError(click.ClickException):
    """A failure smguard did not foresee (a bug); its exit code must not be mistaken for a finding."""

    exit_code = EXIT_UNEXPECTED


@click.command("evaluate")
@click.option("--profile", help="AWS profile to read the account with (default: the usual credential chain).")
@region_option("Region to evaluate (default: AWS_REGION, else AWS_DEFAULT_REGION or the profile's).")
@rule_options
@click.option(
    "--exemptions-parameter",
    metavar="NAME",
    help=(
        "The SSM parameter of the central exemption register (e.g. /smguard/exemptions), applied to every rule as the "
        "deployed rules apply it (the stack's ExemptionsParameterName); read in the evaluated account and region."
    ),
)
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--fail-on-noncompliant", is_flag=True, help=f"Exit with code {EXIT_NON_COMPLIANT} when any resource is NON_COMPLIANT.")
@click.option(
    "--max-workers",
    type=click.IntRange(1, MAX_WORKERS_LIMIT),
    default=DEFAULT_MAX_WORKERS,
    show_default=True,
    help="Concurrent Describe calls.",
)
@click.option(
    "--source",
    type=click.Choice([DESCRIBE, CONFIG]),
    default=None,
    help="Where the resources' configurations come from: the Describe APIs (default; no AWS Config needed) or "
    "what AWS Config recorded in the account and region (its configuration recorder).",
)
@click.option(
    "--aggregator",
    metavar="NAME",
    help="Evaluate every account and region of this AWS Config aggregator (of the caller's account and region) "
    "from what Config recorded, assuming no role; implies --source config.",
)
def evaluate_command(
    profile: str | None,
    region: str | None,
    rule_names: str | None,
    params: tuple[str, ...],
    params_file: Path | None,
    exemptions_parameter: str | None,
    output_format: str,
    fail_on_noncompliant: bool,
    max_workers: int,
    source: str | None,
    aggregator: str | None,
) -> None:
    """Evaluate the resources of one account and region with every rule's check.

    Reads with read-only List/Describe calls (one Describe per SageMaker resource, one paginated
    call per EC2 collection; periodic rules read VPCs, flow logs and endpoints in bulk themselves),
    builds each resource's AWS Config configuration item and runs the same code as the deployed
    rules. Honours AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL.

    With --source config or --aggregator, the rules' checks run on the configuration items AWS
    Config recorded (about one request per 100 resources, every account and region of an
    aggregator at once), periodic rules' flow logs, endpoints and KMS keys included; a resource
    type that is not recorded somewhere is reported on stderr and gives exit code 5.

    Exit codes: 0 evaluated, 1 NON_COMPLIANT found with --fail-on-noncompliant, 2 bad usage or
    rule parameter, 3 reading the account failed (AWS refused or failed, or the AWS settings such as
    AWS_ENDPOINT_URL are unusable), 4 an unexpected error (a bug), 5 some rule could not judge some
    account and region because AWS Config does not record what it needs there (with --source
    config or --aggregator; takes precedence over 1), 130 interrupted. See docs/evaluate.md.
    """
    if aggregator is not None and source == DESCRIBE:
        raise click.BadParameter("--aggregator reads what AWS Config recorded; it cannot be used with --source describe", param_hint="--aggregator")
    entries = select_rules(rule_names)
    raw = load_parameters(params, params_file)
    if exemptions_parameter is not None:
        raw = with_exemption_register(raw, entries, exemptions_parameter)
    settings = rule_settings(entries, raw)
    stderr = Console(stderr=True)
    gaps: list[CoverageGap] = []
    try:
        clients = SweepClients(aws_session(profile, region))
        if aggregator is not None or source == CONFIG:
            recorded: RecordedSource = Aggregator(clients, aggregator) if aggregator is not None else AccountRecorder(clients)
            rows, gaps = sweep_recorded(entries, settings, clients, recorded)
        else:
            rows = sweep(entries, settings, clients, max_workers, stderr)
    except (ClientError, BotoCoreError, SmguardError, UnsupportedResourceTypeError, ClientSetupError) as error:
        raise SweepFailedError(describe_failure(error)) from error
    except click.ClickException:
        raise  # a usage error (e.g. no region) keeps its own message and exit code
    except KeyboardInterrupt:
        # click would turn it into exit code 1, which a pipeline reads as "non-compliant found".
        stderr.print("Interrupted; nothing was evaluated.", highlight=False)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # noqa: BLE001 - any other failure must not exit 1 either (see above)
        raise UnexpectedFailureError(
            f"unexpected {type(error).__name__}: {error}; nothing was evaluated. This is a bug in smguard: please report it."
        ) from error
    write_rows(rows, output_format)
    counts = Counter(row.compliance for row in rows)
    where = f"in {clients.region}" if aggregator is None else f"through the aggregator {aggregator}"
    stderr.print(
        f"{len(rows)} evaluation(s) {where}: {counts['COMPLIANT']} compliant, "
        f"{counts['NON_COMPLIANT']} non-compliant, {counts['NOT_APPLICABLE']} not applicable.",
        highlight=False,
        soft_wrap=True,  # one line for whoever parses it, however narrow stderr is
    )
    for gap in gaps:
        stderr.print(
            f"NOT EVALUATED in {gap.account} {gap.region}: {gap.reason} (rules {', '.join(gap.rules)}); "
            "record it with AWS Config, or evaluate that account with --source describe.",
            highlight=False,
            soft_wrap=True,
        )
    if gaps:
        sys.exit(EXIT_UNRECORDED)
    if fail_on_noncompliant and counts["NON_COMPLIANT"]:
        sys.exit(EXIT_NON_COMPLIANT)


def select_rules(rule_names: str | None) -> list[RuleEntry]:
    """The rules ``--rules`` names, each by its short name or any of its AWS names, once each."""
    if rule_names is None:
        return discover()
    wanted = [name.strip() for name in rule_names.split(",") if name.strip()]
    if not wanted:
        raise click.BadParameter("no rule given; name one or more rules, or leave --rules out to run them all", param_hint="--rules")
    try:
        return list({entry.name: entry for entry in map(lookup, wanted)}.values())
    except UnknownRuleError as error:
        raise click.BadParameter(str(error), param_hint="--rules") from None


def load_parameters(params: Sequence[str], params_file: Path | None) -> dict[str, dict[str, object]]:
    """Rule name -> raw parameters, from the file then the command line."""
    raw: dict[str, dict[str, object]] = {}
    if params_file is not None:
        try:
            document = json.loads(params_file.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise click.BadParameter(f"{params_file}: {error}", param_hint="--params-file") from None
        if not isinstance(document, dict) or not all(isinstance(v, dict) for v in document.values()):
            raise click.BadParameter(
                f'{params_file}: expected {{"rule_name": {{"ParameterName": "value"}}}}', param_hint="--params-file"
            )
        raw = {rule: dict(values) for rule, values in document.items()}
    for text in params:
        target, separator, value = text.partition("=")
        rule, dot, name = target.partition(".")
        if not separator or not dot or not rule or not name:
            raise click.BadParameter(f"{text!r} is not RULE.NAME=VALUE", param_hint="--param")
        raw.setdefault(rule, {})[name] = value
    return raw


def with_exemption_register(
    raw: Mapping[str, Mapping[str, object]], entries: Sequence[RuleEntry], parameter_name: str
) -> dict[str, dict[str, object]]:
    """``raw`` with the register ``parameter_name`` for every rule, as the stack gives its
    ExemptionsParameterName to every deployed rule; a rule given another register is refused."""
    for given, values in raw.items():
        other = values.get(EXEMPTIONS_PARAMETER)
        if other is not None and other != parameter_name:
            raise click.BadParameter(
                f"{given}.{EXEMPTIONS_PARAMETER}={other} contradicts --exemptions-parameter {parameter_name}: the deployed "
                "rules read one register; give it once",
                param_hint="--exemptions-parameter",
            )
    every_rule = {entry.name: {**raw.get(entry.name, {}), EXEMPTIONS_PARAMETER: parameter_name} for entry in entries}
    return {**{given: dict(values) for given, values in raw.items()}, **every_rule}


def rule_settings(
    entries: Sequence[RuleEntry], raw: Mapping[str, Mapping[str, object]], role_refusal: str = EVALUATE_ROLE_REFUSAL
) -> dict[str, RuleSettings]:
    """Parse every rule's parameters with the rule's own parsing; parameters for unknown rules are an
    error, and so is ExecutionRoleName, for ``role_refusal``. A rule's parameters may be keyed by its
    short name or any of its AWS names, as ``--rules`` accepts."""
    known = {entry.name: entry for entry in discover()}
    by_rule: dict[str, dict[str, object]] = {}
    for given, values in raw.items():
        try:
            by_rule.setdefault(resolve(given, known), {}).update(values)
        except UnknownRuleError as error:
            raise click.BadParameter(f"parameters given for an unknown rule: {error}", param_hint="--param") from None
    settings = {}
    for name, entry in known.items():
        try:
            settings[name] = parse_settings(entry, by_rule.get(name, {}), role_refusal)
        except InvalidRuleParameterError as error:
            raise click.BadParameter(f"rule {name}, {error}", param_hint="--param") from None
    return {entry.name: settings[entry.name] for entry in entries}


def sweep(
    entries: Sequence[RuleEntry],
    settings: Mapping[str, RuleSettings],
    clients: SweepClients,
    max_workers: int,
    stderr: Console,
) -> list[EvaluationRow]:
    resource_types = types_to_collect(entries)
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="smguard-describe") as pool:
        if stderr.is_terminal:
            with Progress(
                TextColumn("Describing resources"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=stderr,
                transient=True,
            ) as progress:
                resources = collect(resource_types, clients, pool, RichProgress(progress))
        else:
            resources = collect(resource_types, clients, pool, SilentProgress())
    return evaluate(entries, settings, resources, clients, datetime.now(timezone.utc))


def sweep_recorded(
    entries: Sequence[RuleEntry], settings: Mapping[str, RuleSettings], clients: SweepClients, source: RecordedSource
) -> tuple[list[EvaluationRow], list[CoverageGap]]:
    """The rules on what ``source`` recorded: their scopes' items and their fact kinds' (flow logs,
    endpoints, KMS keys), read in one pass for every account and region."""
    wanted = {t for entry in entries for t in entry.rule.resource_types}
    wanted |= {entry.rule.facts.recorded_type for entry in entries if entry.rule.facts is not None and entry.rule.facts.recorded_type}
    return evaluate_recorded(entries, settings, places(source, clients, wanted), datetime.now(timezone.utc))


class RichProgress:
    """One bar for every Describe call of the sweep; its total grows as each List call returns."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task = progress.add_task("describe", total=0)

    def expect(self, count: int) -> None:
        total = self._progress.tasks[self._task].total or 0
        self._progress.update(self._task, total=total + count)

    def advance(self) -> None:
        self._progress.advance(self._task)


def write_rows(rows: Sequence[EvaluationRow], output_format: str) -> None:
    """Records of smguard.results.EVALUATE (json, csv; a CSV on stdout has no byte-order mark, which
    would corrupt a pipe), or a table for a person."""
    records = [EVALUATE.record({**asdict(row), **rule_facts(row.rule)}) for row in rows]
    if output_format == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif output_format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(EVALUATE.names)
        writer.writerows(EVALUATE.csv_row(record) for record in records)
    else:
        several_places = len({(row.account_id, row.region) for row in rows}) > 1
        stdout_console().print(
            results_table(
                "smguard evaluate",
                (
                    ResultRow(
                        row.rule,
                        (short_type(row.resource_type), row.resource_id, *([f"{row.account_id} {row.region}"] if several_places else [])),
                        row.compliance,
                        row.annotation,
                    )
                    for row in rows
                ),
            )
        )


def describe_failure(error: Exception) -> str:
    if isinstance(error, ClientError):
        details: dict[str, Any] = error.response.get("Error", {})
        return (
            f"{error.operation_name} failed with {details.get('Code', 'Unknown')}: {details.get('Message', error)}; "
            "nothing was evaluated (the caller needs read-only access, e.g. the ReadOnlyAccess policy)."
        )
    if isinstance(error, UnsupportedResourceTypeError):
        return f"cannot evaluate: {error}"
    if isinstance(error, ClientSetupError):
        return f"{error}; nothing was evaluated."
    return f"{type(error).__name__}: {error}"
