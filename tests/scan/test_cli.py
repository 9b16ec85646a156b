"""``smguard scan`` end to end through click: formats, exit codes, bad input, SARIF validity."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from smguard.catalogue import discover
from smguard.cli.main import cli
from smguard.results import SCAN
from tests.support.schemas import assert_valid
from tests.support.tables import table_rows

SCHEMA = json.loads(Path(__file__).with_name("sarif-2.1.0-subset.schema.json").read_text())
NOTEBOOKS = "tests/scan/templates/notebooks.yaml"
STUDIO = "tests/scan/templates/studio.yaml"
INTRINSICS = "tests/scan/templates/intrinsics.yaml"
REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the output are relative to where the scan runs: the repository root."""
    monkeypatch.chdir(REPOSITORY)
    monkeypatch.setenv("COLUMNS", "200")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["scan", *args])
    return result.exit_code, result.stdout, result.stderr


def test_table_names_each_result_with_its_line() -> None:
    code, out, err = run("--rules", "notebook_root_access", NOTEBOOKS)
    assert code == 0
    assert out.splitlines()[0].strip() == f"smguard scan: {NOTEBOOKS}"
    assert [cell.strip() for cell in out.splitlines()[2].split("┃")[1:-1]] == ["Rule and resource", "Result", "Annotation"]
    assert table_rows(out) == [
        ["notebook_root_access SageMaker NotebookInstance ResearchNotebook (line 13)", "COMPLIANT", "RootAccess is Disabled."],
        ["notebook_root_access SageMaker NotebookInstance ScratchNotebook (line 24)", "NON_COMPLIANT", "RootAccess is absent (defaults to Enabled); set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance)."],
    ]
    assert err == "2 result(s) in 1 template(s): 1 compliant, 1 non-compliant, 0 unknown, 0 not applicable.\n"


def test_table_shows_template_expressions_literally(tmp_path: Path) -> None:
    """``!If [Open, ...]`` in an annotation is text, not rich markup."""
    template = tmp_path / "if.yaml"
    template.write_text(
        "Parameters:\n  Mode: {Type: String}\n"
        "Conditions:\n  Open: !Equals [!Ref Mode, open]\n"
        "Resources:\n  Notebook:\n    Type: AWS::SageMaker::NotebookInstance\n"
        "    Properties:\n      RootAccess: !If [Open, Enabled, Disabled]\n"
    )
    code, out, _ = run("--rules", "notebook_root_access", str(template))
    assert code == 0
    assert " ".join(" ".join(row) for row in table_rows(out)).split() == (
        "notebook_root_access SageMaker NotebookInstance Notebook (line 6) UNKNOWN RootAccess is !If [Open, Enabled, Disabled], and condition Open is "
        "open (Mode is a parameter without default); pass --parameter-overrides Mode=VALUE to evaluate it."
    ).split()


def test_json_lists_every_finding_in_the_result_vocabulary() -> None:
    code, out, _ = run("--format", "json", "--rules", "studio_domain_vpc_only", STUDIO)
    assert code == 0
    metadata = json.loads((Path(__file__).parents[2] / "rules" / "studio_domain_vpc_only" / "metadata.json").read_text())
    facts = {
        "severity": metadata["severity"],
        "security_hub_controls": metadata["mappings"]["security_hub_controls"],
        "nist_800_53_controls": metadata["mappings"]["nist_800_53"],
        "aws_config_managed_rules": metadata["mappings"]["aws_config_managed_rules"],
    }
    assert_valid(SCAN, json.loads(out))  # docs/schemas/smguard-scan.schema.json
    assert json.loads(out) == [
        {
            "schema": "smguard-scan/1",
            "rule": "studio_domain_vpc_only",
            "resource_type": "AWS::SageMaker::Domain",
            "resource_id": "PrivateStudio",
            "compliance": "COMPLIANT",
            "annotation": "AppNetworkAccessType is VpcOnly: Studio traffic goes through vpc-0a1b2c3d4e5f60718; shared notebooks "
            "are encrypted with arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab.",
            **facts,
            "file": STUDIO,
            "line": 5,
        },
        {
            "schema": "smguard-scan/1",
            "rule": "studio_domain_vpc_only",
            "resource_type": "AWS::SageMaker::Domain",
            "resource_id": "PublicStudio",
            "compliance": "NON_COMPLIANT",
            "annotation": "AppNetworkAccessType is absent (defaults to PublicInternetOnly); set VpcOnly with UpdateDomain while no "
            "apps run. SharingSettings.S3KmsKeyId is absent while NotebookOutputOption is Allowed; set S3KmsKeyId or NotebookOutputOption Disabled with UpdateDomain.",
            **facts,
            "file": STUDIO,
            "line": 22,
        },
    ]
    assert facts["severity"] == "high" and facts["aws_config_managed_rules"] == ["sagemaker-domain-in-vpc"]


