"""The `smguard` click group; every sub-command lives in its own module and is registered here."""

from __future__ import annotations

import click

from smguard.cli.demo import demo_command
from smguard.cli.evaluate import evaluate_command
from smguard.cli.evidence import export, verify
from smguard.cli.scan import scan_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="smguard")
def cli() -> None:
    """smguard: guardrails for Amazon SageMaker on sensitive data, and the evidence that they hold."""


cli.add_command(demo_command)
cli.add_command(evaluate_command)
cli.add_command(export)
cli.add_command(verify)
cli.add_command(scan_command)
