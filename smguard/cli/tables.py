"""The compliance table shared by the commands that print results (evaluate, scan).

One place decides how a result looks in a terminal (its colour, which columns fold), so that a
resource reads the same whether it was found in an account or in a template.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.markup import escape
from rich.table import Table

RESULT_STYLES = {"COMPLIANT": "green", "NON_COMPLIANT": "bold red", "NOT_APPLICABLE": "dim", "UNKNOWN": "yellow"}


@dataclass(frozen=True)
class Column:
    """A column of the table; text columns fold, short ones never wrap."""

    header: str
    no_wrap: bool = False
    is_result: bool = False


def results_table(title: str, columns: Sequence[Column], rows: Iterable[Sequence[str]]) -> Table:
    """A rich table with one row per result; the result column is coloured by its value.

    Cells are escaped: annotations quote template expressions such as ``!If [IsProd, a, b]``,
    which rich would otherwise take for markup."""
    table = Table(title=title, show_lines=False, expand=False)
    for column in columns:
        if column.no_wrap:
            table.add_column(column.header, no_wrap=True)
        else:
            table.add_column(column.header, overflow="fold")
    for row in rows:
        table.add_row(
            *(
                f"[{RESULT_STYLES.get(cell, 'default')}]{cell}[/]" if column.is_result else escape(cell)
                for column, cell in zip(columns, row, strict=True)
            )
        )
    return table
