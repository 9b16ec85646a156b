"""A copy of the working tree for tests that build or change the repository (the wheel, a new rule).

Only the sources: no virtual environments, tools, caches, build output or demo bundles, so a copy
is small and nothing built earlier is reused.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv*", ".tools", ".aws-sam", "build", "dist", "*.egg-info", "__pycache__", ".*cache", ".hypothesis", "*-evidence"
)


def copy_source(destination: Path) -> Path:
    shutil.copytree(REPOSITORY, destination, ignore=NOT_SOURCE)
    return destination
