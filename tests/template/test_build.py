"""`make build` (sam build, makefile method) works from a clean checkout, every function's
artifact imports its handler with only the layer's packages on the path, every artifact carries
bytecode for the runtime's Python or the build warned that it does not, and the artifact sizes
docs/deployment.md states are the built ones (sources only: bytecode depends on the build host).

The build runs once per session, in a copy of the checkout (the files git tracks or would add,
nothing ignored: no .venv, no earlier .aws-sam), with the SAM CLI of `.tools/sam`.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from smguard.catalogue import discover
from smguard.deploy.naming import function_logical_id, resource_name
from smguard.deploy.package import RUNTIME_VERSION, find_runtime_python
from tests.template.conftest import REPOSITORY, TOOLS, require_tool

LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
"""Lambda's limit for a function and all its layers, unzipped."""
DOCUMENTED_SIZE_TOLERANCE = 0.10
"""How far a size in docs/deployment.md may be from the build's: the figures are rounded, and a
small change to the engine should not need a doc edit, but a grown layer or function should."""
SIZE_UNITS = {"KB": 1_000, "MB": 1_000_000}
SIZE_ROW = re.compile(r"^\| (?:layer|function) `([a-z0-9<>-]+)`(?:, each)? \| ([0-9. -]+ [KM]B) \| ([0-9. -]+ [KM]B) \|$", re.MULTILINE)
EACH_FUNCTION = resource_name("<rule>")
"""The row of every rule's function: a range, so that adding a rule (of a size within it) edits no table."""