@pytest.mark.parametrize(
    ("flags", "template", "code"),
    [
        ((), NOTEBOOKS, 0),
        (("--fail-on-noncompliant",), NOTEBOOKS, 1),
        (("--fail-on-noncompliant", "--rules", "notebook_root_access", "--parameter-overrides", "RootAccessSetting=Disabled", "--parameter-overrides", "Environment=prod"), INTRINSICS, 0),
        (("--fail-on-noncompliant", "--rules", "notebook_root_access"), INTRINSICS, 0),
        (("--fail-on-unknown", "--rules", "notebook_root_access"), INTRINSICS, 1),
        (("--fail-on-unknown", "--rules", "notebook_root_access", "--parameter-overrides", "RootAccessSetting=Disabled"), INTRINSICS, 0),
    ],
)
def test_exit_codes(flags: tuple[str, ...], template: str, code: int) -> None:
    """NON_COMPLIANT fails only with --fail-on-noncompliant, UNKNOWN only with --fail-on-unknown."""
    assert run(*flags, template)[0] == code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rules", "nope", NOTEBOOKS), "Invalid value for --rules: 'nope' names no smguard rule;"),
        (("--param", "sagemaker_kms.KmsKeyArns=not-an-arn", NOTEBOOKS), "Invalid value for --param: rule sagemaker_kms, rule parameter 'KmsKeyArns'"),
        (("--param", "sagemaker_kms.ExemptionsParameterName=/smguard/exemptions", NOTEBOOKS), "Invalid value for --param: rule sagemaker_kms: ExemptionsParameterName applies to deployed rules; a template scan does not read the exemption register"),
        (("--param", "notebook_root_access.ExecutionRoleName=auditor", NOTEBOOKS), "Invalid value for --param: rule notebook_root_access, rule parameter 'ExecutionRoleName': applies to deployed rules only; a template scan reads no account, so there is no role to assume"),
        (("--parameter-overrides", "NoSuchParameter=1", NOTEBOOKS), "Invalid value for --parameter-overrides: NoSuchParameter: no scanned template declares a parameter of that name"),
        (("--region", "nowhere", NOTEBOOKS), "Invalid value for --region: 'nowhere' is not a region name such as eu-west-1"),
        (("--parameter-overrides", "Environment", INTRINSICS), "Invalid value for --parameter-overrides: 'Environment' is not KEY=VALUE"),
        (("--parameter-overrides", "Environment=staging", INTRINSICS), f"Error: {INTRINSICS}:5: parameter Environment: --parameter-overrides value 'staging' is not in AllowedValues (dev, prod)"),
    ],
)
def test_bad_usage_is_named_and_exits_2(args: tuple[str, ...], message: str) -> None:
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert message in " ".join(err.split())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Resources: {}\n", "Resources is empty: a template declares at least one resource"),
        ("AWSTemplateFormatVersion: '2010-09-09'\n", "no Resources section: not a CloudFormation template"),
        ("Resources:\n  A:\n    Properties: {}\n", ":2: resource A has no Type"),
        ("Resources:\n  A:\n    Type: AWS::SageMaker::Model\n    Properties:\n      VpcConfig: !Ref Missing\n", ":5: Ref Missing: no parameter or resource of that name"),
        ("Transform: AWS::Include\nResources:\n  A:\n    Type: AWS::SageMaker::Model\n", ":1: Transform AWS::Include changes the template before deployment"),
        ("Resources:\n  A:\n    Type: AWS::SageMaker::Model\n    Condition: Nope\n", "condition Nope is not declared in Conditions"),
    ],
)
def test_invalid_templates_stop_the_scan(tmp_path: Path, text: str, message: str) -> None:
    template = tmp_path / "bad.yaml"
    template.write_text(text)
    code, out, err = run(str(template))
    assert (code, out) == (2, "")
    assert message in " ".join(err.split())


