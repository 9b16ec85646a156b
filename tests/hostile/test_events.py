"""Every rule's real handler against broken events: JSON, message types, fields, parameters.

Whatever arrives, the invocation delivers valid evaluations or raises a documented error naming
what is wrong; the limit on rule parameters (1,024 characters) holds exactly at the boundary.
"""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from smguard.catalogue import discover
from smguard.engine.errors import InvalidEventError, InvalidRuleParameterError
from smguard.engine.events import MESSAGE_TYPES
from smguard.engine.handler import EngineParameters
from smguard.engine.parameters import RULE_PARAMETERS_MAX_LENGTH, CsvList
from tests.hostile.conftest import HOSTILE
from tests.hostile.harness import invoke_checked
from tests.hostile.strategies import baseline_configuration, json_values, oversized_text, valid_parameters
from tests.hostile.samples import RESOURCE_IDS
from tests.support.events import change_event, configuration_item, scheduled_event

ENTRIES = {entry.name: entry for entry in discover()}
NAMES = sorted(ENTRIES)
ENVELOPE_NAMES = sorted({frozenset(ENTRIES[name].rule.triggers): name for name in reversed(NAMES)}.values())
"""One rule per combination of triggers, for the properties of the event envelope (its JSON, its
message type, an object at all, the 1,024-character limit of ruleParameters): the engine decides
those before anything of the rule runs, so the other rules of the same triggers would repeat the
same run. Properties that read a rule's own parameters or reach its check run for every rule."""


def valid_event(name: str, parameters: dict | None = None) -> tuple[dict, dict | None]:
    """A well-formed event the rule accepts: a change notification, or a scheduled one for periodic-only rules."""
    rule = ENTRIES[name].rule
    if "ConfigurationChanges" not in rule.triggers:
        return scheduled_event(parameters=parameters), None
    resource_type = rule.resource_types[0]
    item = configuration_item(
        resource_type, RESOURCE_IDS.get(resource_type, "resource-1"), baseline_configuration(name, resource_type)
    )
    return change_event(item, parameters=parameters), item


def _assert_error(outcome, error_type, *words: str) -> None:
    assert outcome.error is not None, f"expected {error_type.__name__}, got {outcome.delivered}"
    assert outcome.error[0] is error_type, outcome.error
    for word in words:
        assert word in outcome.error[1], (word, outcome.error[1])


def _is_json_object(raw: str) -> bool:
    try:
        return isinstance(json.loads(raw), dict)
    except (ValueError, RecursionError):
        return False