def checkout_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPOSITORY, capture_output=True, check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (REPOSITORY / name).is_file()]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    require_tool(TOOLS / "sam" / "bin" / "sam")
    checkout = tmp_path_factory.mktemp("checkout")
    for name in checkout_files():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPOSITORY / name, checkout / name)
    result = subprocess.run(
        ["make", "build", f"TOOLS={TOOLS}"],
        cwd=checkout,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"make build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    (checkout / BUILD_OUTPUT).write_text(result.stdout + result.stderr)
    return checkout / ".aws-sam" / "build"


BUILD_OUTPUT = "make-build-output.txt"
"""Kept next to .aws-sam: sam build echoes make's stdout (where the bytecode warning goes) to its stderr."""


def tree_size(directory: Path, bytecode: bool = True) -> tuple[int, int]:
    """(unzipped bytes, zipped bytes) of a directory, zipped as sam deploy would upload it (without
    the __pycache__ folders unless ``bytecode``)."""
    unzipped = 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and (bytecode or "__pycache__" not in path.relative_to(directory).parts):
                unzipped += path.stat().st_size
                archive.write(path, path.relative_to(directory))
    return unzipped, len(buffer.getvalue())


def test_built_template_points_every_function_at_its_artifact(built):
    template = yaml.safe_load((built / "template.yaml").read_text())
    for entry in discover():
        logical_id = function_logical_id(entry.name)
        assert template["Resources"][logical_id]["Properties"]["CodeUri"] == logical_id
        assert (built / logical_id / "rules" / entry.name / "app.py").is_file()
    assert template["Resources"]["DependenciesLayer"]["Properties"]["ContentUri"] == "DependenciesLayer"


def test_layer_holds_the_pinned_dependencies_for_lambda_and_nothing_compiled_for_another_platform(built):
    site = built / "DependenciesLayer" / "python"
    pins = [line.split("==") for line in (REPOSITORY / "requirements.txt").read_text().splitlines() if "==" in line]
    for name, version in pins:
        normalised = name.strip().replace("-", "_").lower()
        assert (site / f"{normalised}-{version.strip()}.dist-info").is_dir(), f"{name}=={version} missing from the layer"
    compiled = [path.name for path in site.rglob("*.so")]
    assert all("aarch64" in name for name in compiled), compiled
    assert not (site / "rdklibtest").exists(), "rdklib's test helpers are removed by the layer build"


@pytest.mark.parametrize("rule", [entry.name for entry in discover()])
def test_function_artifact_imports_its_handler_from_the_layer(built, rule):
    artifact = built / function_logical_id(rule)
    assert not (artifact / "boto3").exists(), "dependencies belong in the layer, not in each function"
    assert not (artifact / "rules" / rule / "tests").exists()
    program = (
        "import sys; "
        f"sys.path[:0] = [{str(artifact)!r}, {str(built / 'DependenciesLayer' / 'python')!r}]; "
        "import importlib; "
        f"handler = importlib.import_module('rules.{rule}.app').lambda_handler; "
        "import boto3, rdklib; "
        f"assert boto3.__file__.startswith({str(built)!r}), boto3.__file__; "
        "print(type(handler).__name__, handler.rule.name)"
    )
    # The runtime's Python where the build host has one (make test names it), as Lambda would run it.
    python = find_runtime_python(RUNTIME_VERSION)[0] or sys.executable
    # -S: no site-packages, so nothing can come from this machine's virtual environment.
    # -B: no __pycache__ written into the artifact, whose size is measured as sam deploy uploads it.
    result = subprocess.run(
        [python, "-I", "-S", "-B", "-c", program],
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "PATH": os.environ.get("PATH", "")},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["RuleHandler", rule]


def parse_size(text: str) -> int:
    number, unit = text.split()
    return round(float(number) * SIZE_UNITS[unit])


def parse_range(text: str) -> tuple[int, int]:
    """``162 - 173 KB`` or ``27.6 MB``: (smallest, largest) in bytes."""
    low, _, high = text.rpartition(" - ")
    unit = high.split()[1]
    return parse_size(f"{low} {unit}" if low else high), parse_size(high)


def documented_sizes() -> dict[str, tuple[tuple[int, int], tuple[int, int]]]:
    """Artifact name (EACH_FUNCTION for every rule's) -> ((smallest, largest) unzipped, (smallest, largest) zipped)
    bytes, from the table in docs/deployment.md."""
    text = (REPOSITORY / "docs" / "deployment.md").read_text()
    return {name: (parse_range(unzipped), parse_range(zipped)) for name, unzipped, zipped in SIZE_ROW.findall(text)}


def measured_sizes(built: Path, bytecode: bool = True) -> dict[str, tuple[int, int]]:
    sizes = {"smguard-dependencies": tree_size(built / "DependenciesLayer", bytecode)}
    for entry in discover():
        sizes[resource_name(entry.name)] = tree_size(built / function_logical_id(entry.name), bytecode)
    return sizes


def test_documented_sizes_parse_as_decimal_units():
    assert parse_size("27.6 MB") == 27_600_000
    assert parse_size("85 KB") == 85_000
    assert parse_range("162 - 173 KB") == (162_000, 173_000)
    assert parse_range("27.6 MB") == (27_600_000, 27_600_000)
    assert set(documented_sizes()) == {"smguard-dependencies", EACH_FUNCTION}


def test_documented_artifact_sizes_are_the_built_ones(built):
    measured = measured_sizes(built, bytecode=False)
    layer = measured.pop("smguard-dependencies")
    functions = list(measured.values())
    # Per column (unzipped, zipped): the layer's figure; the smallest and largest function's, as the range's ends.
    actual = {
        "smguard-dependencies": tuple((size, size) for size in layer),
        EACH_FUNCTION: tuple((min(sizes), max(sizes)) for sizes in zip(*functions)),
    }
    off = {
        name: {"documented": documented, "measured": actual[name]}
        for name, documented in documented_sizes().items()
        if any(abs(d - m) > DOCUMENTED_SIZE_TOLERANCE * m for ends, found in zip(documented, actual[name]) for d, m in zip(ends, found))
    }
    assert off == {}, "update the artifact sizes table in docs/deployment.md"


def test_artifacts_fit_lambdas_size_limit(built):
    measured = measured_sizes(built)
    layer_unzipped, _ = measured.pop("smguard-dependencies")
    totals = {name: unzipped + layer_unzipped for name, (unzipped, _) in measured.items()}
    assert {name: total for name, total in totals.items() if total >= LAMBDA_UNZIPPED_LIMIT} == {}


def test_every_artifact_has_runtime_bytecode_or_the_build_said_it_has_none(built):
    """Compiled with the runtime's Python (unchecked-hash .pyc for every module), or a warning per artifact."""
    output = (built.parent.parent / BUILD_OUTPUT).read_text()
    tag = "cpython-" + RUNTIME_VERSION.replace(".", "")
    artifacts = [built / "DependenciesLayer" / "python"] + [built / function_logical_id(entry.name) for entry in discover()]
    for artifact in artifacts:
        compiled = list(artifact.rglob(f"*.{tag}.pyc"))
        if compiled:
            assert len(compiled) == len(list(artifact.rglob("*.py"))), f"{artifact.name}: not every module compiled"
            assert {int.from_bytes(path.read_bytes()[4:8], "little") for path in compiled} == {0b01}, "not unchecked-hash"
        else:
            assert re.search(rf"WARNING: smguard: \S*{artifact.relative_to(built.parent.parent)} ships without bytecode", output), (
                f"{artifact.name} has no {tag} bytecode and the build did not warn"
            )
        assert not [path for path in artifact.rglob("*.pyc") if f".{tag}." not in path.name], "bytecode of another Python"
