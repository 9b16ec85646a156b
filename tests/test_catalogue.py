"""Every rule folder is complete, and a rule's declaration is checked where it is read.

A rule is declared once: its name is its folder's, its scope, triggers and parameters are its
code's (checked when the class is created), its prose is metadata.json's (checked when loaded).
The folder checks are plain functions returning the problems they find, so the tests below can
prove on a temporary folder that each gap is caught.
"""

from __future__ import annotations

import dataclasses

import ast
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from smguard.catalogue import RULES_DIR, load, rule_names
from smguard.engine import Boolean, CsvList, RuleDefinitionError, RuleParameters, SmguardRule, parameter
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER
from smguard.rule_metadata import InvalidRuleMetadataError, Mappings, RuleMetadata, load_metadata

REQUIRED_FILES = (
    "__init__.py",
    "app.py",
    "check.py",
    "metadata.json",
    "tests/__init__.py",
    "tests/test_check.py",
    "tests/test_handler.py",
)
TEST_FILES = ("tests/test_check.py", "tests/test_handler.py")


def rule_folders(rules_dir: Path) -> list[str]:
    """Every folder under rules/, whether or not it has an app.py (so a missing one is caught)."""
    return sorted(p.name for p in rules_dir.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def folder_problems(folder: Path) -> list[str]:
    problems = [f"{name} is missing" for name in REQUIRED_FILES if not (folder / name).is_file()]
    for name in TEST_FILES:
        path = folder / name
        if path.is_file() and not _defines_a_test(path):
            problems.append(f"{name} defines no test function")
    return problems


def _defines_a_test(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    return any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")
        for node in ast.walk(tree)
    )


# --- the catalogue as it is --------------------------------------------------------------------


@pytest.mark.parametrize("name", rule_folders(RULES_DIR))
def test_rule_folder_is_complete_and_loads(name):
    problems = folder_problems(RULES_DIR / name)
    assert not problems, f"rules/{name}: " + "; ".join(problems)
    entry = load(name)
    assert entry.rule.name == name


def test_discovery_finds_every_rule_folder():
    assert rule_names() == rule_folders(RULES_DIR)


def test_a_folder_whose_handler_runs_another_folders_rule_is_refused(monkeypatch):
    """A copied folder whose app.py still imports the original's module would deploy the original twice."""
    app = ModuleType("smguard.rules.copied_rule.app")
    app.lambda_handler = load("notebook_root_access").handler  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, app.__name__, app)
    with pytest.raises(TypeError) as raised:
        load.__wrapped__("copied_rule")
    assert str(raised.value) == "rules/copied_rule/app.py's lambda_handler runs the rule of folder notebook_root_access, not its own"


# --- the checks catch what they are for --------------------------------------------------------


# --- the checks catch what they are for --------------------------------------------------------

COMPLETE_METADATA = {
    "title": "A fake rule",
    "description": "Checks nothing real.",
    "severity": "low",
    "risk": "None.",
    "remediation": "None.",
    "mappings": {"aws_config_managed_rules": ["vpc-flow-logs-enabled"], "security_hub_controls": ["EC2.6"], "nist_800_53": ["AU-12", "SI-4(2)"]},
    "beyond_managed_rule": "Nothing.",
}


def write_fake_rule(rules_dir: Path, metadata: object = COMPLETE_METADATA) -> Path:
    folder = rules_dir / "fake_rule"
    (folder / "tests").mkdir(parents=True)
    for name in ("__init__.py", "app.py", "check.py", "tests/__init__.py"):
        (folder / name).write_text("")
    for name in TEST_FILES:
        (folder / name).write_text("def test_something():\n    assert 1 + 1 == 2\n")
    (folder / "metadata.json").write_text(json.dumps(metadata))
    return folder


