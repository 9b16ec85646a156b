"""Every value a deployment can give a rule keeps its InputParameters valid JSON within AWS Config's
1,024 characters, in both modes.

The conformance pack passes each value as an input parameter, never substituted into text; still no
parameter that feeds a rule accepts a quote, a backslash or a control character (a value that would
need escaping is no valid rule parameter anyway), and every value has a bounded length (MaxLength or
AllowedValues) whose worst case fits.
"""

from __future__ import annotations

import json
import re
from re import _parser as regex_parser  # the parser re itself uses (3.11+): no second regex dialect
from typing import Any

import pytest
import yaml

from smguard.catalogue import discover
from smguard.deploy.naming import camel
from smguard.deploy.parameters import FREE_TEXT_MIN_LENGTH, InputParametersBudgetError, free_text_max_lengths
from smguard.engine.parameters import RULE_PARAMETERS_MAX_LENGTH, CsvList, ParameterSpec
from tests.template.conftest import MODE_PARAMETERS, deployed_pack, pack_body

ENTRIES = discover()
IDS = [entry.name for entry in ENTRIES]
JSON_UNSAFE = ['"', "\\", *(chr(code) for code in range(0x20))]
"""What a JSON string may not hold unescaped (RFC 8259, section 7)."""


def feeding_parameters(template: dict[str, Any], entry) -> set[str]:
    """The template parameters that reach the rule's InputParameters through the conformance pack, in either mode."""
    body = yaml.safe_load(pack_body(template))
    declared = body["Resources"][f"{camel(entry.name)}ConfigRule"]["Properties"].get("InputParameters", {})
    pack_parameters = {value["Ref"] for value in declared.values()}
    feeding = set()
    for logical_id in ("ConformancePack", "OrganizationConformancePack"):
        for item in template["Resources"][logical_id]["Properties"]["ConformancePackInputParameters"]:
            if item["ParameterName"] in pack_parameters and isinstance(item["ParameterValue"], dict):
                feeding.add(item["ParameterValue"]["Ref"])
    return feeding


CATEGORY_ESCAPES = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}


def class_matches(items: list, character: str) -> bool:
    """Whether a character class ([...]) matches ``character``."""
    code = ord(character)
    matched, negated = False, False
    for op, value in items:
        if op.name == "NEGATE":
            negated = True
        elif op.name == "LITERAL":
            matched |= value == code
        elif op.name == "RANGE":
            matched |= value[0] <= code <= value[1]
        elif op.name == "CATEGORY":
            matched |= re.fullmatch(CATEGORY_ESCAPES[value.name], character) is not None
        else:
            raise NotImplementedError(f"character class item {op.name}")
    return matched != negated


def can_consume(parsed: Any, character: str) -> bool:
    """Whether any character the pattern consumes (lookarounds aside) may be ``character``: if not,
    no string the pattern matches contains it."""
    for op, value in parsed:
        name = op.name
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # anchors and lookarounds consume nothing
        if name == "LITERAL" and value == ord(character):
            return True
        if name == "NOT_LITERAL" and value != ord(character):
            return True
        if name == "ANY" and character != "\n":
            return True
        if name == "IN" and class_matches(value, character):
            return True
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and can_consume(value[2], character):
            return True
        if name == "SUBPATTERN" and can_consume(value[-1], character):
            return True
        if name == "BRANCH" and any(can_consume(branch, character) for branch in value[1]):
            return True
        if name == "ATOMIC_GROUP" and can_consume(value, character):
            return True
        if name not in ("LITERAL", "NOT_LITERAL", "ANY", "IN", "MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT",
                        "SUBPATTERN", "BRANCH", "ATOMIC_GROUP"):
            raise NotImplementedError(f"regular expression node {name}")
    return False


def json_unsafe_characters(pattern: str) -> list[str]:
    parsed = regex_parser.parse(pattern)
    return [character for character in JSON_UNSAFE if can_consume(parsed, character)]


def test_the_analysis_finds_what_the_old_flow_log_destination_pattern_let_through():
    # Python's \s also matches \x1c-\x1f (Java's, which CloudFormation uses, does not).
    assert json_unsafe_characters(r"^(|arn:aws[a-z-]*:s3:::[^,\s]+)$") == [
        '"', "\\", *(chr(code) for code in range(0x20) if chr(code) not in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")
    ]
    assert json_unsafe_characters(r'^(?!.*")[a-z]+$') == []
    assert json_unsafe_characters(r"^\w+$") == []


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_no_parameter_feeding_input_parameters_accepts_a_json_special_character(template, entry):
    unsafe = {}
    for name in feeding_parameters(template, entry):
        declared = template["Parameters"][name]
        if "AllowedValues" in declared:
            found = [c for value in declared["AllowedValues"] for c in JSON_UNSAFE if c in value]
        else:
            found = json_unsafe_characters(declared["AllowedPattern"])
        if found:
            unsafe[name] = found
    assert unsafe == {}


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
@pytest.mark.parametrize("mode", ["Account", "Organization"])
def test_the_longest_allowed_values_keep_input_parameters_within_config_limit(template, entry, mode):
    longest = {}
    for name in feeding_parameters(template, entry):
        declared = template["Parameters"][name]
        assert "MaxLength" in declared or "AllowedValues" in declared, f"{name} has no bounded length"
        allowed = declared.get("AllowedValues")
        longest[name] = max(allowed, key=len) if allowed else "x" * declared["MaxLength"]
    pack = deployed_pack(template, {**MODE_PARAMETERS[mode], **longest})
    properties = pack.resolve(pack.template["Resources"][f"{camel(entry.name)}ConfigRule"]["Properties"])
    given = properties.get("InputParameters", {})
    # Account mode passes no ExecutionRoleName: the functions evaluate with their own role.
    expected = {name: value for name, value in longest.items() if not (mode == "Account" and name == "ExecutionRoleName")}
    assert sorted(value for value in given.values() if value) == sorted(value for value in expected.values() if value)
    # As the budget assumes CloudFormation writes the object: with spaces after , and :.
    assert len(json.dumps(given)) <= RULE_PARAMETERS_MAX_LENGTH


def test_free_text_parameters_share_what_the_keys_and_other_values_leave():
    listed = ParameterSpec("Ids", CsvList("[a-z]+", "ids"), None, "Ids.")
    other = ParameterSpec("Names", CsvList("[a-z]+", "names"), None, "Names.")
    # {"Role": "", "Ids": "", "Names": ""} is 35 characters; 1,024 - 35 - 64 = 925, shared by two.
    assert free_text_max_lengths("rule", [listed, other], {"Role": 64}) == {"Ids": 462, "Names": 462}


def test_a_rule_whose_parameters_cannot_fit_is_refused():
    specs = [ParameterSpec(f"List{index}", CsvList("[a-z]+", "ids"), None, "Ids.") for index in range(16)]
    with pytest.raises(InputParametersBudgetError, match=rf"rule crowded: .*\(at least {FREE_TEXT_MIN_LENGTH} needed\)"):
        free_text_max_lengths("crowded", specs, {})
