"""Assemble one rule function's artifact: the rule's folder and the shared engine, nothing else.

``sam build`` runs ``make build-<LogicalId>`` (BuildMethod: makefile) from the repository root,
and the build Makefile calls ``python3 -m smguard.deploy.package <LogicalId> <ARTIFACTS_DIR>``.
The runtime dependencies are not copied here: they are in the layer, built once.
Standard library only, for the same reason as ``naming.py``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from smguard.deploy.naming import rule_for_function_logical_id

REPOSITORY = Path(__file__).resolve().parents[2]
# Only what a function imports: the engine, not the command-line tool, the sweep or this package.
ENGINE_PACKAGES = ("engine",)
IGNORED = shutil.ignore_patterns("tests", "__pycache__", "*.pyc")


def rule_names(repository: Path = REPOSITORY) -> list[str]:
    return sorted(path.parent.name for path in (repository / "rules").glob("*/app.py"))


def package(logical_id: str, artifacts_dir: Path, repository: Path = REPOSITORY) -> str:
    """Copy ``rules/__init__.py``, ``rules/<rule>/`` and the engine into ``artifacts_dir``."""
    rule = rule_for_function_logical_id(logical_id, rule_names(repository))
    rules_dir = artifacts_dir / "rules"
    rules_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(repository / "rules" / "__init__.py", rules_dir / "__init__.py")
    shutil.copytree(repository / "rules" / rule, rules_dir / rule, ignore=IGNORED, dirs_exist_ok=True)
    package_dir = artifacts_dir / "smguard"
    package_dir.mkdir(exist_ok=True)
    shutil.copy2(repository / "smguard" / "__init__.py", package_dir / "__init__.py")
    for name in ENGINE_PACKAGES:
        shutil.copytree(repository / "smguard" / name, package_dir / name, ignore=IGNORED, dirs_exist_ok=True)
    return rule


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python3 -m smguard.deploy.package <FunctionLogicalId> <ARTIFACTS_DIR>", file=sys.stderr)
        return 2
    try:
        rule = package(argv[0], Path(argv[1]))
    except LookupError as error:
        print(f"smguard.deploy.package: {error}", file=sys.stderr)
        return 1
    print(f"packaged rule {rule} into {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
