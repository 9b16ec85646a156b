"""docs/scan.md shows real output: its sample is what the command prints today."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from smguard.cli.main import cli

REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLE = re.compile(r"<!-- scan-sample: COLUMNS=(\d+) smguard (.+?) -->\n```\n\$ smguard .+?\n(.*?)```\n<!-- /scan-sample -->", re.S)


def test_the_documented_sample_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    match = SAMPLE.search((REPOSITORY / "docs/scan.md").read_text())
    assert match is not None, "docs/scan.md has no scan-sample block"
    columns, command, documented = match.groups()
    monkeypatch.chdir(REPOSITORY)
    monkeypatch.setenv("COLUMNS", columns)
    result = CliRunner().invoke(cli, command.split())
    assert result.exit_code == 0
    assert documented == result.stdout + result.stderr
