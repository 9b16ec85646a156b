"""Every rule folder is complete: handler, metadata that matches the code, and tests.

The template, the docs and the command-line tool read a rule's metadata.json; if it drifted from
the code (a parameter renamed, a trigger added) they would describe a rule that does not exist.
The checks are plain functions returning the problems they find, so the last tests can prove on a
temporary folder that each gap is caught.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from smguard.catalogue import RULES_DIR, rule_names
from smguard.engine import Boolean, CsvList, RuleHandler, RuleParameters, SmguardRule, parameter
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER

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
METADATA_KEYS = (
    "id",
    "title",
    "description",
    "severity",
    "resource_types",
    "trigger",
    "parameters",
    "risk",
    "remediation",
    "mappings",
    "beyond_managed_rule",
)
TEXT_KEYS = ("id", "title", "description", "risk", "remediation", "beyond_managed_rule")
SEVERITIES = ("critical", "high", "medium", "low")
TRIGGER_TYPES = (CHANGE_TRIGGER, PERIODIC_TRIGGER)
FREQUENCIES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
PARAMETER_KEYS = ("name", "type", "default", "description")
KIND_LABELS = ("CSV list", "Boolean", "Enumeration", "Integer", "String")
MAPPING_PATTERNS = {
    "aws_config_managed_rules": r"[a-z0-9]+(-[a-z0-9]+)*",
    "security_hub_controls": r"[A-Za-z0-9]+\.\d+",
    "nist_800_53": r"[A-Z]{2}-\d+(\(\d+\))?",
}
RESOURCE_TYPE = r"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+"


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


def load_metadata(folder: Path) -> tuple[dict[str, Any] | None, list[str]]:
    path = folder / "metadata.json"
    if not path.is_file():
        return None, []  # already reported by folder_problems
    try:
        metadata = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        return None, [f"metadata.json is not valid JSON: {error}"]
    if not isinstance(metadata, dict):
        return None, ["metadata.json must hold a JSON object"]
    return metadata, []


def metadata_problems(metadata: dict[str, Any]) -> list[str]:
    """The metadata's shape, independent of the code."""
    problems = []
    missing = [key for key in METADATA_KEYS if key not in metadata]
    unknown = sorted(set(metadata) - set(METADATA_KEYS))
    problems += [f"metadata key {key!r} is missing" for key in missing]
    problems += [f"metadata key {key!r} is unknown" for key in unknown]
    for key in TEXT_KEYS:
        if key in metadata and not _text(metadata[key]):
            problems.append(f"metadata {key!r} must be a non-empty string")
    if "severity" in metadata and metadata["severity"] not in SEVERITIES:
        problems.append(f"severity {metadata['severity']!r} is not one of {', '.join(SEVERITIES)}")
    resource_types = metadata.get("resource_types")
    if "resource_types" in metadata and not (
        isinstance(resource_types, list)
        and resource_types
        and all(isinstance(t, str) and re.fullmatch(RESOURCE_TYPE, t) for t in resource_types)
    ):
        problems.append("resource_types must be a non-empty list of AWS::Service::Type names")
    if "trigger" in metadata:
        problems += _trigger_problems(metadata["trigger"])
    if "parameters" in metadata:
        problems += _parameter_problems(metadata["parameters"])
    if "mappings" in metadata:
        problems += _mapping_problems(metadata["mappings"])
    return problems


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _trigger_problems(trigger: object) -> list[str]:
    if not isinstance(trigger, dict) or set(trigger) != {"types", "maximum_execution_frequency"}:
        return ["trigger must be an object with exactly types and maximum_execution_frequency"]
    types = trigger["types"]
    if not (isinstance(types, list) and types and len(set(types)) == len(types) and set(types) <= set(TRIGGER_TYPES)):
        return [f"trigger.types {types!r} must be a non-empty list of distinct values from {', '.join(TRIGGER_TYPES)}"]
    frequency = trigger["maximum_execution_frequency"]
    if PERIODIC_TRIGGER in types and frequency not in FREQUENCIES:
        return [f"trigger.maximum_execution_frequency {frequency!r} must be one of {', '.join(FREQUENCIES)} for a periodic rule"]
    if PERIODIC_TRIGGER not in types and frequency is not None:
        return [f"trigger.maximum_execution_frequency is {frequency!r} but the rule is not periodic; it must be null"]
    return []


