"""The export runs without the embedded AWS: moto is a demo dependency, not an export one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_the_export_and_verify_import_no_moto():
    probe = (
        "import sys, smguard.evidence, smguard.cli.evidence; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'moto' or m.startswith('smguard.embedded')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPOSITORY, check=True)
    assert result.stdout.strip() == "[]"
