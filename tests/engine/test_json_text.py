"""The nesting bound of JSON text from AWS Config is the engine's, the same on every Python version."""

from __future__ import annotations

import json

import pytest

from smguard.engine.json_text import MAX_NESTING, NestedTooDeeplyError, load_json


def nested_objects(depth: int) -> str:
    return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)


def test_json_up_to_the_bound_is_parsed():
    value = load_json(nested_objects(MAX_NESTING))
    for _ in range(MAX_NESTING - 1):
        value = value["a"]
    assert value == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (nested_objects(MAX_NESTING + 1), "nested more than 100 levels deep"),
        ("[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1), "nested more than 100 levels deep"),
        # Deep enough for Python 3.11's parser to give up by itself.
        ("[" * 100_000 + "]" * 100_000, r"nested (more than 100 levels deep|deeper than Python's parser allows)"),
    ],
)
def test_json_past_the_bound_is_refused(text, message):
    with pytest.raises(NestedTooDeeplyError, match=message):
        load_json(text)


def test_text_that_is_not_json_keeps_json_s_own_error():
    with pytest.raises(json.JSONDecodeError):
        load_json('{"a": ')


def test_a_wide_configuration_is_not_mistaken_for_a_deep_one():
    wide = {"ProductionVariants": [{"VariantName": f"v{i}", "Tags": [{"Key": "k", "Value": "v"}]} for i in range(5000)]}
    assert load_json(json.dumps(wide)) == wide
