"""Hypothesis strategies for hostile AWS Config rule events.

Everything starts from a realistic item (samples.py) whose needed properties hold (needed.py);
strategies then remove, null, retype, recase, inflate or nest-break properties, break the item's
own fields, the event's JSON and the rule parameters. ``one_property_broken`` breaks one needed
property and nothing else, so that the item gets past the engine to the rule's check.
"""

from __future__ import annotations

import copy
import string
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from smguard.engine.parameters import Boolean, Choice, CsvList, Integer, Pattern, RuleParameters
from tests.hostile.declared import NEEDED
from tests.hostile.needed import KEY_ARN, Needed
from tests.hostile.samples import RESOURCE_IDS, sample
from tests.support.events import change_event, configuration_item, oversized_event

ABSENT = object()
"""A mutation that removes the property."""

EVALUABLE_STATUSES = ("OK", "ResourceDiscovered")
GONE_STATUSES = ("ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded")

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)

oversized_text = st.builds(
    lambda unit, count: (unit * count)[: 300 + count * 7],
    st.text(alphabet=string.ascii_letters + string.digits + " -_/:.é漢", min_size=1, max_size=12),
    st.integers(min_value=60, max_value=700),
)
"""Strings from about 300 to 5,000 characters: past every AWS Config annotation and id limit."""


def _recased(value: str) -> st.SearchStrategy[str]:
    variants = sorted({value.upper(), value.lower(), value.swapcase(), value.title(), value.capitalize()} - {value})
    return st.sampled_from(variants) if variants else st.nothing()


def wrong_type(value: Any) -> st.SearchStrategy[Any]:
    return json_values.filter(lambda other: type(other) is not type(value))


def mutation(value: Any) -> st.SearchStrategy[Any]:
    """A hostile replacement for a recorded value (or ABSENT to remove it)."""
    options = [
        st.just(ABSENT),
        st.none(),
        wrong_type(value),
        oversized_text,
        st.sampled_from(["", [], {}]),
    ]
    if isinstance(value, str):
        options.append(_recased(value))
        options.append(st.builds(lambda pad: value + pad, st.sampled_from([" ", "\n", "\u200b", "\x00"])))
    if isinstance(value, bool):
        options.append(st.sampled_from([str(value).lower(), str(value), int(value)]))
    if isinstance(value, Mapping) and value:
        options.append(nested_mutation(value))
    if isinstance(value, list) and value:
        options.append(list_mutation(value))
    return st.one_of(options)


@st.composite
def nested_mutation(draw: st.DrawFn, value: Mapping[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(dict(value))
    for key in draw(st.lists(st.sampled_from(sorted(result)), min_size=1, unique=True)):
        _apply(result, key, draw(mutation(result[key])), draw)
    return result


@st.composite
def list_mutation(draw: st.DrawFn, value: list[Any]) -> list[Any]:
    result = copy.deepcopy(value)
    index = draw(st.integers(min_value=0, max_value=len(result) - 1))
    replacement = draw(mutation(result[index]))
    if replacement is ABSENT:
        del result[index]
    else:
        result[index] = replacement
    result += draw(st.lists(json_values, max_size=3))
    return result


def _apply(configuration: dict[str, Any], key: str, replacement: Any, draw: st.DrawFn) -> None:
    """Remove, replace, or rename the key in another casing (the property is then effectively absent)."""
    if replacement is ABSENT:
        if draw(st.booleans()) and key.swapcase() != key:
            configuration[key.swapcase()] = configuration.pop(key)
        else:
            configuration.pop(key)
    else:
        configuration[key] = replacement


def set_path(configuration: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = configuration
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = copy.deepcopy(value)


def baseline_configuration(rule_name: str, resource_type: str) -> dict[str, Any]:
    """The sample with every needed property of the rule at its satisfying value."""
    configuration = sample(resource_type)
    for needed in NEEDED.get(rule_name, {}).get(resource_type, ()):
        set_path(configuration, needed.path, needed.value)
    return configuration


@st.composite
def hostile_configuration(draw: st.DrawFn, rule_name: str, resource_type: str) -> dict[str, Any]:
    """The baseline with any set of top-level properties broken (one_property_broken breaks one needed property alone)."""
    configuration = baseline_configuration(rule_name, resource_type)
    keys = sorted(configuration)
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys))) if keys else []
    for key in chosen:
        _apply(configuration, key, draw(mutation(configuration[key])), draw)
    configuration.update(draw(st.dictionaries(st.text(min_size=1, max_size=12), json_values, max_size=2)))
    return configuration


RENAMED = object()
"""A mutation that keeps the value but records it under the key in another casing (so the property is absent)."""


def needed_mutation(value: Any) -> st.SearchStrategy[tuple[str, Any]]:
    """(how, replacement) pairs that break one needed property and nothing else; ``how`` names the kind
    of break for hypothesis' statistics (``event``)."""
    options = [
        st.tuples(st.just("absent"), st.just(ABSENT)),
        st.tuples(st.just("null"), st.none()),
        st.tuples(st.just("wrong type"), st.one_of(json_scalars, json_values, json_values).filter(
            lambda other: other is not None and type(other) is not type(value)  # scalars as often as containers
        )),
        st.tuples(st.just("oversized"), oversized_text),
        st.tuples(st.just("empty"), st.sampled_from(["", [], {}])),
    ]
    if isinstance(value, str):
        options.append(st.tuples(st.just("value in other casing"), _recased(value)))
        options.append(st.tuples(st.just("padded"), st.sampled_from([" ", "\n", "\u200b", "\x00"]).map(lambda pad: value + pad)))
    if isinstance(value, bool):
        options.append(st.tuples(st.just("boolean as text or number"), st.sampled_from([str(value).lower(), str(value), int(value)])))
    if isinstance(value, list) and value:
        options.append(st.tuples(st.just("broken inside"), list_mutation(value)))
    if isinstance(value, Mapping) and value:
        options.append(st.tuples(st.just("broken inside"), nested_mutation(value)))
    return st.one_of(options)


