"""How results look in a terminal, shared by the commands that print them (evaluate, scan, demo).

One place decides the width of stdout and the layout of a result, so that a resource reads the
same whether it was found in an account, in a template or in the demo's embedded account.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

RESULT_STYLES = {
    "COMPLIANT": "green",
    "NON_COMPLIANT": "bold red",
    "NOT_APPLICABLE": "dim",
    "UNKNOWN": "yellow",
    "INSUFFICIENT_DATA": "yellow",
}
"""A resource's result (UNKNOWN: a template does not decide it) or a rule's overall compliance."""
PIPED_WIDTH = 120
"""The width when stdout is no terminal and COLUMNS is unset (``smguard evaluate > file``, CI logs):
rich would use 80, which leaves an annotation a few characters per line."""


def stdout_console() -> Console:
    """stdout, as wide as the terminal (or COLUMNS), or PIPED_WIDTH when written to a file or a pipe."""
    console = Console(soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPED_WIDTH
    return console


@dataclass(frozen=True)
class ResultRow:
    """One result: which rule, the lines that name the resource, the result and its annotation."""

    rule: str
    resource: Sequence[str]
    result: str
    annotation: str


def short_type(resource_type: str) -> str:
    """``AWS::SageMaker::NotebookInstance`` -> ``SageMaker NotebookInstance``: the column stays narrow."""
    return " ".join(resource_type.split("::")[1:])


def rule_and_resource(rule: str, resource: Sequence[str]) -> Text:
    """The rule in bold over the resource's lines: one narrow column, so the annotation, the
    longest text, gets the rest of the width."""
    return Text.assemble((rule, "bold"), *(f"\n{line}" for line in resource))


def styled_result(result: str) -> Text:
    return Text(result, style=RESULT_STYLES.get(result, "default"))


def results_table(title: str, rows: Iterable[ResultRow]) -> Table:
    """A rich table with one row per result; the result is coloured by its value.

    Cells are Text, never markup: annotations quote template expressions such as
    ``!If [IsProd, a, b]``, which rich would otherwise take for markup. Rows take several lines,
    so lines between them keep one result apart from the next."""
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("Rule and resource", overflow="fold")
    table.add_column("Result", no_wrap=True)
    table.add_column("Annotation", overflow="fold")
    for row in rows:
        table.add_row(
            rule_and_resource(row.rule, row.resource),
            styled_result(row.result),
            Text(row.annotation),
        )
    return table