def test_a_complete_fake_rule_has_no_problems(tmp_path):
    folder = write_fake_rule(tmp_path)
    assert rule_folders(tmp_path) == ["fake_rule"]
    assert folder_problems(folder) == []
    assert load_metadata(folder / "metadata.json") == RuleMetadata(
        title="A fake rule",
        description="Checks nothing real.",
        severity="low",
        risk="None.",
        remediation="None.",
        mappings=Mappings(("vpc-flow-logs-enabled",), ("EC2.6",), ("AU-12", "SI-4(2)")),
        beyond_managed_rule="Nothing.",
    )


@pytest.mark.parametrize("missing", REQUIRED_FILES)
def test_a_missing_file_is_caught(tmp_path, missing):
    folder = write_fake_rule(tmp_path)
    (folder / missing).unlink()
    assert folder_problems(folder) == [f"{missing} is missing"]


def test_a_folder_without_app_is_still_checked(tmp_path):
    (write_fake_rule(tmp_path) / "app.py").unlink()
    (tmp_path / "__pycache__").mkdir()
    assert rule_folders(tmp_path) == ["fake_rule"]
    assert folder_problems(tmp_path / "fake_rule") == ["app.py is missing"]


def test_a_test_file_without_tests_is_caught(tmp_path):
    folder = write_fake_rule(tmp_path)
    (folder / "tests/test_handler.py").write_text('"""Handler tests: to do."""\n')
    assert folder_problems(folder) == ["tests/test_handler.py defines no test function"]


def with_changes(**changes):
    return {**COMPLETE_METADATA, **changes}


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({k: v for k, v in COMPLETE_METADATA.items() if k != "remediation"}, "field 'remediation' is missing"),
        (
            with_changes(parameters=[]),
            "field 'parameters' is unknown (scope, triggers and parameters are declared in app.py; the name is the folder's)",
        ),
        (with_changes(title=" "), "field 'title' must be a non-empty string, not ' '"),
        (with_changes(risk=None), "field 'risk' must be a non-empty string, not None"),
        (with_changes(severity="severe"), "field 'severity' 'severe' is not one of critical, high, medium, low"),
        (
            with_changes(mappings={"nist_800_53": []}),
            "field 'mappings' must be an object with exactly aws_config_managed_rules, security_hub_controls, nist_800_53",
        ),
        (
            with_changes(mappings={**COMPLETE_METADATA["mappings"], "nist_800_53": "AU-12"}),
            r"field 'mappings.nist_800_53' must be a list of ids like [A-Z]{2}-\d+(\(\d+\))? (empty when there is none), not 'AU-12'",
        ),
        (
            with_changes(mappings={**COMPLETE_METADATA["mappings"], "security_hub_controls": ["EC2.6", "EC2.6"]}),
            "field 'mappings.security_hub_controls' lists an id twice",
        ),
        (["a list"], "must hold a JSON object"),
        (with_changes(no_remediation=""), "field 'no_remediation' must be a non-empty string, not ''"),
    ],
)
def test_incomplete_or_malformed_metadata_names_the_folder_and_field(tmp_path, metadata, message):
    folder = write_fake_rule(tmp_path, metadata)
    with pytest.raises(InvalidRuleMetadataError) as raised:
        load_metadata(folder / "metadata.json")
    assert str(raised.value) == f"{tmp_path.name}/fake_rule/metadata.json: {message}"


@pytest.mark.parametrize(("rule", "why", "neither_or_both"), [("vpc_default_sg", "It is fixed.", "both"), ("vpc_endpoints", None, "neither")])
def test_a_rule_with_both_a_fix_and_a_reason_for_none_or_neither_is_refused(monkeypatch, rule, why, neither_or_both):
    """Every rule fixes what it finds or says why it cannot, never both and never neither."""
    real = load(rule).metadata
    monkeypatch.setattr("smguard.catalogue.load_metadata", lambda path: dataclasses.replace(real, no_remediation=why))
    with pytest.raises(TypeError) as raised:
        load.__wrapped__(rule)
    assert str(raised.value) == (
        f"rules/{rule}: declare a remediation in app.py or say in metadata.json's no_remediation why there is none, not {neither_or_both}"
    )