@st.composite
def _one_property_broken(draw: st.DrawFn, rule_name: str, resource_type: str, path: str) -> tuple[dict[str, Any], str]:
    configuration = baseline_configuration(rule_name, resource_type)
    *parents, last = path.split(".")
    node = configuration
    for part in parents:
        node = node[part]
    renamed = st.tuples(st.just("key in other casing"), st.just(RENAMED)) if last.swapcase() != last else st.nothing()
    how, replacement = draw(st.one_of(renamed, needed_mutation(node[last])), label=f"{path} broken")
    if replacement is RENAMED:
        node[last.swapcase()] = node.pop(last)
    elif replacement is ABSENT:
        del node[last]
    else:
        node[last] = replacement
    return configuration, how


def one_property_broken(rule_name: str, resource_type: str, path: str) -> st.SearchStrategy[tuple[dict[str, Any], str]]:
    """The baseline configuration (every needed property satisfied, nothing else changed) with only
    the needed property at ``path`` broken: absent, in another key casing, null, of another type, in
    another value casing, padded, oversized, empty or broken inside. Replacements that still satisfy
    the property (any non-empty string satisfies a REFERENCE) are filtered out, so every example
    breaks it. Returns (configuration, how it was broken)."""
    needed = next(n for n in needed_for(rule_name, resource_type) if n.path == path)
    return _one_property_broken(rule_name, resource_type, path).filter(lambda drawn: not needed.satisfied(drawn[0]))


def valid_item(resource_type: str, configuration: dict[str, Any], status: str = "OK") -> dict[str, Any]:
    """An item AWS Config could send for an evaluable resource in scope: the sample's id, a valid
    capture time, an evaluable status; only ``configuration`` may be hostile."""
    return configuration_item(resource_type, RESOURCE_IDS.get(resource_type, "resource-1"), configuration, status=status)


ITEM_FIELDS = ("configurationItemCaptureTime", "configurationItemStatus", "resourceType", "resourceId", "awsRegion", "ARN")
"""Fields of the item itself (not its configuration) that the engine or a rule reads."""

resource_ids = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + "-_.:/", min_size=1, max_size=64),
    oversized_text,
    st.text(min_size=1, max_size=40).filter(str.strip),
)


@st.composite
def hostile_item(draw: st.DrawFn, rule_name: str, resource_type: str) -> dict[str, Any]:
    resource_id = draw(st.one_of(st.just(RESOURCE_IDS.get(resource_type, "resource-1")), resource_ids))
    status = draw(st.sampled_from(EVALUABLE_STATUSES + GONE_STATUSES))
    configuration = draw(hostile_configuration(rule_name, resource_type))
    if status in GONE_STATUSES and draw(st.booleans()):
        configuration = None
    item = configuration_item(resource_type, resource_id, configuration, status=status)
    item["resourceName"] = draw(st.one_of(st.just(resource_id), st.none(), oversized_text))
    for field in draw(st.lists(st.sampled_from(ITEM_FIELDS), max_size=2, unique=True), label="broken item fields"):
        replacement = draw(st.one_of(json_values, oversized_text, st.sampled_from(["", "yesterday", "2026-13-45T99:00:00Z"])))
        if replacement is None and draw(st.booleans()):
            del item[field]
        else:
            item[field] = replacement
    item["tags"] = draw(st.one_of(st.just({}), st.dictionaries(st.text(max_size=128), st.text(max_size=256), max_size=3)))
    return item


def parameter_value(kind: Any) -> st.SearchStrategy[Any]:
    """A value the parameter's kind accepts, in the forms AWS Config may pass it."""
    if isinstance(kind, CsvList):
        item = _pattern_values(kind.pattern)
        return st.lists(item, min_size=1, max_size=3).map(", ".join)
    if isinstance(kind, Boolean):
        return st.sampled_from(["true", "false", "TRUE", "False", True, False])
    if isinstance(kind, Choice):
        return st.sampled_from(kind.values)
    if isinstance(kind, Integer):
        return st.sampled_from(kind.allowed) if kind.allowed else st.integers(min_value=0, max_value=10_000)
    if isinstance(kind, Pattern):
        return _pattern_values(kind.pattern)
    raise AssertionError(f"no strategy for parameter kind {type(kind).__name__}: add one to strategies.py")


def _pattern_values(pattern: str) -> st.SearchStrategy[str]:
    generated = st.from_regex(pattern, fullmatch=True).filter(lambda s: s == s.strip() and "," not in s)
    if "kms" in pattern:
        return st.one_of(st.just(KEY_ARN), generated)
    return generated


@st.composite
def valid_parameters(draw: st.DrawFn, parameters: type[RuleParameters]) -> dict[str, Any]:
    """Any subset of the rule's own parameters with values their kinds accept (or blank = default)."""
    chosen = draw(st.lists(st.sampled_from(parameters.specs()), unique=True)) if parameters.specs() else []
    return {
        spec.name: draw(st.one_of(parameter_value(spec.kind), st.sampled_from(["", " "])))
        for spec in chosen
    }


def event_for(item: dict[str, Any], parameters: dict[str, Any], *, oversized: bool, left_scope: bool) -> dict[str, Any]:
    build = oversized_event if oversized else change_event
    return build(item, parameters=parameters or None, left_scope=left_scope)


def needed_for(rule_name: str, resource_type: str) -> tuple[Needed, ...]:
    return NEEDED.get(rule_name, {}).get(resource_type, ())
