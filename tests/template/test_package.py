"""The artifacts' bytecode: compiled for the Lambda runtime's Python when the build host has it,
a warning and no bytecode when it has not (smguard/deploy/package.py, codeuri/Makefile).

This host's Python stands in for the runtime's: passed as SMGUARD_RUNTIME_PYTHON with its own
version as the Makefile's LAMBDA_PYTHON_VERSION, it shows compileall running and unchecked-hash
.pyc appearing; a version it is not, a missing interpreter, or a pyenv-style shim on PATH that
exits 127 show the warning path. No network: only function artifacts are built here (the layer's
pip install is exercised by test_build.py); the layer's compile step is checked in the recipe.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from smguard.deploy.naming import function_logical_id
from smguard.deploy.package import (
    REEVALUATION_FUNCTION,
    REEVALUATION_MODULES,
    RUNTIME_PYTHON_VARIABLE,
    RUNTIME_VERSION,
    compile_bytecode,
    find_runtime_python,
    main,
)
from smguard.deploy.reevaluation import HANDLER
from smguard.deploy.runtime import RUNTIME
from tests.template.conftest import REPOSITORY

MAKEFILE = REPOSITORY / "smguard" / "deploy" / "codeuri" / "Makefile"
THIS_VERSION = "%d.%d" % sys.version_info[:2]
OTHER_VERSION = "3.12" if THIS_VERSION != "3.12" else "3.13"
UNCHECKED_HASH = 0b01
"""PEP 552 flags of a .pyc (bytes 4-8): bit 0 hash-based, bit 1 check the source. 0b01: never checked."""
WARNING = re.compile(r"^WARNING: smguard: (?P<directory>\S+) ships without bytecode: no Python (?P<version>[\d.]+) interpreter", re.MULTILINE)


def pyc_flags(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[4:8], "little")


def module_tree(root: Path) -> Path:
    (root / "package").mkdir(parents=True)
    (root / "package" / "__init__.py").write_text("VALUE = 1\n")
    (root / "package" / "module.py").write_text("def answer():\n    return 42\n")
    return root


def shim(folder: Path, name: str) -> Path:
    """What pyenv puts on PATH for a version that is installed but not active."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\necho 'pyenv: {name}: command not found' >&2\nexit 127\n")
    path.chmod(0o755)
    return path


def test_the_makefile_compiles_for_the_templates_runtime():
    match = re.search(r"^LAMBDA_PYTHON_VERSION := (\S+)$", MAKEFILE.read_text(), re.MULTILINE)
    assert match and match.group(1) == RUNTIME_VERSION == RUNTIME.removeprefix("python")


def test_the_configured_interpreter_is_used_when_it_is_of_the_version():
    assert find_runtime_python(THIS_VERSION, {RUNTIME_PYTHON_VARIABLE: sys.executable, "PATH": ""}) == (
        sys.executable, f"{RUNTIME_PYTHON_VARIABLE}={sys.executable}",
    )


@pytest.mark.parametrize(
    ("configured", "reason"),
    [(sys.executable, f"is Python {THIS_VERSION}, not {OTHER_VERSION}"), ("/nonexistent/python", "cannot be run")],
)
def test_a_configured_interpreter_of_another_version_or_none_is_not_used(configured, reason):
    found, tried = find_runtime_python(OTHER_VERSION, {RUNTIME_PYTHON_VARIABLE: configured, "PATH": str(Path(sys.executable).parent)})
    assert found is None
    assert tried.startswith(f"{RUNTIME_PYTHON_VARIABLE}={configured}: {reason}"), tried


def test_a_shim_on_path_that_cannot_run_is_not_used(tmp_path):
    shim(tmp_path / "bin", f"python{OTHER_VERSION}")
    found, tried = find_runtime_python(OTHER_VERSION, {"PATH": str(tmp_path / "bin")})
    assert found is None
    assert tried == f"python{OTHER_VERSION} on PATH: exited 127 (pyenv: python{OTHER_VERSION}: command not found)"


def test_compiling_writes_unchecked_hash_bytecode_for_every_module(tmp_path, capsys):
    tree = module_tree(tmp_path / "artifact")
    assert compile_bytecode(tree, THIS_VERSION, {RUNTIME_PYTHON_VARIABLE: sys.executable})
    compiled = sorted((tree / "package" / "__pycache__").glob("*.pyc"))
    tag = sys.implementation.cache_tag
    assert [path.name for path in compiled] == [f"__init__.{tag}.pyc", f"module.{tag}.pyc"]
    assert all(pyc_flags(path) == UNCHECKED_HASH for path in compiled)
    assert "unchecked-hash bytecode" in capsys.readouterr().out


