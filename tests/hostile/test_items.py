"""Every rule's real handler against change notifications carrying broken configuration items.

For each rule the catalogue discovers and each resource type in its scope: items whose properties
are absent, null, of the wrong type, in the wrong casing, oversized or broken inside; with any valid
parameters; deleted or not recorded; out of scope; delivered in full or as oversized notifications.
The needed-property test breaks one needed property of an otherwise valid item and hands it to the
rule's pure check (the handler adds nothing to that decision), which must decide nearly every example.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smguard.catalogue import discover
from smguard.engine.clients import ClientFactory
from smguard.engine.errors import SmguardError
from smguard.engine.handler import SHARED_CLIENTS
from smguard.engine.rule import Resource
from smguard.engine.verdict import Compliance
from tests.hostile.conftest import HOSTILE
from tests.hostile.harness import DOCUMENTED_ERRORS, invoke_checked
from tests.hostile.declared import NEEDED
from tests.hostile.strategies import (
    GONE_STATUSES,
    event_for,
    hostile_item,
    needed_for,
    one_property_broken,
    valid_item,
    valid_parameters,
)
from tests.hostile.world import World

ENTRIES = {entry.name: entry for entry in discover()}
CHANGE_SCOPES = [
    (name, resource_type)
    for name, entry in ENTRIES.items()
    if "ConfigurationChanges" in entry.rule.triggers
    for resource_type in entry.rule.resource_types
]
SCOPE_CHECKED = sorted({frozenset(ENTRIES[name].rule.triggers): (name, resource_type)
                        for name, resource_type in reversed(CHANGE_SCOPES)}.values())
"""One rule and type per combination of triggers: the engine refuses an item of a type outside the
rule's scope before anything of the rule runs, so other rules and types would repeat the same run."""
NEEDED_SCOPES = [(name, resource_type, needed.path) for name, types in NEEDED.items() if name in ENTRIES
                 for resource_type, props in types.items() for needed in props]


def _run(world: World, data: st.DataObject, name: str, resource_type: str):
    entry = ENTRIES[name]
    item = data.draw(hostile_item(name, resource_type), label="item")
    parameters = data.draw(valid_parameters(entry.rule.parameters), label="parameters")
    oversized = data.draw(st.booleans(), label="oversized")
    left_scope = data.draw(st.sampled_from([False, False, False, True]), label="left_scope")
    world.record_history(item)
    outcome = invoke_checked(entry, event_for(item, parameters, oversized=oversized, left_scope=left_scope), world, item)
    return entry, item, outcome, left_scope


@pytest.mark.parametrize(("name", "resource_type"), CHANGE_SCOPES)
@HOSTILE
@given(data=st.data())
def test_broken_items_give_valid_evaluations_or_a_named_error(world, name, resource_type, data):
    entry, item, outcome, left_scope = _run(world, data, name, resource_type)
    if outcome.delivered is None:
        return
    if left_scope or item["configurationItemStatus"] in GONE_STATUSES:
        assert outcome.compliance == ("NOT_APPLICABLE",)
    for needed in needed_for(name, resource_type):
        if not needed.satisfied(item["configuration"] or {}):
            assert "COMPLIANT" not in outcome.compliance, (
                f"{name} reported COMPLIANT although {needed.path} is not readable as {needed.value!r}: "
                f"{item['configuration']}"
            )


DECIDED_SHARE = 0.9
"""Share of the needed-property test's examples that the rule's check must decide (return a
verdict). The item around the broken property is valid, so every example reaches the check; a
check may still refuse a value with a documented error (MissingFactError), which is not COMPLIANT
either, but a test whose examples mostly end there would no longer test the decision."""


@pytest.mark.parametrize(("name", "resource_type", "path"), NEEDED_SCOPES)
def test_never_compliant_when_a_needed_property_is_broken(world, name, resource_type, path):
    """Only the needed property is broken and every other property is valid, so the decision is the
    check's alone: the property runs on the pure check (with the facts the rule gathers from the
    world), the function the handler, the sweep and the scan call. What the handler adds around it
    (statuses, scope, oversized notifications read back from the history) is held by
    test_broken_items_give_valid_evaluations_or_a_named_error, which also asserts that a broken
    needed property is never COMPLIANT through the handler."""
    rule = ENTRIES[name].rule
    clients = ClientFactory(SHARED_CLIENTS, None)
    examples, decided, breaks = 0, 0, Counter()

    @HOSTILE
    @given(data=st.data())
    def broken_property_is_never_compliant(data: st.DataObject) -> None:
        nonlocal examples, decided
        configuration, how = data.draw(one_property_broken(name, resource_type, path), label="configuration")
        resource = Resource.from_item(world.localise(valid_item(resource_type, configuration)))
        parameters = rule.evaluate_parameters(data.draw(valid_parameters(rule.parameters), label="parameters"))
        examples += 1
        breaks[how] += 1
        try:
            facts = rule.gather_facts([resource], parameters, clients)
            verdict = rule.check(resource, parameters, facts)
        except SmguardError as error:
            assert type(error) in DOCUMENTED_ERRORS, f"undocumented error {type(error).__name__}: {error}"
            return
        assert rule.check(resource, parameters, facts) == verdict, "the same resource and facts gave another verdict"
        decided += 1
        assert verdict.compliance is not Compliance.COMPLIANT, (
            f"{name} reported COMPLIANT although {path} is broken ({how}): {configuration}"
        )

    broken_property_is_never_compliant()
    summary = f"{examples} examples ({dict(breaks)}): {decided} were decided by {name}'s check"
    assert examples, summary
    assert decided >= DECIDED_SHARE * examples, summary


@pytest.mark.parametrize(("name", "resource_type"), SCOPE_CHECKED)
@HOSTILE
@given(resource_type_seen=st.one_of(st.text(min_size=1, max_size=60), st.sampled_from(
    ["AWS::S3::Bucket", "AWS::SageMaker::NotebookInstanceLifecycleConfig", "aws::sagemaker::notebookinstance"]
)), data=st.data())
def test_items_of_other_types_are_not_applicable(world, name, resource_type, resource_type_seen, data):
    entry = ENTRIES[name]
    if resource_type_seen in entry.rule.resource_types:
        return
    item = data.draw(hostile_item(name, resource_type), label="item")
    item["resourceType"] = resource_type_seen
    world.record_history(item)
    outcome = invoke_checked(entry, event_for(item, {}, oversized=data.draw(st.booleans()), left_scope=False), world, item)
    assert outcome.error is not None or outcome.compliance == ("NOT_APPLICABLE",)
