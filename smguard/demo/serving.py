"""``smguard demo --serve``: the embedded AWS kept running for other processes, announced on the first line.

The first line on stdout is one JSON object saying how to reach the served AWS as the deploying
account; from then on SIGINT and SIGTERM are the ordinary way to stop, and end the process cleanly.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Mapping
from datetime import datetime, timezone

import boto3
import click
from rich.console import Console

from smguard.demo import environment
from smguard.demo.accounts import operator_credentials
from smguard.demo.narrative import dashboard, describe_environment, describe_runs
from smguard.demo.organization import AGGREGATOR, build_organization
from smguard.demo.history import HISTORY_DAYS, deliver_history, deploy_with_history, history_bucket
from smguard.demo.recording import record_accounts, record_organization
from smguard.demo.runner import run_rules


def serve_account(console: Console, endpoint: str, session: boto3.Session, now: datetime) -> None:
    """The demo account, as ``smguard demo`` builds it, served until interrupted."""
    env = environment.build(session, now.date())
    now = max(now, datetime.now(timezone.utc))  # the rules run once it is built: its SageMaker jobs were created before
    deployed = deploy_with_history(session, env, now)
    runs = run_rules(session, deployed, account_id=environment.ACCOUNT_ID, now=now)
    deliver_history([environment.ACCOUNT_ID], now)
    record_accounts([session])
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
        "variables of `environment` in the first line, then try `smguard evaluate` (or `smguard evaluate --source config`), "
        f"`smguard export --account {environment.ACCOUNT_ID} --out evidence` (add --from and --to for the last "
        f"{HISTORY_DAYS} days' compliance history) and `smguard verify evidence`."
    )
    wait_until_interrupted()


def serve_organization(console: Console, endpoint: str, management: boto3.Session, now: datetime) -> None:
    """The demo organization (:mod:`smguard.demo.organization`) served until interrupted; ``management``
    acts in the account that becomes its management account."""
    built = build_organization(management, now)
    record_organization(management, built)
    members = sorted(built.workloads.values())
    announcement = {
        "endpoint_url": endpoint,
        "region": environment.REGION,
        "account_id": built.security.account_id,
        "environment": built.security.environment(endpoint, environment.REGION),
        "aggregator": AGGREGATOR,
        "history_bucket": f"{history_bucket(built.security.account_id)}/{built.organization_id}",
        "member_account_ids": members,
        "management_account_id": built.management_account_id,
        "organization_id": built.organization_id,
    }
    announce(announcement)
    console.print(
        f"[bold]Embedded AWS organization[/] {built.organization_id} at {endpoint}, {environment.REGION}:\n"
        f"  - management account {built.management_account_id} (excluded from the organization conformance pack)\n"
        f"  - security account {built.security.account_id}: Config delegated administrator, deployed template.yaml "
        f"with DeploymentScope=Organization, aggregator {AGGREGATOR}\n"
        + "".join(
            f"  - member account {account_id} ({name}): the reference environment and its violations\n"
            for name, account_id in built.workloads.items()
        )
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
        f"`smguard evaluate --aggregator {AGGREGATOR}`, `smguard export --aggregator {AGGREGATOR} --out evidence` (add --from, --to and --history-bucket "
        f"{announcement['history_bucket']} for the last {HISTORY_DAYS} days' compliance history) and `smguard verify evidence`."
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