def test_sarif_is_valid_and_carries_findings_to_act_on() -> None:
    expected = [
        ("notebook_direct_internet", "error", NOTEBOOKS, 24, "ScratchNotebook (AWS::SageMaker::NotebookInstance): DirectInternetAccess is absent (defaults to Enabled). It cannot be changed after creation: recreate the notebook with a SubnetId and DirectInternetAccess=Disabled (CreateNotebookInstance)."),
        ("notebook_in_vpc", "error", NOTEBOOKS, 24, "ScratchNotebook (AWS::SageMaker::NotebookInstance): SubnetId is absent: the notebook runs in SageMaker's own VPC, outside the organization's network. SubnetId cannot be changed: recreate the notebook with a SubnetId (CreateNotebookInstance)."),
        ("notebook_root_access", "error", NOTEBOOKS, 24, "ScratchNotebook (AWS::SageMaker::NotebookInstance): RootAccess is absent (defaults to Enabled); set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance)."),
        ("sagemaker_kms", "error", NOTEBOOKS, 24, "ScratchNotebook (AWS::SageMaker::NotebookInstance): KmsKeyId is absent (volumes use an AWS managed key); KmsKeyId cannot be changed: create a new notebook instance with KmsKeyId and move the work to it."),
        ("notebook_direct_internet", "error", INTRINSICS, 52, "OpenNotebook (AWS::SageMaker::NotebookInstance): DirectInternetAccess is absent (defaults to Enabled). It cannot be changed after creation: recreate the notebook with a SubnetId and DirectInternetAccess=Disabled (CreateNotebookInstance)."),
        ("notebook_in_vpc", "error", INTRINSICS, 52, "OpenNotebook (AWS::SageMaker::NotebookInstance): SubnetId is absent: the notebook runs in SageMaker's own VPC, outside the organization's network. SubnetId cannot be changed: recreate the notebook with a SubnetId (CreateNotebookInstance)."),
        ("notebook_root_access", "warning", INTRINSICS, 52, "OpenNotebook (AWS::SageMaker::NotebookInstance): RootAccess is !Ref RootAccessSetting, a parameter without default; pass --parameter-overrides RootAccessSetting=VALUE to evaluate it."),
        ("sagemaker_kms", "warning", INTRINSICS, 52, "OpenNotebook (AWS::SageMaker::NotebookInstance): KmsKeyId is !Ref KeyArn, a parameter without default; pass --parameter-overrides KeyArn=VALUE to evaluate it."),
    ]
    # The rules these templates were written for (a rule added later is held to its cases in its folder).
    scanned = tuple(dict.fromkeys(rule for rule, *_ in expected))
    code, out, _ = run("--format", "sarif", "--rules", ",".join(scanned), NOTEBOOKS, INTRINSICS)
    assert code == 0
    log = json.loads(out)
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [entry.name for entry in discover() if entry.name in scanned]
    kms = rules[[rule["id"] for rule in rules].index("sagemaker_kms")]
    metadata = next(entry.metadata for entry in discover() if entry.name == "sagemaker_kms")
    assert kms["shortDescription"] == {"text": metadata.title}
    assert kms["help"]["text"].endswith(f"Remediation: {metadata.remediation}")
    assert kms["properties"]["severity"] == metadata.severity
    assert kms["properties"]["security-severity"] == {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}[metadata.severity]
    results = [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"], r["message"]["text"])
        for r in run_["results"]
    ]  # fmt: skip
    assert results == expected
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": REPOSITORY.as_uri() + "/"}}
    assert run_["properties"]["resultCounts"] == {"COMPLIANT": 9, "NON_COMPLIANT": 6, "UNKNOWN": 2}
    fingerprints = [tuple(r["partialFingerprints"].values()) for r in run_["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_schema_rejects_what_sarif_forbids() -> None:
    """The subset schema is not vacuous: a result without a message or with a bad level fails."""
    validator = jsonschema.Draft7Validator(SCHEMA)
    base = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "smguard"}}, "results": []}]}
    assert validator.is_valid(base)
    for bad in ({"ruleId": "x"}, {"message": {"text": "m"}, "level": "fatal"}, {"message": {"text": "m"}, "locations": [{"physicalLocation": {"region": {"startLine": 0}}}]}):
        broken = json.loads(json.dumps(base))
        broken["runs"][0]["results"].append(bad)
        assert not validator.is_valid(broken), bad
    assert not validator.is_valid({"version": "2.0.0", "runs": []})

