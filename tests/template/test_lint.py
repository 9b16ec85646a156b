"""cfn-lint reports nothing on the SAM template, its offline SAM transform, the member-account
execution role template and the conformance pack template, in both deployment modes."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from tests.template.conftest import (
    MODE_PARAMETERS,
    MODES,
    OPTIONAL_FEATURES,
    VENV_BIN,
    pack_body,
    resolver,
    sam_transform,
    with_defaults,
)

CFN_LINT = VENV_BIN / "cfn-lint"
REGION = "eu-west-1"
VARIANTS = ["account", "account-all-features", "organization", "organization-all-features"]


def variants(template: dict) -> dict[str, dict]:
    """Each mode with the optional features off (parameter defaults) and on: the linters decide
    conditions from the defaults, so both sides of every condition are looked at."""
    result = {}
    for mode in MODES:
        result[mode.lower()] = with_defaults(template, MODE_PARAMETERS[mode])
        result[f"{mode.lower()}-all-features"] = with_defaults(template, {**MODE_PARAMETERS[mode], **OPTIONAL_FEATURES})
    return result


@pytest.fixture(scope="module")
def lint_findings(template, tmp_path_factory) -> dict[str, list[str]]:
    """One cfn-lint run over every file (it takes seconds to start): file name -> findings."""
    directory = tmp_path_factory.mktemp("cfn-lint")
    files = {}
    for name, variant in variants(template).items():
        files[f"sam-{name}.yaml"] = yaml.safe_dump(variant, sort_keys=False)
        files[f"transformed-{name}.json"] = json.dumps(sam_transform(variant), indent=1)
    stack_set = resolver(template, "Organization").resolve(template["Resources"]["ExecutionRoleStackSet"]["Properties"])
    files["execution-role.json"] = stack_set["TemplateBody"]
    files["conformance-pack.yaml"] = pack_body(template)
    for name, text in files.items():
        (directory / name).write_text(text)
    result = subprocess.run(
        [str(CFN_LINT), "--regions", REGION, "--format", "parseable", "--", *sorted(files)],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 0 or lines, f"cfn-lint exited {result.returncode} without output"
    findings: dict[str, list[str]] = {name: [] for name in files}
    for line in lines:
        name = line.split(":", 1)[0]
        findings.setdefault(name, []).append(line)
    return findings


@pytest.mark.parametrize("variant", VARIANTS)
def test_cfn_lint_reports_nothing_on_the_sam_template(lint_findings, variant):
    assert lint_findings[f"sam-{variant}.yaml"] == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_cfn_lint_reports_nothing_on_the_transformed_template(lint_findings, variant):
    assert lint_findings[f"transformed-{variant}.json"] == []


def test_cfn_lint_reports_nothing_on_the_member_execution_role_template(lint_findings):
    assert lint_findings["execution-role.json"] == []


def test_cfn_lint_reports_nothing_on_the_conformance_pack_template(lint_findings):
    assert lint_findings["conformance-pack.yaml"] == []


def test_cfn_lint_output_names_only_the_files_it_was_given(lint_findings):
    """A finding cfn-lint prints without a file name would otherwise go unnoticed."""
    assert len(lint_findings) == 2 * len(VARIANTS) + 2, lint_findings


def test_the_transform_gives_every_rule_an_arm64_function_with_the_layer_and_a_failure_destination(template):
    transformed = sam_transform(template)
    resources = transformed["Resources"]
    assert "Transform" not in transformed
    assert not [r for r in resources.values() if r["Type"].startswith("AWS::Serverless::")]
    (layer,) = [logical_id for logical_id, r in resources.items() if r["Type"] == "AWS::Lambda::LayerVersion"]
    # The rules' functions; the portfolio's share function is a plain inline one (smguard/deploy/portfolio.py).
    serverless = {key for key, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    functions = [r for key, r in resources.items() if r["Type"] == "AWS::Lambda::Function" and key in serverless]
    assert len(functions) == len(serverless)
    for function in functions:
        properties = function["Properties"]
        assert properties["Architectures"] == ["arm64"]
        assert properties["Runtime"] in ("python3.12", "python3.13")
        assert properties["Layers"] == [{"Ref": layer}]
        assert properties["ReservedConcurrentExecutions"] == {
            "Fn::If": ["ReserveConcurrency", {"Ref": "FunctionReservedConcurrency"}, {"Ref": "AWS::NoValue"}]
        }
    invoke_configs = [r for r in resources.values() if r["Type"] == "AWS::Lambda::EventInvokeConfig"]
    assert len(invoke_configs) == len(functions)
    for config in invoke_configs:
        assert config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"] == {
            "Fn::GetAtt": ["FailedInvocationsQueue", "Arn"]
        }
