"""``smguard demo``: build a regulated data-science account in an embedded AWS, run every rule, show the dashboard."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import boto3
import click
from rich.console import Console

from smguard.catalogue import discover
from smguard.cli.evidence import command_error
from smguard.demo import environment
from smguard.demo.dashboard import read_dashboard, render
from smguard.demo.embedded_aws import embedded_aws
from smguard.demo.runner import RuleRun, run_rules
from smguard.evidence import EvidenceError, ExportRequest, export_bundle, verify_bundle
from smguard.evidence.bundle import check_destination
from smguard.evidence.manifest import MANIFEST, sha256_of

DEFAULT_BUNDLE = Path("smguard-evidence")
PIPED_WIDTH = 120
"""The width when stdout is no terminal and COLUMNS is unset (``make demo > file``): rich would use 80."""


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_BUNDLE,
    show_default=True,
    help="Folder for the evidence bundle (must not exist yet).",
)
def demo_command(out: Path) -> None:
    """Run every rule against an embedded AWS account (moto): no AWS account, no network.

    Builds a private data-science VPC with its endpoints, flow logs, KMS key, notebook, endpoint
    configuration and Studio domain, plus typical violations and one centrally approved exemption;
    deploys each rule as an AWS Config rule and invokes its real Lambda handler with the events
    Config would send; shows the result as the Config dashboard does; writes the evidence bundle.
    """
    try:
        check_destination(out)  # before the demo runs, not after a minute of it
    except EvidenceError as error:
        raise click.BadParameter(str(error), param_hint="--out") from None
    console = demo_console()
    now = datetime.now(timezone.utc)
    with embedded_aws(environment.REGION):
        session = boto3.Session(region_name=environment.REGION)
        console.print(
            f"[bold]Embedded AWS[/]: moto in this process, account {environment.ACCOUNT_ID}, {environment.REGION}. "
            "No AWS account or network is used.\n"
        )
        env = environment.build(session, now.date())
        console.print(describe_environment(env))
        entries = discover()
        runs = run_rules(
            session,
            entries,
            environment.rule_parameters(env, [entry.name for entry in entries]),
            account_id=environment.ACCOUNT_ID,
            now=now,
        )
        console.print(describe_runs(runs))
        statuses = read_dashboard(session.client("config"), [run.config_rule_name for run in runs])
        console.print(render(statuses))
        try:
            bundle = export_bundle(session, ExportRequest(account_id=environment.ACCOUNT_ID), out)
        except EvidenceError as error:
            raise command_error(error) from error
    verification = verify_bundle(bundle)
    console.print(
        f"\n[bold]Evidence bundle[/] (as `smguard export --account {environment.ACCOUNT_ID}` writes it): {bundle}/\n"
        f"  {', '.join(sorted(path.name for path in bundle.iterdir()))}\n"
        f"  manifest.json SHA-256 {sha256_of(bundle / MANIFEST)}\n"
        f"  `smguard verify {bundle}`: {'intact' if verification.intact else 'NOT intact'} ({verification.checked} files)\n"
    )
    if env.notes:
        console.print("[bold]Where the embedded AWS differs from AWS[/]:")
    for note in env.notes:
        console.print(f"  - {note}")
    if not verification.intact:
        raise click.ClickException(f"the bundle {bundle} does not match its manifest: {'; '.join(verification.problems())}")


def demo_console() -> Console:
    """stdout, as wide as the terminal (or COLUMNS), or PIPED_WIDTH when written to a file or a pipe."""
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPED_WIDTH
    return console


def describe_environment(env: environment.DemoEnvironment) -> str:
    return "\n".join(
        [
            "[bold]Reference environment[/] (a regulated data-science account):",
            f"  - VPC {env.private_vpc} (ds-private), private subnets {', '.join(env.private_subnets)}",
            "  - endpoints: SageMaker API and runtime, STS, CloudWatch Logs (interface), S3 (gateway)",
            f"  - flow logs (ALL) to s3://{environment.CENTRAL_LOG_BUCKET}; default security group closed",
            f"  - KMS key {env.key_arn} (alias/data-science)",
            "  - notebook ds-research: KMS key, root disabled, no direct internet, in the VPC",
            "  - endpoint configuration fraud-scoring-v3 with the key; model fraud-scoring",
            f"  - Studio domain ds-studio ({env.compliant_domain}): VpcOnly, KMS key",
            "[bold]Violations[/] (as found in real accounts):",
            "  - notebook ds-scratch: root access, direct internet, no KMS key, not in a VPC",
            "  - endpoint configuration churn-v1 without a KMS key",
            f"  - VPC {env.legacy_vpc} (legacy-analytics): open default security group, no flow logs, no endpoints",
            f"  - Studio domain marketing-studio ({env.public_domain}): PublicInternetOnly",
            f"[bold]Exemption[/] (central register, SSM {environment.EXEMPTIONS_PARAMETER}):",
            f"  - notebook gpu-driver-build keeps root access: ticket {environment.EXEMPTION_TICKET}, "
            f"until {env.exemption_expires.isoformat()}\n",
        ]
    )


def describe_runs(runs: Sequence[RuleRun]) -> str:
    changes = sum(run.change_notifications for run in runs)
    scheduled = sum(run.scheduled_notifications for run in runs)
    return (
        f"Deployed {len(runs)} Config rules; invoked their Lambda handlers with {changes} configuration-change "
        f"and {scheduled} scheduled notifications, each with its result token; PutEvaluations stored the results.\n"
    )