def _parameter_problems(parameters: object) -> list[str]:
    if not isinstance(parameters, list):
        return ["parameters must be a list"]
    problems = []
    for index, entry in enumerate(parameters):
        where = f"parameters[{index}]"
        if not isinstance(entry, dict) or set(entry) != set(PARAMETER_KEYS):
            problems.append(f"{where} must be an object with exactly {', '.join(PARAMETER_KEYS)}")
            continue
        if not _text(entry["name"]):
            problems.append(f"{where}.name must be a non-empty string")
        if entry["type"] not in KIND_LABELS:
            problems.append(f"{where}.type {entry['type']!r} is not one of {', '.join(KIND_LABELS)}")
        if not _text(entry["description"]):
            problems.append(f"{where}.description must be a non-empty string")
    names = [entry.get("name") for entry in parameters if isinstance(entry, dict)]
    if len(set(names)) != len(names):
        problems.append("parameters has a name twice")
    return problems


def _mapping_problems(mappings: object) -> list[str]:
    if not isinstance(mappings, dict) or set(mappings) != set(MAPPING_PATTERNS):
        return [f"mappings must be an object with exactly {', '.join(MAPPING_PATTERNS)}"]
    problems = []
    for key, pattern in MAPPING_PATTERNS.items():
        values = mappings[key]
        if not isinstance(values, list) or not all(isinstance(v, str) and re.fullmatch(pattern, v) for v in values):
            problems.append(f"mappings.{key} must be a list of ids like {pattern} (empty when there is none)")
        elif len(set(values)) != len(values):
            problems.append(f"mappings.{key} lists an id twice")
    return problems


def code_problems(folder_name: str, app: ModuleType | SimpleNamespace, metadata: dict[str, Any]) -> list[str]:
    """The metadata against what the code declares: name, scope, triggers and parsed parameters."""
    handler = getattr(app, "lambda_handler", None)
    if not isinstance(handler, RuleHandler):
        return ["app.py must define lambda_handler = RuleHandler(<rule>)"]
    rule = handler.rule
    problems = []
    if not (metadata.get("id") == folder_name == rule.name):
        problems.append(f"id {metadata.get('id')!r}, folder {folder_name!r} and rule.name {rule.name!r} must be equal")
    if metadata.get("resource_types") != list(rule.resource_types):
        problems.append(f"resource_types {metadata.get('resource_types')!r} != rule.resource_types {list(rule.resource_types)!r}")
    trigger_types = (metadata.get("trigger") or {}).get("types")
    if not isinstance(trigger_types, list) or set(trigger_types) != set(rule.triggers):
        problems.append(f"trigger.types {trigger_types!r} != rule.triggers {sorted(rule.triggers)!r}")
    declared = [(p.get("name"), p.get("type"), p.get("default")) for p in metadata.get("parameters") or [] if isinstance(p, dict)]
    parsed = [(spec.name, spec.kind.label, spec.default) for spec in rule.parameters.specs()]
    if [name for name, _, _ in declared] != [name for name, _, _ in parsed]:
        problems.append(
            f"parameters {[n for n, _, _ in declared]!r} != the code's parameters {[n for n, _, _ in parsed]!r} (same order)"
        )
        return problems
    for (name, label, default), spec in zip(declared, rule.parameters.specs()):
        if label != spec.kind.label:
            problems.append(f"parameter {name}: type {label!r} != the code's {spec.kind.label!r}")
        try:
            read = _as_config_would_read(spec, default)
        except Exception as error:  # noqa: BLE001 - any parse failure is the finding
            problems.append(f"parameter {name}: default {default!r} is not a valid value: {error}")
            continue
        if read != spec.default:
            problems.append(f"parameter {name}: default {default!r} != the code's {spec.default!r}")
    return problems


def _as_config_would_read(spec: Any, default: object) -> object:
    """A metadata default read as the rule reads its InputParameters (a JSON list counts as a CSV list)."""
    if default is None:
        return None
    if isinstance(default, list):
        default = ",".join(str(item) for item in default)
    return spec.kind.parse(spec.name, default)