not_json_objects = st.one_of(
    st.text(max_size=200),
    json_values.filter(lambda v: not isinstance(v, dict)).map(json.dumps),
    st.integers(min_value=1, max_value=5000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(min_value=1, max_value=5000).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
).filter(lambda raw: not _is_json_object(raw))


@pytest.mark.parametrize("name", ENVELOPE_NAMES)
@HOSTILE
@given(raw=not_json_objects, data=st.data())
def test_invoking_event_that_is_not_a_json_object_is_rejected(world, name, raw, data):
    event, _ = valid_event(name)
    truncate = data.draw(st.booleans())
    event["invokingEvent"] = event["invokingEvent"][: data.draw(st.integers(0, len(event["invokingEvent"]) - 1))] if truncate else raw
    outcome = invoke_checked(ENTRIES[name], event, world)
    _assert_error(outcome, InvalidEventError, "invokingEvent")


@pytest.mark.parametrize("name", ENVELOPE_NAMES)
@HOSTILE
@given(raw=not_json_objects.filter(lambda raw: raw not in ("", "{}")))
def test_rule_parameters_that_are_not_a_json_object_are_rejected(world, name, raw):
    event, _ = valid_event(name)
    event["ruleParameters"] = raw
    outcome = invoke_checked(ENTRIES[name], event, world)
    if len(raw) > RULE_PARAMETERS_MAX_LENGTH:
        _assert_error(outcome, InvalidEventError, "ruleParameters", "1024")
    else:
        _assert_error(outcome, InvalidEventError, "ruleParameters")


@pytest.mark.parametrize("name", ENVELOPE_NAMES)
@HOSTILE
@given(message_type=st.one_of(
    st.text(max_size=60), json_values, st.sampled_from([m.lower() for m in MESSAGE_TYPES] + [m + " " for m in MESSAGE_TYPES])
).filter(lambda m: m not in MESSAGE_TYPES))
def test_unknown_message_types_are_rejected(world, name, message_type):
    event, _ = valid_event(name)
    invoking = json.loads(event["invokingEvent"])
    invoking["messageType"] = message_type
    event["invokingEvent"] = json.dumps(invoking)
    _assert_error(invoke_checked(ENTRIES[name], event, world), InvalidEventError, "messageType")


EVENT_FIELDS = ["invokingEvent", "ruleParameters", "resultToken", "eventLeftScope", "configRuleName",
                "accountId", "configRuleArn", "executionRoleArn", "version"]


@pytest.mark.parametrize("name", NAMES)
@HOSTILE
@given(data=st.data())
def test_any_broken_event_field_gives_valid_evaluations_or_a_named_error(world, name, data):
    event, item = valid_event(name)
    for field in data.draw(st.lists(st.sampled_from(EVENT_FIELDS), min_size=1, unique=True), label="fields"):
        replacement = data.draw(st.one_of(st.just(None), json_values, oversized_text), label=field)
        if replacement is None and data.draw(st.booleans()):
            event.pop(field, None)
        else:
            event[field] = replacement
    invoke_checked(ENTRIES[name], event, world, item if "invokingEvent" in event and event["invokingEvent"] == valid_event(name)[0]["invokingEvent"] else None)


@pytest.mark.parametrize("name", ENVELOPE_NAMES)
@HOSTILE
@given(event=st.one_of(json_values.filter(lambda v: not isinstance(v, dict)), st.dictionaries(st.text(max_size=20), json_values, max_size=5)))
def test_events_that_are_not_config_rule_events_are_rejected(world, name, event):
    _assert_error(invoke_checked(ENTRIES[name], event, world), InvalidEventError)


def _parameters_of_length(name: str, length: int, data: st.DataObject) -> str:
    """Valid rule parameters whose JSON text is exactly ``length`` characters.

    A CSV-list parameter is filled with real values; the rest (or a rule without one) is padded with
    blanks, which AWS Config passes through and a CSV list or the JSON parser ignores.
    """
    specs = [spec for spec in ENTRIES[name].rule.parameters.specs() if isinstance(spec.kind, CsvList)]
    parameters = {}
    if specs:
        spec = specs[0]
        values = data.draw(st.lists(
            st.from_regex(spec.kind.pattern, fullmatch=True).filter(lambda s: "," not in s and s == s.strip() and s),
            min_size=1, max_size=60,
        ))
        text = ""
        for value in values:
            candidate = f"{text},{value}" if text else value
            if len(json.dumps({spec.name: candidate})) > length:
                break
            text = candidate
        parameters[spec.name] = text
    raw = json.dumps(parameters)
    assert len(raw) <= length, "the first value alone is longer than the limit"
    return raw[:-1] + " " * (length - len(raw)) + raw[-1]


@pytest.mark.parametrize("name", ENVELOPE_NAMES)
@HOSTILE
@given(data=st.data(), excess=st.integers(min_value=1, max_value=4000))
def test_rule_parameters_at_the_limit_are_read_and_past_it_rejected(world, name, data, excess):
    at_limit = _parameters_of_length(name, RULE_PARAMETERS_MAX_LENGTH, data)
    assert len(at_limit) == RULE_PARAMETERS_MAX_LENGTH
    event, item = valid_event(name)
    event["ruleParameters"] = at_limit
    outcome = invoke_checked(ENTRIES[name], event, world, item)
    assert outcome.error is None or "ruleParameters" not in outcome.error[1], outcome.error
    event["ruleParameters"] = at_limit[:-1] + " " * excess + at_limit[-1]
    _assert_error(invoke_checked(ENTRIES[name], event, world), InvalidEventError, "ruleParameters", str(len(event["ruleParameters"])))


def _accepted(spec, value) -> bool:
    """Whether the parameter's own kind would read the value (blank means the default)."""
    if isinstance(value, str) and not value.strip():
        return True
    try:
        spec.kind.parse(spec.name, value)
    except InvalidRuleParameterError:
        return False
    return True


def _all_specs(name: str):
    return ENTRIES[name].rule.parameters.specs() + EngineParameters.specs()


@pytest.mark.parametrize("name", NAMES)
@HOSTILE
@given(data=st.data())
def test_malformed_parameter_values_are_rejected_by_name(world, name, data):
    spec = data.draw(st.sampled_from(_all_specs(name)), label="parameter")
    value = data.draw(st.one_of(
        json_values.filter(lambda v: not isinstance(v, (str, bool, int)) and v is not None),
        st.text(alphabet=string.punctuation.replace(",", "") + "é漢", min_size=1, max_size=30).filter(str.strip),
        oversized_text.filter(lambda s: "," not in s),
    ), label="value")
    assume(not _accepted(spec, value))
    event, _ = valid_event(name, {spec.name: value})
    if len(event["ruleParameters"]) > RULE_PARAMETERS_MAX_LENGTH:
        _assert_error(invoke_checked(ENTRIES[name], event, world), InvalidEventError, "ruleParameters")
        return
    outcome = invoke_checked(ENTRIES[name], event, world)
    _assert_error(outcome, InvalidRuleParameterError, repr(spec.name))


@pytest.mark.parametrize("name", NAMES)
@HOSTILE
@given(unknown=st.text(min_size=1, max_size=40), value=json_values)
def test_unknown_parameters_are_rejected_by_name(world, name, unknown, value):
    if unknown in {spec.name for spec in _all_specs(name)}:
        return
    event, _ = valid_event(name, {unknown: value})
    outcome = invoke_checked(ENTRIES[name], event, world)
    if len(event["ruleParameters"]) > RULE_PARAMETERS_MAX_LENGTH:
        _assert_error(outcome, InvalidEventError, "ruleParameters")
    else:
        _assert_error(outcome, InvalidRuleParameterError, repr(unknown), "unknown parameter")


@pytest.mark.parametrize("name", NAMES)
@HOSTILE
@given(data=st.data())
def test_scheduled_notifications_are_evaluated_or_refused_by_trigger(world, name, data):
    entry = ENTRIES[name]
    parameters = data.draw(valid_parameters(entry.rule.parameters), label="parameters")
    event = scheduled_event(parameters=parameters or None)
    invoking = json.loads(event["invokingEvent"])
    if data.draw(st.booleans(), label="break notification time"):
        invoking["notificationCreationTime"] = data.draw(st.one_of(json_values, oversized_text))
    event["invokingEvent"] = json.dumps(invoking)
    outcome = invoke_checked(entry, event, world)
    if "Periodic" not in entry.rule.triggers:
        _assert_error(outcome, InvalidEventError, "ScheduledNotification")
