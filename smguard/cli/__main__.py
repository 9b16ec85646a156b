"""``python -m smguard.cli``: the smguard command without the console script."""

from smguard.cli.main import cli

cli()
