"""``smguard export`` and ``smguard verify``: the evidence bundle for auditors, and its check."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from botocore.exceptions import BotoCoreError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from smguard.cli.options import aws_session, region_option
from smguard.evidence import EXPORTABLE_COMPLIANCE_TYPES, EvidenceError, ExportRequest, export_bundle, verify_bundle
from smguard.evidence.errors import (
    BundleExistsError,
    InvalidDestinationError,
    InvalidExportRequestError,
    MalformedHashError,
    ManifestError,
)
from smguard.evidence.manifest import MANIFEST, OS_METADATA_FILES, parse_manifest_sha256, sha256_of
from smguard.evidence.request import AGGREGATED_COMPLIANCE_TYPES

EXIT_VERIFY_FAILED = 1
EXIT_USAGE = 2
EXIT_EXPORT_FAILED = 3
USAGE_ERRORS = (InvalidExportRequestError, BundleExistsError, InvalidDestinationError)


class EvidenceCommandError(click.ClickException):
    """An export or verification that could not be done; the message says why, the subclass's
    ``exit_code`` (a class attribute, as click declares it) is the documented one."""


class VerificationFailedError(EvidenceCommandError):
    exit_code = EXIT_VERIFY_FAILED


class WrongRequestError(EvidenceCommandError):
    exit_code = EXIT_USAGE


class ExportFailedError(EvidenceCommandError):
    exit_code = EXIT_EXPORT_FAILED


def command_error(error: EvidenceError) -> EvidenceCommandError:
    """``error`` with its documented exit code: 2 for a wrong request or destination, 3 for an export that failed."""
    return WrongRequestError(str(error)) if isinstance(error, USAGE_ERRORS) else ExportFailedError(str(error))


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


@click.command("export")
@click.option("--account", "account_id", metavar="ACCOUNT_ID", help="Export this account (the credentials must be of it).")
@click.option("--aggregator", metavar="NAME", help="Export an organization through this Config aggregator.")
@click.option(
    "--rules",
    help=(
        "Comma-separated rules, each by its name or any name its Config rule has (notebook_root_access, "
        "smguard-notebook-root-access-conformance-pack-<suffix>, smguard-notebook-root-access); default: every smguard rule."
    ),
)
@click.option(
    "--compliance-types",
    help=(
        f"Comma-separated results to export; default: {','.join(EXPORTABLE_COMPLIANCE_TYPES)} "
        f"(with --aggregator: {','.join(AGGREGATED_COMPLIANCE_TYPES)}, all an aggregator carries)."
    ),
)
@click.option("--accounts", help="With --aggregator: comma-separated account ids to export (default: all).")
@click.option("--regions", help="With --aggregator: comma-separated source regions to export (default: all).")
@click.option(
    "--from",
    "period_from",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="First day (UTC) of the audit period: adds episodes.csv, every non-compliance episode overlapping it. With --to.",
)
@click.option(
    "--to",
    "period_to",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Last day (UTC, included) of the audit period; a period reaching past the export ends at the export. With --from.",
)
@click.option(
    "--history-bucket",
    metavar="BUCKET[/PREFIX]",
    help=(
        "With --from/--to: the S3 bucket (and key prefix) the Config delivery channels write configuration history files "
        "to; the compliance history is read from there. Required with --aggregator; with --account it replaces about 53 "
        "GetResourceConfigHistory calls per resource and year by a few S3 reads."
    ),
)
@click.option("--profile", help="AWS profile (default: the usual credential chain).")
@region_option("Region of the account's Config, or of the aggregator (default: AWS_REGION, else AWS_DEFAULT_REGION or the profile's).")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The bundle folder to create; it must not exist.",
)
def export(
    account_id: str | None,
    aggregator: str | None,
    rules: str | None,
    compliance_types: str | None,
    accounts: str | None,
    regions: str | None,
    period_from: datetime | None,
    period_to: datetime | None,
    history_bucket: str | None,
    profile: str | None,
    region: str | None,
    out_dir: Path,
) -> None:
    """Export AWS Config results of the smguard rules into an evidence bundle.

    The bundle holds evaluations.csv, evaluations.jsonl, rules.json, compliance_scores.csv and
    .jsonl (each account's conformance-pack compliance score), summary.html and manifest.json
    (SHA-256 of every file); with --from and --to also episodes.csv and compliance_score_timeline.csv
    (the score at the end of each day), from AWS Config's compliance history over that period. Keep the
    manifest hash printed at the end outside the bundle and check the bundle later with `smguard verify`.
    """
    stderr = Console(stderr=True)
    try:
        request = ExportRequest(
            account_id=account_id,
            aggregator=aggregator,
            rules=_csv(rules),
            compliance_types=_csv(compliance_types),
            accounts=_csv(accounts),
            regions=_csv(regions),
            period_from=period_from.date() if period_from else None,
            period_to=period_to.date() if period_to else None,
            history_bucket=history_bucket,
        )
        session = aws_session(profile, region)
        # On a terminal only, and transient: a redirected or CI stderr carries nothing but errors.
        with Progress(
            SpinnerColumn(), TextColumn("Exporting {task.description}"), TextColumn("{task.completed} rows written"),
            TimeElapsedColumn(), console=stderr, transient=True, disable=not stderr.is_terminal,
        ) as progress:
            bundle = export_bundle(session, request, out_dir, progress=ExportProgress(progress))
    except EvidenceError as error:
        raise command_error(error) from error
    except BotoCoreError as error:  # e.g. no credentials or an unknown profile, before any call
        raise ExportFailedError(f"{error}; no bundle was written") from error
    click.echo(f"Evidence bundle written to {bundle}")
    click.echo(f"manifest.json SHA-256: {sha256_of(bundle / MANIFEST)} (keep it outside the bundle)")


class ExportProgress:
    """One line whatever the export's size: one task whose description names what is being read.

    A task per rule, account and region would grow the display by a line each, thousands of lines
    for an organization.
    """

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task = progress.add_task("", total=None)

    def __call__(self, label: str, rows: int) -> None:
        self._progress.update(self._task, description=label, advance=rows)


def _manifest_hash(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A malformed hash is a usage error (exit 2) naming the problem, never "the manifest was replaced"."""
    try:
        return None if value is None else parse_manifest_sha256(value)
    except MalformedHashError as error:
        raise click.BadParameter(str(error), ctx, param) from None


@click.command("verify")
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option(
    "--manifest-sha256",
    metavar="HEX",
    callback=_manifest_hash,
    help="The manifest hash printed at export (64 hex digits, or sha256:<digits>); proves the manifest was not replaced.",
)
def verify(bundle: Path, manifest_sha256: str | None) -> None:
    """Check an evidence bundle: every file's SHA-256 against the manifest, nothing missing, nothing added.

    Exit codes: 0 the files match the manifest, 1 they do not (or there is no usable manifest), 2 bad usage
    (e.g. a malformed --manifest-sha256).
    """
    try:
        result = verify_bundle(bundle, manifest_sha256)
    except ManifestError as error:
        raise VerificationFailedError(str(error)) from error
    for name in result.os_metadata:
        click.echo(f"noted: {name} ({OS_METADATA_FILES[name.rsplit('/', 1)[-1]]}, written by the operating system; not evidence, not verified)")
    if not result.intact:
        for problem in result.problems():
            click.echo(problem, err=True)
        raise VerificationFailedError(
            f"{bundle} does not match its manifest ({len(result.problems())} problem(s)); do not rely on it"
        )
    if result.manifest_pinned:
        click.echo(
            f"{bundle}: intact. manifest.json has the SHA-256 kept at export ({result.manifest_sha256}) and the "
            f"{result.checked} files it lists match it."
        )
    else:
        click.echo(
            f"{bundle}: the {result.checked} files match manifest.json, but nothing shows that manifest.json is the one "
            "the export wrote: without --manifest-sha256 it was checked against nothing, and whoever changed a file could "
            f"have rewritten the manifest too. Its SHA-256 is {result.manifest_sha256}: compare it with the hash kept at "
            f"export (the ticket, the e-mail), or pin it: smguard verify {bundle} --manifest-sha256 <that hash>"
        )