def all_problems(rules_dir: Path, folder_name: str, import_app=lambda name: importlib.import_module(f"rules.{name}.app")) -> list[str]:
    folder = rules_dir / folder_name
    problems = folder_problems(folder)
    metadata, load_problems = load_metadata(folder)
    problems += load_problems
    if metadata is not None:
        problems += metadata_problems(metadata)
        if (folder / "app.py").is_file():
            problems += code_problems(folder_name, import_app(folder_name), metadata)
    return problems


# --- the catalogue as it is --------------------------------------------------------------------


@pytest.mark.parametrize("name", rule_folders(RULES_DIR))
def test_rule_folder_is_complete_and_matches_its_code(name):
    problems = all_problems(RULES_DIR, name)
    assert not problems, f"rules/{name}: " + "; ".join(problems)


def test_discovery_finds_every_rule_folder():
    assert rule_names() == rule_folders(RULES_DIR)


# --- the checks catch what they are for --------------------------------------------------------

COMPLETE_METADATA = {
    "id": "fake_rule",
    "title": "A fake rule",
    "description": "Checks nothing real.",
    "severity": "low",
    "resource_types": ["AWS::EC2::VPC"],
    "trigger": {"types": ["Periodic"], "maximum_execution_frequency": "TwentyFour_Hours"},
    "parameters": [
        {"name": "VpcIds", "type": "CSV list", "default": ["vpc-1", "vpc-2"], "description": "VPCs."},
        {"name": "Strict", "type": "Boolean", "default": False, "description": "Be strict."},
    ],
    "risk": "None.",
    "remediation": "None.",
    "mappings": {"aws_config_managed_rules": ["vpc-flow-logs-enabled"], "security_hub_controls": ["EC2.6"], "nist_800_53": ["AU-12", "SI-4(2)"]},
    "beyond_managed_rule": "Nothing.",
}


@dataclass(frozen=True)
class FakeRuleParameters(RuleParameters):
    vpc_ids: tuple[str, ...] | None = parameter("VpcIds", CsvList(r"vpc-\w+", "a VPC id"), ("vpc-1", "vpc-2"))
    strict: bool = parameter("Strict", Boolean(), False)


class FakeRule(SmguardRule):
    name = "fake_rule"
    resource_types = ("AWS::EC2::VPC",)
    triggers = frozenset({PERIODIC_TRIGGER})
    parameters = FakeRuleParameters


FAKE_APP = SimpleNamespace(lambda_handler=RuleHandler(FakeRule()))


def write_fake_rule(rules_dir: Path, metadata: dict[str, Any] = COMPLETE_METADATA) -> Path:
    folder = rules_dir / "fake_rule"
    (folder / "tests").mkdir(parents=True)
    for name in ("__init__.py", "app.py", "check.py", "tests/__init__.py"):
        (folder / name).write_text("")
    for name in TEST_FILES:
        (folder / name).write_text("def test_something():\n    assert 1 + 1 == 2\n")
    (folder / "metadata.json").write_text(json.dumps(metadata))
    return folder


def fake_problems(rules_dir: Path) -> list[str]:
    return all_problems(rules_dir, "fake_rule", import_app=lambda name: FAKE_APP)


def test_a_complete_fake_rule_has_no_problems(tmp_path):
    write_fake_rule(tmp_path)
    assert rule_folders(tmp_path) == ["fake_rule"]
    assert fake_problems(tmp_path) == []


@pytest.mark.parametrize("missing", REQUIRED_FILES)
def test_a_missing_file_is_caught(tmp_path, missing):
    (write_fake_rule(tmp_path) / missing).unlink()
    assert f"{missing} is missing" in fake_problems(tmp_path)


def test_a_folder_without_app_is_still_checked(tmp_path):
    (write_fake_rule(tmp_path) / "app.py").unlink()
    (tmp_path / "__pycache__").mkdir()
    assert rule_folders(tmp_path) == ["fake_rule"]
    assert fake_problems(tmp_path) == ["app.py is missing"]


