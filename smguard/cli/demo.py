"""``smguard demo``: build a regulated data-science account in an embedded AWS, run every rule, show the dashboard."""

from __future__ import annotations

import csv
import json
import textwrap
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import click

from smguard.cli.evidence import command_error
from smguard.cli.tables import stdout_console
from smguard.demo import environment
from smguard.demo.embedded_aws import embedded_aws, served_aws
from smguard.demo.narrative import dashboard, describe_environment, describe_remediations, describe_runs
from smguard.demo.products import describe_launches, launch_and_evaluate
from smguard.deploy.portfolio import PRODUCTS_DIR
from smguard.demo.products import render as render_launched
from smguard.demo.products import results as launched_results
from smguard.demo.remediation import EMBEDDED_DIFFERENCE as REMEDIATION_DIFFERENCE
from smguard.demo.remediation import remediate
from smguard.demo.history import HISTORY_DAYS, deliver_history, deploy_with_history
from smguard.demo.runner import run_rules
from smguard.demo.serving import serve_account, serve_organization
from smguard.evidence import EvidenceError, ExportRequest, export_bundle, verify_bundle
from smguard.evidence.bundle import check_destination
from smguard.evidence.manifest import MANIFEST, sha256_of

DEFAULT_BUNDLE = Path("demo-evidence")
REEVALUATION_DELAY = timedelta(seconds=1)
BUNDLE_LISTING_WIDTH = 118
"""The bundle's file names wrap, indented, within the demo's 120 columns."""
"""The rules' second run, after remediation, is ordered after the first (a later OrderingTimestamp replaces a result)."""
EMBEDDED_CALLER = {
    "account_id": environment.ACCOUNT_ID,
    "arn": f"arn:aws:sts::{environment.ACCOUNT_ID}:user/moto",
    "user_id": "AKIAIOSFODNN7EXAMPLE",
}
"""Who the embedded AWS says the demo is (moto's fixed identity, AWS's documented example key): no real caller."""
EXIT_INTERRUPTED = 130
"""Interrupted before serving (128 + SIGINT), as shells report it."""


