"""Assemble one rule function's artifact: the rule's folder and the shared engine, nothing else;
and compile an artifact's modules to bytecode for the Lambda runtime's Python.

``sam build`` runs ``make build-<LogicalId>`` (BuildMethod: makefile) from the repository root,
and the build Makefile calls ``python3 -m smguard.deploy.package <LogicalId> <ARTIFACTS_DIR>``.
The runtime dependencies are not copied here: they are in the layer, built once.

Bytecode: Lambda's /opt (layers) and /var/task (the function) are read-only, so modules that ship
without .pyc are compiled from source in every cold start (boto3, botocore, powertools, smguard).
``python3 -m smguard.deploy.package --compile <DIR> <VERSION>`` compiles DIR with an interpreter
of the runtime's Python VERSION (bytecode only loads in the version that wrote it): the one
``SMGUARD_RUNTIME_PYTHON`` names, or else ``python<VERSION>`` on PATH, checked by running it. It
writes unchecked-hash .pyc (PEP 552): no source timestamp is compared, so the times the zip gives
the files do not matter. Without such an interpreter it prints a warning and leaves DIR as it is.
Standard library only, for the same reason as ``naming.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from smguard.deploy.naming import rule_for_function_logical_id
from smguard.deploy.runtime import RUNTIME

REPOSITORY = Path(__file__).resolve().parents[2]
# Only what a function imports: the engine and the resource types and fact kinds (a rule lists its VPCs and
# reads its facts through them), not the command-line tool, the sweep, the scanner or this package.
ENGINE_PACKAGES = ("engine", "resources")
IGNORED = shutil.ignore_patterns("tests", "__pycache__", "*.pyc")
REEVALUATION_FUNCTION = "ReevaluationFunction"
"""The exemption-expiry re-evaluation's function (smguard/deploy/reevaluation.py), not a rule's."""
REEVALUATION_MODULES = ("__init__.py", "deploy/__init__.py", "deploy/naming.py", "deploy/reevaluate.py")
"""All it imports of smguard: its handler and the naming module (boto3 is in the layer)."""


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


def package_reevaluation(artifacts_dir: Path, repository: Path = REPOSITORY) -> None:
    """Copy :data:`REEVALUATION_MODULES` into ``artifacts_dir``."""
    for module in REEVALUATION_MODULES:
        target = artifacts_dir / "smguard" / module
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repository / "smguard" / module, target)


RUNTIME_PYTHON_VARIABLE = "SMGUARD_RUNTIME_PYTHON"
RUNTIME_VERSION = RUNTIME.removeprefix("python")
"""The Lambda runtime's Python version (``3.12``); the build Makefile passes the same (a test holds them equal)."""
COMPILE_OPTIONS = ("-q", "--invalidation-mode", "unchecked-hash")
USAGE = (
    "usage: python3 -m smguard.deploy.package <FunctionLogicalId> <ARTIFACTS_DIR>\n"
    "       python3 -m smguard.deploy.package --compile <DIR> <PYTHON_VERSION>"
)


def find_runtime_python(version: str, environ: Mapping[str, str] = os.environ) -> tuple[str | None, str]:
    """An interpreter of ``version`` (``3.12``) to compile with, or None; and what was tried.

    ``SMGUARD_RUNTIME_PYTHON`` if set (no other is tried then), else ``python<version>`` on PATH.
    The candidate is run: a pyenv shim of a version that is not active is on PATH but exits 127.
    """
    configured = environ.get(RUNTIME_PYTHON_VARIABLE, "").strip()
    candidate: str | None
    if configured:
        candidate, origin = configured, f"{RUNTIME_PYTHON_VARIABLE}={configured}"
    else:
        candidate, origin = shutil.which(f"python{version}", path=environ.get("PATH")), f"python{version} on PATH"
        if candidate is None:
            return None, f"{origin}: not found"
    try:
        result = subprocess.run(
            [candidate, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=60, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"{origin}: cannot be run ({error})"
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["no message"])[0].strip()
        return None, f"{origin}: exited {result.returncode} ({first})"
    found = result.stdout.strip()
    if found != version:
        return None, f"{origin}: is Python {found}, not {version}"
    return candidate, origin


def compile_bytecode(directory: Path, version: str = RUNTIME_VERSION, environ: Mapping[str, str] = os.environ) -> bool:
    """Compile every module under ``directory`` for Python ``version``; True if it did.

    Bytecode already there is removed first, so the artifact holds this build's or none. Without an
    interpreter of that version, print a warning and compile nothing. Messages go to stdout:
    ``sam build`` shows make's stdout as it runs, but its stderr only when make fails.
    """
    for cache in list(directory.rglob("__pycache__")):
        shutil.rmtree(cache)  # an earlier build's unchecked-hash .pyc would be loaded whatever the source is now
    python, origin = find_runtime_python(version, environ)
    if python is None:
        print(
            f"WARNING: smguard: {directory} ships without bytecode: no Python {version} interpreter to compile it "
            f"({origin}). On Lambda (read-only /opt and /var/task) every cold start then compiles these modules "
            f"from source. Put python{version} on PATH or set {RUNTIME_PYTHON_VARIABLE} to one, and build again."
        )
        return False
    # -I: PYTHONPYCACHEPREFIX would move the .pyc out of the artifact, PYTHONOPTIMIZE rename them.
    subprocess.run([python, "-I", "-m", "compileall", *COMPILE_OPTIONS, str(directory)], check=True)
    print(f"compiled {directory} for Python {version} with {python} ({origin}), unchecked-hash bytecode")
    return True


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "--compile":
        try:
            compile_bytecode(Path(argv[1]), argv[2])
        except subprocess.CalledProcessError as error:
            print(f"smguard.deploy.package: compileall failed ({error.returncode}) in {argv[1]}", file=sys.stderr)
            return 1
        return 0
    if len(argv) != 2 or argv[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    if argv[0] == REEVALUATION_FUNCTION:
        package_reevaluation(Path(argv[1]))
        print(f"packaged the re-evaluation function into {argv[1]}")
        return 0
    try:
        rule = package(argv[0], Path(argv[1]))
    except LookupError as error:
        print(f"smguard.deploy.package: {error}", file=sys.stderr)
        return 1
    print(f"packaged rule {rule} into {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
