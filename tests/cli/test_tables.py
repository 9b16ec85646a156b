"""What `evaluate`, `scan` and `demo` print is readable where it usually lands: a pipe, a file, a CI log."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from smguard.cli.main import cli
from smguard.cli.tables import PIPED_WIDTH, ResultRow, results_table, stdout_console

ROOT_ACCESS_ANNOTATION = (
    "RootAccess is absent (defaults to Enabled); set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance)."
)


@pytest.mark.parametrize(
    ("environment", "width"),
    [({}, PIPED_WIDTH), ({"COLUMNS": "90"}, 90), ({"TTY_COMPATIBLE": "1", "COLUMNS": "100"}, 100)],
    ids=["piped", "piped-with-COLUMNS", "terminal"],
)
def test_stdout_is_120_wide_only_when_piped_without_columns(monkeypatch, environment, width):
    monkeypatch.delenv("COLUMNS", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert stdout_console().width == width


def test_a_piped_scan_prints_each_annotation_on_whole_lines(monkeypatch):
    """No COLUMNS, no terminal (CliRunner): 120 columns, the annotation gets what the rule and resource leave."""
    monkeypatch.delenv("COLUMNS", raising=False)

    result = CliRunner().invoke(
        cli, ["scan", "--rules", "notebook_root_access,notebook_direct_internet", "tests/scan/templates/notebooks.yaml"]
    )

    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) == PIPED_WIDTH
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "smguard scan: tests/scan/templates/notebooks.yaml",
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ Rule and resource          ┃ Result        ┃ Annotation                                                              ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ notebook_direct_internet   │ COMPLIANT     │ DirectInternetAccess is Disabled: the notebook has no                   │",
        "│ SageMaker NotebookInstance │               │ SageMaker-provided internet route and reaches networks only through     │",
        "│ ResearchNotebook (line 13) │               │ subnet subnet-0a1b2c3d4e5f60718 of the organization's VPC.              │",
        "├────────────────────────────┼───────────────┼─────────────────────────────────────────────────────────────────────────┤",
        "│ notebook_root_access       │ COMPLIANT     │ RootAccess is Disabled.                                                 │",
        "│ SageMaker NotebookInstance │               │                                                                         │",
        "│ ResearchNotebook (line 13) │               │                                                                         │",
        "├────────────────────────────┼───────────────┼─────────────────────────────────────────────────────────────────────────┤",
        "│ notebook_direct_internet   │ NON_COMPLIANT │ DirectInternetAccess is absent (defaults to Enabled). It cannot be      │",
        "│ SageMaker NotebookInstance │               │ changed after creation: recreate the notebook with a SubnetId and       │",
        "│ ScratchNotebook (line 24)  │               │ DirectInternetAccess=Disabled (CreateNotebookInstance).                 │",
        "├────────────────────────────┼───────────────┼─────────────────────────────────────────────────────────────────────────┤",
        "│ notebook_root_access       │ NON_COMPLIANT │ RootAccess is absent (defaults to Enabled); set RootAccess to Disabled  │",
        "│ SageMaker NotebookInstance │               │ (stop the notebook, then UpdateNotebookInstance).                       │",
        "│ ScratchNotebook (line 24)  │               │                                                                         │",
        "└────────────────────────────┴───────────────┴─────────────────────────────────────────────────────────────────────────┘",
    ]
    assert result.stderr == "4 result(s) in 1 template(s): 2 compliant, 2 non-compliant, 0 unknown, 0 not applicable.\n"


def test_an_80_column_terminal_still_breaks_annotations_only_between_words(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    console = stdout_console()
    with console.capture() as capture:
        console.print(
            results_table(
                "smguard evaluate",
                [ResultRow("notebook_root_access", ("SageMaker NotebookInstance", "sandbox"), "NON_COMPLIANT", ROOT_ACCESS_ANNOTATION)],
            )
        )
    assert [line.rstrip() for line in capture.get().splitlines()] == [
        "smguard evaluate",
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ Rule and resource          ┃ Result        ┃ Annotation                      ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ notebook_root_access       │ NON_COMPLIANT │ RootAccess is absent (defaults  │",
        "│ SageMaker NotebookInstance │               │ to Enabled); set RootAccess to  │",
        "│ sandbox                    │               │ Disabled (stop the notebook,    │",
        "│                            │               │ then UpdateNotebookInstance).   │",
        "└────────────────────────────┴───────────────┴─────────────────────────────────┘",
    ]
