"""``smguard demo``: build a regulated data-science account in an embedded AWS, run every rule, show the dashboard."""

from __future__ import annotations

import json
import shutil
import signal
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

import boto3
import click

from smguard.catalogue import discover
from smguard.cli.evidence import command_error
from smguard.cli.tables import stdout_console
from smguard.demo import environment
from smguard.demo.dashboard import read_dashboard, render
from smguard.demo.accounts import operator_credentials
from smguard.demo.embedded_aws import embedded_aws, served_aws
from smguard.demo.organization import AGGREGATOR, build_organization
from smguard.demo.runner import RuleRun, run_rules
from smguard.embedded.stack import deploy_config_rules, stack_parameters
from smguard.evidence import EvidenceError, ExportRequest, export_bundle, verify_bundle
from smguard.evidence.bundle import check_destination
from smguard.evidence.manifest import MANIFEST, sha256_of

DEFAULT_BUNDLE = Path("demo-evidence")
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
        "administrator, member accounts), the organization rules of template.yaml and an organization aggregator; "
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
        console.print(describe_environment(env))
        runs = deploy_and_run(session, env, now)
        console.print(describe_runs(runs))
        console.print(dashboard(session, runs))
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


def deploy_and_run(session: boto3.Session, env: environment.DemoEnvironment, now: datetime) -> list[RuleRun]:
    """Deploy template.yaml's account rules in the demo account, with the parameters it needs, and run them."""
    entries = discover()
    parameters = stack_parameters(environment.rule_parameters(env, [entry.name for entry in entries]), entries)
    deployed = deploy_config_rules(session, {"DeploymentScope": "Account", **parameters}, account_id=environment.ACCOUNT_ID)
    return run_rules(session, deployed, account_id=environment.ACCOUNT_ID, now=now)


def dashboard(session: boto3.Session, runs: Sequence[RuleRun]) -> object:
    statuses = read_dashboard(session.client("config"), [run.config_rule_name for run in runs])
    return render(statuses, account_id=session.client("sts").get_caller_identity()["Account"], region=session.region_name)


def serve_demo(organization: bool) -> None:
    """Build, deploy and evaluate, announce how to reach it on the first line, then serve until interrupted."""
    console = demo_console()
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


def serve_account(console: Console, endpoint: str, session: boto3.Session, now: datetime) -> None:
    env = environment.build(session, now.date())
    runs = deploy_and_run(session, env, now)
    credentials = operator_credentials(session, environment.ACCOUNT_ID)
    announcement = {
        "endpoint_url": endpoint,
        "region": environment.REGION,
        "account_id": environment.ACCOUNT_ID,
        "environment": credentials.environment(endpoint, environment.REGION),
    }
    announce(announcement)
    console.print(describe_environment(env))
    console.print(describe_runs(runs))
    console.print(dashboard(session, runs))
    if env.notes:
        console.print("[bold]Where the embedded AWS differs from AWS[/]:")
    for note in env.notes:
        console.print(f"  - {note}")
    console.print(
        f"\n[bold]Serving[/] the embedded AWS at {endpoint} until interrupted (Ctrl-C or SIGTERM). Set the "
        "variables of `environment` in the first line, then try `smguard evaluate`, "
        f"`smguard export --account {environment.ACCOUNT_ID} --out evidence` and `smguard verify evidence`."
    )
    wait_until_interrupted()


def serve_organization(console: Console, endpoint: str, management: boto3.Session, now: datetime) -> None:
    built = build_organization(management, now)
    members = sorted(built.workloads.values())
    announcement = {
        "endpoint_url": endpoint,
        "region": environment.REGION,
        "account_id": built.security.account_id,
        "environment": built.security.environment(endpoint, environment.REGION),
        "aggregator": AGGREGATOR,
        "member_account_ids": members,
        "management_account_id": built.management_account_id,
        "organization_id": built.organization_id,
    }
    announce(announcement)
    console.print(
        f"[bold]Embedded AWS organization[/] {built.organization_id} at {endpoint}, {environment.REGION}:\n"
        f"  - management account {built.management_account_id} (excluded from the organization rules)\n"
        f"  - security account {built.security.account_id}: Config delegated administrator, deployed template.yaml "
        f"with DeploymentScope=Organization, aggregator {AGGREGATOR}\n"
        + "".join(f"  - member account {account_id} ({name}): the reference environment and its violations\n" for name, account_id in built.workloads.items())
        + f"  - the exemption register (SSM {environment.EXEMPTIONS_PARAMETER}) in the security account, where the "
        "rule functions read it: each member account's notebook gpu-driver-build\n"
    )
    console.print(describe_runs(built.runs, "Organization"))
    for account_id in members:
        session = built.sessions[account_id]
        console.print(dashboard(session, [run for run in built.runs if run.account_id == account_id]))
    console.print(
        f"\n[bold]Serving[/] the embedded organization at {endpoint} until interrupted (Ctrl-C or SIGTERM). Set the "
        "variables of `environment` in the first line (the security account), then try "
        f"`smguard export --aggregator {AGGREGATOR} --out evidence` and `smguard verify evidence`."
    )
    wait_until_interrupted()


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_stop = threading.Event()


def announce(announcement: Mapping[str, object]) -> None:
    """Print the first line, from which on SIGINT and SIGTERM are the ordinary way to stop serving.

    From here they only ask to stop, so the output under way is finished and the exit is clean (0).
    """
    _stop.clear()
    for number in STOP_SIGNALS:
        signal.signal(number, lambda *_: _stop.set())
    click.echo(json.dumps(announcement))  # the first line: scripts read it before anything else


def wait_until_interrupted() -> None:
    """Block until SIGINT or SIGTERM (after :func:`announce`), then give them back their usual meaning."""
    try:
        while not _stop.wait(1):
            pass
    finally:
        for number in STOP_SIGNALS:
            signal.signal(number, signal.default_int_handler if number == signal.SIGINT else signal.SIG_DFL)


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


def describe_runs(runs: Sequence[RuleRun], scope: str = "Account") -> str:
    changes = sum(run.change_notifications for run in runs)
    scheduled = sum(run.scheduled_notifications for run in runs)
    accounts = len({run.account_id for run in runs})
    rules = f"{len(runs)} Config rules" if accounts == 1 else f"{len(runs)} member-account Config rules in {accounts} accounts"
    return (
        f"Deployed template.yaml with DeploymentScope={scope}: {rules}; invoked their Lambda handlers with "
        f"{changes} configuration-change and {scheduled} scheduled notifications, each with its result token; PutEvaluations stored the results.\n"
    )