def test_without_the_runtimes_interpreter_it_warns_and_leaves_no_bytecode(tmp_path, capsys):
    tree = module_tree(tmp_path / "artifact")
    stale = tree / "package" / "__pycache__" / f"module.{sys.implementation.cache_tag}.pyc"
    stale.parent.mkdir()
    stale.write_bytes(b"an earlier build's bytecode")
    assert not compile_bytecode(tree, OTHER_VERSION, {"PATH": str(tmp_path / "empty")})
    assert list(tree.rglob("*.pyc")) == [], "stale unchecked-hash bytecode would be loaded whatever the source"
    out = capsys.readouterr().out
    warning = WARNING.search(out)
    assert warning and warning["directory"] == str(tree) and warning["version"] == OTHER_VERSION, out
    assert "every cold start then compiles these modules from source" in out
    assert f"python{OTHER_VERSION} on PATH: not found" in out and RUNTIME_PYTHON_VARIABLE in out


def test_the_command_line_compiles_or_warns_and_succeeds_either_way(tmp_path, monkeypatch, capsys):
    tree = module_tree(tmp_path / "artifact")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv(RUNTIME_PYTHON_VARIABLE, raising=False)
    assert main(["--compile", str(tree), OTHER_VERSION]) == 0
    assert WARNING.search(capsys.readouterr().out)
    monkeypatch.setenv(RUNTIME_PYTHON_VARIABLE, sys.executable)
    assert main(["--compile", str(tree), THIS_VERSION]) == 0
    assert len(list(tree.rglob("*.pyc"))) == 2
    assert main(["--compile", str(tree)]) == 2


def make(target: str, artifacts: Path, version: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The build Makefile as sam build runs it: from the repository root, ARTIFACTS_DIR in the environment."""
    return subprocess.run(
        [shutil.which("make") or "make", "--makefile", str(MAKEFILE), target,
         f"PYTHON={sys.executable}", f"LAMBDA_PYTHON_VERSION={version}"],
        cwd=REPOSITORY, env={**env, "ARTIFACTS_DIR": str(artifacts)}, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="module")
def make_available():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")


def test_a_function_build_with_the_runtimes_interpreter_ships_unchecked_hash_bytecode(tmp_path, make_available):
    artifacts = tmp_path / "artifacts"
    result = make(f"build-{function_logical_id('notebook_root_access')}", artifacts, THIS_VERSION,
                  {"PATH": str(tmp_path / "empty"), RUNTIME_PYTHON_VARIABLE: sys.executable})
    assert result.returncode == 0, result.stderr
    sources = sorted(artifacts.rglob("*.py"))
    compiled = sorted(artifacts.rglob(f"*.{sys.implementation.cache_tag}.pyc"))
    assert len(compiled) == len(sources) > 10
    assert {pyc_flags(path) for path in compiled} == {UNCHECKED_HASH}
    assert not WARNING.search(result.stdout)


def test_a_function_build_without_it_warns_on_stdout_and_ships_sources_only(tmp_path, make_available):
    artifacts = tmp_path / "artifacts"
    shim(tmp_path / "bin", f"python{OTHER_VERSION}")
    result = make(f"build-{function_logical_id('notebook_root_access')}", artifacts, OTHER_VERSION, {"PATH": str(tmp_path / "bin")})
    assert result.returncode == 0, result.stderr
    warning = WARNING.search(result.stdout)  # stdout: what sam build shows while it runs
    assert warning and warning["directory"] == str(artifacts), result.stdout
    assert (artifacts / "rules" / "notebook_root_access" / "app.py").is_file()
    assert list(artifacts.rglob("*.pyc")) == []


def test_the_layer_is_compiled_after_its_install(tmp_path, make_available):
    recipe = subprocess.run(
        [shutil.which("make") or "make", "--dry-run", "--makefile", str(MAKEFILE), "build-DependenciesLayer",
         f"ARTIFACTS_DIR={tmp_path}", "PYTHON=python3"],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=60, check=True,
    ).stdout.splitlines()
    install = next(i for i, line in enumerate(recipe) if "pip install" in line)
    assert f'python3 -m smguard.deploy.package --compile "{tmp_path}/python" {RUNTIME_VERSION}' in recipe[install + 1:]


def test_the_reevaluation_build_holds_its_handler_and_the_naming_module_only_and_imports_them(tmp_path, make_available):
    artifacts = tmp_path / "artifacts"
    result = make(f"build-{REEVALUATION_FUNCTION}", artifacts, THIS_VERSION,
                  {"PATH": str(tmp_path / "empty"), RUNTIME_PYTHON_VARIABLE: sys.executable})
    assert result.returncode == 0, result.stderr
    assert sorted(str(path.relative_to(artifacts / "smguard")) for path in artifacts.rglob("*.py")) == sorted(REEVALUATION_MODULES)
    module, attribute = HANDLER.rsplit(".", 1)
    # The artifact alone (and the interpreter's site-packages for boto3, as the layer gives it) imports the handler.
    program = f"import sys; sys.path.insert(0, {str(artifacts)!r}); import {module} as m; assert m.__file__.startswith({str(artifacts)!r}); m.{attribute}"
    imported = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