def test_a_test_file_without_tests_is_caught(tmp_path):
    folder = write_fake_rule(tmp_path)
    (folder / "tests/test_handler.py").write_text('"""Handler tests: to do."""\n')
    assert fake_problems(tmp_path) == ["tests/test_handler.py defines no test function"]


def test_an_app_without_a_rule_handler_is_caught(tmp_path):
    write_fake_rule(tmp_path)
    problems = all_problems(tmp_path, "fake_rule", import_app=lambda name: SimpleNamespace(lambda_handler=print))
    assert problems == ["app.py must define lambda_handler = RuleHandler(<rule>)"]


def with_changes(**changes):
    return {**COMPLETE_METADATA, **changes}


@pytest.mark.parametrize(
    ("metadata", "problems"),
    [
        (
            {k: v for k, v in COMPLETE_METADATA.items() if k != "remediation"},
            ["metadata key 'remediation' is missing"],
        ),
        (with_changes(owner="me"), ["metadata key 'owner' is unknown"]),
        (with_changes(title=" "), ["metadata 'title' must be a non-empty string"]),
        (with_changes(severity="severe"), ["severity 'severe' is not one of critical, high, medium, low"]),
        (
            with_changes(trigger={"types": ["Periodic"], "maximum_execution_frequency": None}),
            ["trigger.maximum_execution_frequency None must be one of One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours for a periodic rule"],
        ),
        (
            with_changes(trigger={"types": ["Periodic", "ConfigurationChanges"], "maximum_execution_frequency": "One_Hour"}),
            ["trigger.types ['Periodic', 'ConfigurationChanges'] != rule.triggers ['Periodic']"],
        ),
        (
            with_changes(resource_types=["AWS::EC2::VPC", "AWS::EC2::FlowLog"]),
            ["resource_types ['AWS::EC2::VPC', 'AWS::EC2::FlowLog'] != rule.resource_types ['AWS::EC2::VPC']"],
        ),
        (with_changes(id="other_rule"), ["id 'other_rule', folder 'fake_rule' and rule.name 'fake_rule' must be equal"]),
        (
            with_changes(parameters=COMPLETE_METADATA["parameters"][:1]),
            ["parameters ['VpcIds'] != the code's parameters ['VpcIds', 'Strict'] (same order)"],
        ),
        (
            with_changes(parameters=[{**COMPLETE_METADATA["parameters"][0], "type": "String"}, COMPLETE_METADATA["parameters"][1]]),
            ["parameter VpcIds: type 'String' != the code's 'CSV list'"],
        ),
        (
            with_changes(parameters=[{**COMPLETE_METADATA["parameters"][0], "default": None}, COMPLETE_METADATA["parameters"][1]]),
            ["parameter VpcIds: default None != the code's ('vpc-1', 'vpc-2')"],
        ),
        (
            with_changes(parameters=[COMPLETE_METADATA["parameters"][0], {**COMPLETE_METADATA["parameters"][1], "default": "yes"}]),
            ["parameter Strict: default 'yes' is not a valid value: rule parameter 'Strict': 'yes' is not a boolean; expected true or false"],
        ),
        (
            with_changes(parameters=[COMPLETE_METADATA["parameters"][0], {**COMPLETE_METADATA["parameters"][1], "description": ""}]),
            ["parameters[1].description must be a non-empty string"],
        ),
        (
            with_changes(mappings={**COMPLETE_METADATA["mappings"], "nist_800_53": "AU-12"}),
            [r"mappings.nist_800_53 must be a list of ids like [A-Z]{2}-\d+(\(\d+\))? (empty when there is none)"],
        ),
    ],
)
def test_incomplete_or_drifted_metadata_is_caught(tmp_path, metadata, problems):
    write_fake_rule(tmp_path, metadata)
    assert fake_problems(tmp_path) == problems


def test_a_csv_default_may_be_written_as_in_input_parameters(tmp_path):
    parameters = [{**COMPLETE_METADATA["parameters"][0], "default": "vpc-1, vpc-2"}, COMPLETE_METADATA["parameters"][1]]
    write_fake_rule(tmp_path, with_changes(parameters=parameters))
    assert fake_problems(tmp_path) == []
