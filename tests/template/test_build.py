"""`make build` (sam build, makefile method) works from a clean checkout, and every function's
artifact imports its handler with only the layer's packages on the path.

The build runs once per session, in a copy of the checkout (the files git tracks or would add,
nothing ignored: no .venv, no earlier .aws-sam), with the SAM CLI of `.tools/sam`.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from smguard.catalogue import discover
from smguard.deploy.naming import function_logical_id
from tests.template.conftest import REPOSITORY, TOOLS, require_tool

LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
"""Lambda's limit for a function and all its layers, unzipped."""


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
    return checkout / ".aws-sam" / "build"


def tree_size(directory: Path) -> tuple[int, int]:
    """(unzipped bytes, zipped bytes) of a directory, zipped as sam deploy would upload it."""
    unzipped = 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
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
    # -S: no site-packages, so nothing can come from this machine's virtual environment.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", program],
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "PATH": os.environ.get("PATH", "")},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["RuleHandler", rule]


def test_artifacts_fit_lambdas_size_limit(built):
    layer_unzipped, _ = tree_size(built / "DependenciesLayer")
    for entry in discover():
        function_unzipped, _ = tree_size(built / function_logical_id(entry.name))
        assert function_unzipped + layer_unzipped < LAMBDA_UNZIPPED_LIMIT
