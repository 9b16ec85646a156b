"""checkov finds no failed check in either mode; every skip is written, with its reason, in the template."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from tests.template.conftest import TOOLS, pack_body, require_tool, resolver
from tests.template.test_lint import VARIANTS, variants


@pytest.fixture(scope="module")
def checkov_report(template, tmp_path_factory) -> list[dict]:
    """checkov over every variant, the member execution role template and the conformance pack
    template, offline, in one run."""
    checkov = require_tool(TOOLS / "checkov" / "bin" / "checkov")
    directory = tmp_path_factory.mktemp("checkov")
    for name, variant in variants(template).items():
        (directory / f"{name}.yaml").write_text(yaml.safe_dump(variant, sort_keys=False))
    stack_set = resolver(template, "Organization").resolve(template["Resources"]["ExecutionRoleStackSet"]["Properties"])
    (directory / "execution-role.json").write_text(stack_set["TemplateBody"])
    (directory / "conformance-pack.yaml").write_text(pack_body(template))
    result = subprocess.run(
        [str(checkov), "--directory", str(directory), "--framework", "cloudformation", "--output", "json"],
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), f"checkov failed to run: {result.stderr[-3000:]}"
    report = json.loads(result.stdout)
    return report if isinstance(report, list) else [report]


def test_checkov_scanned_every_file_without_parsing_errors(checkov_report):
    (report,) = checkov_report
    assert report["summary"]["parsing_errors"] == 0
    scanned = {check["file_path"].lstrip("/") for check in report["results"]["passed_checks"]}
    # The conformance pack template holds only AWS::Config resources, for which checkov has no check: it
    # is parsed (no parsing error) and passes nothing, so it does not appear among the passed checks.
    assert scanned == {f"{name}.yaml" for name in VARIANTS} | {"execution-role.json"}


def test_checkov_reports_no_failed_check(checkov_report):
    (report,) = checkov_report
    failed = [(c["file_path"], c["resource"], c["check_id"], c["check_name"]) for c in report["results"]["failed_checks"]]
    assert failed == []


def test_every_skip_carries_a_written_reason(template, checkov_report):
    (report,) = checkov_report
    written = {}
    for logical_id, resource in template["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert len(skip.get("comment", "").strip()) >= 20, (logical_id, skip)
            written[(logical_id, skip["id"])] = skip["comment"]
    skipped = {(c["resource"].split(".", 1)[1], c["check_id"]) for c in report["results"]["skipped_checks"]}
    assert skipped <= set(written), "checkov skipped a check without a reason in the template"
    assert set(written) <= skipped, "a written skip no longer matches any check: remove it"
