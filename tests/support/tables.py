"""Reading back what smguard.cli.tables.results_table printed: one list of cells per result."""

from __future__ import annotations


def table_rows(out: str) -> list[list[str]]:
    """Each result's cells, a cell's lines joined by spaces (a cell folds over several lines)."""
    rows: list[list[list[str]]] = []
    body = False
    for line in out.splitlines():
        if line.startswith("┡"):
            body, rows = True, [[]]
        elif line.startswith("├"):
            rows.append([])
        elif body and line.startswith("│"):
            rows[-1].append([cell.strip() for cell in line.split("│")[1:-1]])
        elif line.startswith("└"):
            body = False
    return [[" ".join(part for part in column if part) for column in zip(*lines, strict=True)] for lines in rows]
