"""``smguard demo``: build a regulated data-science account in an embedded AWS, run every rule, show the dashboard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import boto3
import click
from rich.console import Console

from smguard.catalogue import discover
from smguard.demo import environment
from smguard.demo.dashboard import read_dashboard, render
from smguard.demo.embedded_aws import embedded_aws
from smguard.demo.runner import RuleRun, run_rules
from smguard.evidence import ExportRequest, export_bundle, verify_bundle
from smguard.evidence.manifest import MANIFEST, sha256_of

DEFAULT_BUNDLE = Path("smguard-evidence")


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
    if out.exists():
        raise click.BadParameter(f"{out} exists; remove it or give another folder (a bundle is never overwritten)", param_hint="--out")
    console = Console()
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
        bundle = export_bundle(session, ExportRequest(account_id=environment.ACCOUNT_ID), out)
    verification = verify_bundle(bundle)
    console.print(
        f"\n[bold]Evidence bundle[/] (what `smguard export --account {environment.ACCOUNT_ID}` writes): {bundle}/\n"
        f"  {', '.join(sorted(path.name for path in bundle.iterdir()))}\n"
        f"  manifest.json SHA-256 {sha256_of(bundle / MANIFEST)}; "
        f"`smguard verify {bundle}`: {'intact' if verification.intact else 'NOT intact'} ({verification.checked} files)\n"
    )
    for note in env.notes:
        console.print(f"[yellow]Note[/]: {note}")


def describe_environment(env: environment.DemoEnvironment) -> str:
    return "\n".join(
        [
            "[bold]Reference environment[/] (what a regulated data-science account looks like):",
            f"  VPC {env.private_vpc} (ds-private): subnets {', '.join(env.private_subnets)}, no internet gateway,",
            "    interface endpoints for the SageMaker API and runtime, STS and CloudWatch Logs, an S3 gateway endpoint,",
            f"    flow logs (ALL) to s3://{environment.CENTRAL_LOG_BUCKET}, default security group closed",
            f"  KMS key {env.key_arn} (alias/data-science)",
            "  notebook ds-research (KMS, root disabled, no direct internet, in the VPC), endpoint configuration",
            f"    fraud-scoring-v3 with the key, model fraud-scoring, Studio domain ds-studio ({env.compliant_domain}, VpcOnly)",
            "[bold]Violations[/] (as found in real accounts):",
            "  notebook ds-scratch (root access, direct internet, no KMS key, no VPC), endpoint configuration churn-v1",
            f"    without a key, VPC {env.legacy_vpc} (legacy-analytics: open default security group, no flow logs,",
            f"    no endpoints), Studio domain marketing-studio ({env.public_domain}, PublicInternetOnly)",
            "[bold]Exemption[/]: notebook gpu-driver-build keeps root access under ticket "
            f"{environment.EXEMPTION_TICKET} until {env.exemption_expires.isoformat()} "
            f"(register in SSM {environment.EXEMPTIONS_PARAMETER})\n",
        ]
    )


def describe_runs(runs: Sequence[RuleRun]) -> str:
    changes = sum(run.change_notifications for run in runs)
    scheduled = sum(run.scheduled_notifications for run in runs)
    return (
        f"Deployed {len(runs)} Config rules and invoked their Lambda handlers with {changes} configuration-change "
        f"and {scheduled} scheduled notifications; PutEvaluations stored every result.\n"
    )
