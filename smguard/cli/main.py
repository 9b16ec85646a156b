"""The `smguard` click group; every sub-command lives in its own module and is registered here."""

from __future__ import annotations

import importlib
import importlib.util

import click

from smguard.cli.evaluate import evaluate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="smguard")
def cli() -> None:
    """smguard: guardrails for Amazon SageMaker on sensitive data, and the evidence that they hold."""


def _register_evidence_commands() -> None:
    """Add `export` and `verify` from smguard/cli/evidence.py, written alongside this module."""
    if importlib.util.find_spec("smguard.cli.evidence") is None:
        return
    evidence = importlib.import_module("smguard.cli.evidence")
    cli.add_command(evidence.export)
    cli.add_command(evidence.verify)


cli.add_command(evaluate_command)
_register_evidence_commands()
