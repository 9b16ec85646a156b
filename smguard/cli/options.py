"""Command-line options shared by the commands that run the rules (evaluate, scan)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def rule_options(command: F) -> F:
    """--rules, --param and --params-file: which rules run, with which parameters."""
    for option in reversed(
        (
            click.option(
                "--rules",
                "rule_names",
                help="Comma-separated rules to run, e.g. notebook_root_access or smguard-notebook_root_access (default: every rule).",
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
