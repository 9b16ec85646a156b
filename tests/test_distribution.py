"""The wheel, installed in a fresh virtual environment without the demo extra, is a working smguard.

Built from a copy of the working tree (so no stale build/ is reused), installed with its declared
dependencies from the package index (pip's cache is reused), and run from outside the repository
with no PYTHONPATH: what a user gets from ``pip install .``. It claims no top-level name but
``smguard``, ships no tests, and its ``scan`` and ``verify`` answer exactly as the source tree's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from smguard.evidence import ExportRequest, export_bundle
from tests.evidence.conftest import ACCOUNT, world  # noqa: F401 - the bundle's fixture
from tests.support.source_tree import REPOSITORY, copy_source

TEMPLATE = REPOSITORY / "tests" / "scan" / "templates" / "notebooks.yaml"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the venv's bin directory, the wheel)."""
    work = tmp_path_factory.mktemp("distribution")
    source = copy_source(work / "source")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(work / "dist"), str(source)], work)
    (wheel,) = (work / "dist").glob("smguard-*.whl")
    run([sys.executable, "-m", "venv", str(work / "venv")], work)
    bin_dir = work / "venv" / "bin"
    run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], work)
    return bin_dir, wheel


def clean_environment() -> dict[str, str]:
    """This process's environment (fake AWS credentials) without what would reach the source tree."""
    return {name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "VIRTUAL_ENV")} | {"COLUMNS": "120"}


def run(command: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=clean_environment(), capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def test_the_wheel_claims_only_smguard_and_ships_no_tests(installed):
    _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {"smguard", "smguard-0.1.0.dist-info"}
    assert [name for name in names if "tests" in name.split("/") or name.split("/")[-1].startswith("test_")] == []
    rules = sorted(path.parent.name for path in (REPOSITORY / "rules").glob("*/app.py"))
    for rule in rules:
        for file in ("__init__.py", "app.py", "check.py", "metadata.json"):
            assert f"smguard/rules/{rule}/{file}" in names
    assert "smguard/rules/sagemaker_kms/local_storage_instance_families.json" in names


def test_the_installed_commands_work_without_the_demo_extra(installed, tmp_path):
    bin_dir, _ = installed
    smguard = str(bin_dir / "smguard")
    assert run([str(bin_dir / "python"), "-c", "import importlib.util as u; print(u.find_spec('moto'), u.find_spec('rules'))"], tmp_path).stdout == "None None\n"
    help_text = run([smguard, "--help"], tmp_path).stdout
    assert help_text.startswith("Usage: smguard [OPTIONS] COMMAND [ARGS]...")
    assert [line.split()[0] for line in help_text.split("Commands:\n")[1].splitlines()] == ["demo", "evaluate", "export", "scan", "verify"]
    for command in ("evaluate", "export"):
        assert run([smguard, command, "--help"], tmp_path).stdout.startswith(f"Usage: smguard {command} [OPTIONS]")
    demo = run([smguard, "demo"], tmp_path, check=False)
    assert (demo.returncode, demo.stdout) == (1, "")
    assert demo.stderr == "Error: smguard demo needs the demo extra (moto is not installed): pip install 'smguard[demo]'\n"


def test_installed_scan_and_verify_answer_as_the_source_tree(installed, tmp_path, world):  # noqa: F811
    bin_dir, _ = installed
    bundle = export_bundle(world.session, ExportRequest(account_id=ACCOUNT), tmp_path / "bundle")
    for arguments in (["scan", str(TEMPLATE)], ["verify", str(bundle)]):
        source = subprocess.run(
            [sys.executable, "-m", "smguard.cli", *arguments],
            cwd=REPOSITORY, env=clean_environment() | {"PYTHONPATH": str(REPOSITORY)}, capture_output=True, text=True, timeout=300,
        )
        wheel = run([str(bin_dir / "smguard"), *arguments], tmp_path, check=False)
        assert (wheel.returncode, wheel.stdout, wheel.stderr) == (source.returncode, source.stdout, source.stderr)
        assert source.stdout
    assert ": the 6 files match manifest.json, but nothing shows" in wheel.stdout
