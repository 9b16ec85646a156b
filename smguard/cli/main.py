"""The `smguard` click group; every sub-command lives in its own module and is registered here.

A sub-command's module is imported only when that command runs (or ``--help`` lists them all):
``demo`` needs the embedded AWS (moto), which only ``pip install 'smguard[demo]'`` brings, and
``scan``, ``verify``, ``evaluate`` and ``export`` must work without it.
"""

from __future__ import annotations

import importlib

import click

COMMANDS = {
    "demo": "smguard.cli.demo:demo_command",
    "evaluate": "smguard.cli.evaluate:evaluate_command",
    "export": "smguard.cli.evidence:export",
    "verify": "smguard.cli.evidence:verify",
    "scan": "smguard.cli.scan:scan_command",
}
DEMO_EXTRA_MODULES = frozenset({"moto", "requests"})
"""The top-level modules the demo imports that only the ``demo`` extra installs (requests comes with moto)."""
DEMO_EXTRA_HINT = "pip install 'smguard[demo]'"


class LazyGroup(click.Group):
    """Imports a sub-command's module when the command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if cmd_name != "demo" or (error.name or "").split(".")[0] not in DEMO_EXTRA_MODULES:
                raise
            return _demo_extra_missing(error.name or "moto")
        command: click.Command = getattr(module, attribute)
        return command


def _demo_extra_missing(module: str) -> click.Command:
    """Stands in for ``demo`` when the extra is not installed: says so in one line, exits 1."""

    @click.command(
        "demo",
        help=f"The embedded-AWS demo; needs the demo extra: {DEMO_EXTRA_HINT}",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    def demo_command() -> None:
        raise click.ClickException(f"smguard demo needs the demo extra ({module} is not installed): {DEMO_EXTRA_HINT}")

    return demo_command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="smguard")
def cli() -> None:
    """smguard: guardrails for Amazon SageMaker on sensitive data, and the evidence that they hold."""
