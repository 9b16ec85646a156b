"""Command-line options shared by the commands that run the rules (evaluate, scan) or read AWS (evaluate, export)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import boto3
import click

F = TypeVar("F", bound=Callable[..., object])
REGION_VARIABLE = "AWS_REGION"
"""Read by the AWS CLI v2 before AWS_DEFAULT_REGION and set by Lambda, but not read by boto3, which
knows only AWS_DEFAULT_REGION and the profile's region: a shell may set only this one."""
NO_REGION = (
    f"no AWS region: give --region, or set {REGION_VARIABLE} (or AWS_DEFAULT_REGION, or region in the profile)"
)


def region_option(help_text: str) -> Callable[[F], F]:
    """--region, from AWS_REGION when not given; without either, boto3's own order applies."""
    return click.option("--region", envvar=REGION_VARIABLE, show_envvar=True, help=help_text)


def aws_session(profile: str | None, region: str | None) -> boto3.Session:
    """The session a command reads AWS with; no region anywhere is a usage error, named before any call."""
    session = boto3.Session(profile_name=profile, region_name=region)
    if not session.region_name:
        raise click.UsageError(NO_REGION)
    return session


def rule_options(command: F) -> F:
    """--rules, --param and --params-file: which rules run, with which parameters."""
    for option in reversed(
        (
            click.option(
                "--rules",
                "rule_names",
                help=(
                    "Comma-separated rules to run, each by its name or any name its Config rule has, e.g. "
                    "notebook_root_access or smguard-notebook-root-access (default: every rule)."
                ),
            ),
            click.option(
                "--param",
                "params",
                multiple=True,
                metavar="RULE.NAME=VALUE",
                help="A rule parameter, e.g. sagemaker_kms.RequireCustomerManagedKey=true (repeatable; wins over --params-file).",
            ),
            click.option(
                "--params-file",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help='JSON file of rule parameters: {"rule_name": {"ParameterName": "value"}}.',
            ),
        )
    ):
        command = option(command)
    return command
