"""The product templates as CloudFormation and the linters see them: cfn-lint and checkov find
nothing (each checkov skip written, with its reason, in the template), and every Fn::ImportValue of a
product names an Export of a product launched before it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from smguard.deploy.portfolio import load_products
from smguard.scan.intrinsics import Resolver
from smguard.scan.loader import load_template
from tests.template.conftest import TOOLS, VENV_BIN, require_tool

PRODUCTS = Path(__file__).resolve().parents[2] / "products"
TEMPLATES = sorted(PRODUCTS.glob("*.yaml"))
LAUNCH_ORDER = ["data-science-environment", "sagemaker-studio", "sagemaker-studio-user", "sagemaker-notebook"]
"""A product imports only what products earlier in this order export (docs/products.md)."""


class _Loader(yaml.SafeLoader):
    """Short-form intrinsics as their long form, as CloudFormation reads them."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        return {name: value.split(".", 1) if suffix == "GetAtt" else value}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}


_Loader.add_multi_constructor("!", _intrinsic)


def test_cfn_lint_reports_nothing_on_the_products():
    result = subprocess.run(
        [str(VENV_BIN / "cfn-lint"), "--regions", "eu-west-1", "us-east-1", "--format", "parseable", "--", *map(str, TEMPLATES)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.fixture(scope="module")
def checkov_report() -> dict:
    checkov = require_tool(TOOLS / "checkov" / "bin" / "checkov")
    result = subprocess.run(
        [str(checkov), "--directory", str(PRODUCTS), "--framework", "cloudformation", "--output", "json"],
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), f"checkov failed to run: {result.stderr[-3000:]}"
    report = json.loads(result.stdout)
    assert isinstance(report, dict), "checkov gave several reports for one framework"
    return report


def test_checkov_scanned_every_product_and_reports_no_failed_check(checkov_report):
    assert checkov_report["summary"]["parsing_errors"] == 0
    scanned = {Path(check["file_path"]).name for check in checkov_report["results"]["passed_checks"]}
    # checkov has no check for the one resource of sagemaker-studio-user.yaml (AWS::SageMaker::UserProfile).
    assert scanned | {"sagemaker-studio-user.yaml"} == {path.name for path in TEMPLATES}
    failed = [(c["file_path"], c["resource"], c["check_id"]) for c in checkov_report["results"]["failed_checks"]]
    assert failed == []


def test_every_checkov_skip_carries_a_written_reason_and_is_used(checkov_report):
    written = {}
    for path in TEMPLATES:
        for logical_id, resource in yaml.load(path.read_text(), Loader=_Loader)["Resources"].items():
            for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
                assert len(skip.get("comment", "").strip()) >= 20, (path.name, logical_id, skip)
                written[(path.name, logical_id, skip["id"])] = skip["comment"]
    skipped = {(Path(c["file_path"]).name, c["resource"].split(".", 1)[1], c["check_id"]) for c in checkov_report["results"]["skipped_checks"]}
    assert skipped == set(written)


def _exports_and_imports(path: Path) -> tuple[set[str], set[str]]:
    """The Export names and the ImportValue names of a product, resolved with its parameters' defaults."""
    loaded = load_template(path)
    resolver = Resolver(loaded, {}, None)
    exports = {
        str(resolver.resolve(output["Export"]["Name"], f"Outputs.{name}.Export.Name"))
        for name, output in (loaded.document.get("Outputs") or {}).items()
        if "Export" in output
    }
    imports: set[str] = set()
    pending = [yaml.load(path.read_text(), Loader=_Loader)["Resources"]]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if set(node) == {"Fn::ImportValue"}:
                imports.add(str(Resolver(loaded, {}, None).resolve(node["Fn::ImportValue"], "ImportValue")))
                continue
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return exports, imports


def test_every_import_is_exported_by_a_product_launched_before():
    assert sorted(product.name for product in load_products()) == sorted(LAUNCH_ORDER)
    available: set[str] = set()
    for name in LAUNCH_ORDER:
        exports, imports = _exports_and_imports(PRODUCTS / f"{name}.yaml")
        assert imports <= available, f"{name} imports {sorted(imports - available)}, which no product launched before exports"
        assert not exports & available, f"{name} exports a name another product exports"
        available |= exports


def test_the_notebook_may_be_placed_in_each_of_the_environments_subnets():
    exports, _ = _exports_and_imports(PRODUCTS / "data-science-environment.yaml")
    choices = load_template(PRODUCTS / "sagemaker-notebook.yaml").document["Parameters"]["SubnetExport"]["AllowedValues"]
    assert {f"SagemakerEnv-{choice}" for choice in choices} == {name for name in exports if "PrivateSubnet" in name}