@click.command("demo")
@click.pass_context
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_BUNDLE,
    show_default=True,
    help="Folder for the evidence bundle (must not exist yet, unless --replace).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace --out if it holds an unchanged bundle of an earlier demo; anything else there is refused, never deleted.",
)
@click.option(
    "--serve",
    is_flag=True,
    help=(
        "Keep the embedded AWS running at a local endpoint until interrupted (Ctrl-C, SIGTERM), every rule evaluated, "
        "for `smguard evaluate`, `export` and `verify`. The first line on stdout is one JSON object: endpoint_url, "
        "region, account_id and the environment variables that act as that account. No bundle is written."
    ),
)
@click.option(
    "--organization",
    is_flag=True,
    help=(
        "With --serve: an organization (management account, the deploying security account as Config delegated "
        "administrator, member accounts), the organization conformance pack of template.yaml and an organization aggregator; "
        "the JSON adds aggregator and member_account_ids."
    ),
)
def demo_command(ctx: click.Context, out: Path, replace: bool, serve: bool, organization: bool) -> None:
    """Run every rule against an embedded AWS account (moto): no AWS account, no network.

    Builds a private data-science VPC with its endpoints, flow logs, KMS key, notebook, endpoint
    configuration and Studio domain, plus typical violations and one centrally approved exemption;
    deploys each rule as an AWS Config rule and invokes its real Lambda handler with the events
    Config would send; shows the result as the Config dashboard does; writes the evidence bundle.
    """
    if organization and not serve:
        raise click.BadParameter("an organization is only served: add --serve", param_hint="--organization")
    if serve:
        given = [f"--{name}" for name in ("out", "replace") if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT]
        if given:
            raise click.BadParameter(
                "--serve writes no bundle; export one from the served AWS with `smguard export`", param_hint=", ".join(given)
            )
        serve_demo(organization)
        return
    if replace and out.exists():
        if not is_earlier_demo_bundle(out):
            raise click.BadParameter(
                f"{out} is not an unchanged bundle of an earlier demo (embedded account {environment.ACCOUNT_ID}), so "
                "--replace leaves it alone; move it away or give another folder",
                param_hint="--out",
            )
        shutil.rmtree(out)
    try:
        check_destination(out)  # before the demo runs, not after a minute of it
    except EvidenceError as error:
        raise click.BadParameter(str(error), param_hint="--out") from None
    console = stdout_console()
    now = datetime.now(timezone.utc)
    with embedded_aws(environment.REGION):
        session = boto3.Session(region_name=environment.REGION)
        console.print(
            f"[bold]Embedded AWS[/]: moto in this process, account {environment.ACCOUNT_ID}, {environment.REGION}. "
            "No AWS account or network is used.\n"
        )
        env = environment.build(session, now.date())
        now = datetime.now(timezone.utc)  # the rules run once it is built: its SageMaker jobs were created before
        console.print(describe_environment(env))
        deployed = deploy_with_history(session, env, now)
        runs = run_rules(session, deployed, account_id=environment.ACCOUNT_ID, now=now)
        console.print(describe_runs(runs))
        console.print(dashboard(session, runs))
        console.print(describe_remediations(remediate(session, runs)))
        env.notes.append(REMEDIATION_DIFFERENCE)
        runs = run_rules(session, deployed, account_id=environment.ACCOUNT_ID, now=now + REEVALUATION_DELAY)
        console.print(dashboard(session, runs, after="remediation"))
        deliver_history([environment.ACCOUNT_ID], now + REEVALUATION_DELAY)
        try:
            request = ExportRequest(
                account_id=environment.ACCOUNT_ID, period_from=(now - timedelta(days=HISTORY_DAYS)).date(), period_to=now.date()
            )
            bundle = export_bundle(session, request, out)
        except EvidenceError as error:
            raise command_error(error) from error
        # After the export, which is of the demo account alone: the team account's products, which
        # an installed package does not hold (products/ is in the repository).
        launched = launch_and_evaluate(session, now) if PRODUCTS_DIR.is_dir() else None
        launched_rows = launched_results(launched) if launched else []
    verification = verify_bundle(bundle)
    period = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))["period"]
    console.print(
        f"\n[bold]Evidence bundle[/] (as `smguard export --account {environment.ACCOUNT_ID} --from {period['from']} --to "
        f"{period['to']}` writes it): {bundle}/\n"
        f"{textwrap.fill(', '.join(sorted(path.name for path in bundle.iterdir())), BUNDLE_LISTING_WIDTH, initial_indent='  ', subsequent_indent='  ')}\n"
        f"{_bundle_score(bundle)}"
        f"  episodes.csv: {period['episodes']} non-compliance episodes over the last {HISTORY_DAYS} days, "
        f"{period['open_at_end']} still open\n"
        f"  manifest.json SHA-256 {sha256_of(bundle / MANIFEST)}\n"
        f"  `smguard verify {bundle}`: {'intact' if verification.intact else 'NOT intact'} ({verification.checked} files)\n"
    )
    if launched is None:
        console.print(f"Self-service products: {PRODUCTS_DIR} is not here (an installed package); run the demo from a checkout to launch them.")
    else:
        console.print(describe_launches(launched))
        console.print(render_launched(launched_rows))
    if env.notes:
        console.print("[bold]Where the embedded AWS differs from AWS[/]:")
    for note in env.notes:
        console.print(f"  - {note}")
    if not verification.intact:
        raise click.ClickException(f"the bundle {bundle} does not match its manifest: {'; '.join(verification.problems())}")


def serve_demo(organization: bool) -> None:
    """Build, deploy and evaluate, announce how to reach it on the first line, then serve until interrupted."""
    console = stdout_console()
    now = datetime.now(timezone.utc)
    try:
        with served_aws(environment.REGION) as endpoint:
            session = boto3.Session(region_name=environment.REGION)
            if organization:
                serve_organization(console, endpoint, session, now)
            else:
                serve_account(console, endpoint, session, now)
    except KeyboardInterrupt:  # Ctrl-C while building, before anything was served
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


def is_earlier_demo_bundle(folder: Path) -> bool:
    """Whether ``folder`` is a bundle the demo wrote and nobody changed since: safe to delete.

    Its manifest must name the embedded account and caller, and every file must match it, so a real
    export, or a demo bundle someone added notes to, is never deleted.
    """
    try:
        if not verify_bundle(folder).intact:
            return False
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except EvidenceError:  # no manifest, or not a readable one (verify_bundle read it already)
        return False
    request = manifest.get("request")
    return (
        manifest.get("requested_by") == EMBEDDED_CALLER
        and isinstance(request, dict)
        and request.get("account_id") == environment.ACCOUNT_ID
    )


def _bundle_score(bundle: Path) -> str:
    """The bundle's compliance score of each account, as compliance_scores.csv records it."""
    with (bundle / "compliance_scores.csv").open(encoding="utf-8-sig", newline="") as scores:
        return "".join(
            f"  compliance_scores.csv: {row['score'] or row['no_score_reason']} for {row['conformance_pack']} in {row['account_id']} "
            f"{row['region']} ({row['compliant_pairs']} of {int(row['compliant_pairs']) + int(row['non_compliant_pairs'])} pairs compliant)\n"
            for row in csv.DictReader(scores)
        )