def test_unreadable_metadata_names_the_folder(tmp_path):
    folder = write_fake_rule(tmp_path)
    (folder / "metadata.json").write_text("{")
    with pytest.raises(InvalidRuleMetadataError, match=rf"^{tmp_path.name}/fake_rule/metadata.json: is not valid JSON: "):
        load_metadata(folder / "metadata.json")
    (folder / "metadata.json").unlink()
    with pytest.raises(InvalidRuleMetadataError, match=rf"^{tmp_path.name}/fake_rule/metadata.json: is missing$"):
        load_metadata(folder / "metadata.json")


# --- a rule's declaration in code --------------------------------------------------------------


@dataclass(frozen=True)
class FakeRuleParameters(RuleParameters):
    vpc_ids: tuple[str, ...] | None = parameter("VpcIds", CsvList(r"vpc-\w+", "a VPC id"), None, "VPCs.")
    strict: bool = parameter("Strict", Boolean(), False, "Be strict.")


def declare(module: str, **attributes: object) -> type[SmguardRule]:
    """A rule class as if written in ``module`` (``smguard.rules.<folder>.app`` for a rule folder)."""
    namespace = {"__module__": module, "resource_types": ("AWS::EC2::VPC",), "parameters": FakeRuleParameters, **attributes}
    return type("FakeRule", (SmguardRule,), namespace)


@pytest.mark.parametrize("module", ["smguard.rules.fake_rule.app", "rules.fake_rule.app", "smguard.rules.fake_rule.sub.app"])
def test_a_rule_is_named_after_its_folder(module):
    rule = declare(module, triggers=frozenset({PERIODIC_TRIGGER}))
    assert rule.name == "fake_rule"
    assert rule.maximum_execution_frequency == "TwentyFour_Hours"
    assert [spec.name for spec in rule.parameters.specs()] == ["VpcIds", "Strict"]


@pytest.mark.parametrize(
    ("module", "attributes", "message"),
    [
        (
            "smguard.rules.fake_rule.app",
            {"name": "other_rule"},
            "smguard.rules.fake_rule.app.FakeRule declares name 'other_rule': a rule's name is its folder's (fake_rule)",
        ),
        ("tests.some_test", {}, "tests.some_test.FakeRule is outside rules/<name>/ and so must declare its name"),
        (
            "rules.fake_rule.app",
            {"resource_types": ("AWS::EC2::VPC", "EC2 VPC")},
            "rules.fake_rule.app.FakeRule: resource_types ('AWS::EC2::VPC', 'EC2 VPC') must be a non-empty tuple of AWS::Service::Type names",
        ),
        (
            "rules.fake_rule.app",
            {"resource_types": ()},
            "rules.fake_rule.app.FakeRule: resource_types () must be a non-empty tuple of AWS::Service::Type names",
        ),
        (
            "rules.fake_rule.app",
            {"triggers": frozenset({CHANGE_TRIGGER, "Hourly"})},
            "rules.fake_rule.app.FakeRule: triggers ['ConfigurationChanges', 'Hourly'] must be a non-empty frozenset of ConfigurationChanges, Periodic",
        ),
        (
            "rules.fake_rule.app",
            {"triggers": frozenset({PERIODIC_TRIGGER}), "maximum_execution_frequency": "Daily"},
            "rules.fake_rule.app.FakeRule: maximum_execution_frequency 'Daily' is not one of One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours",
        ),
        (
            "rules.fake_rule.app",
            {"parameters": dict},
            "rules.fake_rule.app.FakeRule: parameters must be a RuleParameters subclass, not <class 'dict'>",
        ),
    ],
)
def test_a_malformed_declaration_is_refused_when_the_class_is_created(module, attributes, message):
    with pytest.raises(RuleDefinitionError) as raised:
        declare(module, **attributes)
    assert str(raised.value) == message


def test_a_parameter_without_a_description_is_refused():
    with pytest.raises(ValueError, match="^parameter Strict needs a description: the template and the docs show it$"):
        parameter("Strict", Boolean(), False, " ")
