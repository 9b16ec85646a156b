"""Every rule's real handler against change notifications carrying broken configuration items.

For each rule the catalogue discovers and each resource type in its scope: items whose properties
are absent, null, of the wrong type, in the wrong casing, oversized or broken inside; with any valid
parameters; deleted or not recorded; out of scope; delivered in full or as oversized notifications.
The needed-property test breaks one needed property of an otherwise valid item, so that the check
decides every example, and counts the check's calls to hold that it did.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smguard.catalogue import discover
from tests.hostile.conftest import HOSTILE
from tests.hostile.harness import counting_checks, invoke_checked
from tests.hostile.needed import NEEDED
from tests.hostile.strategies import (
    EVALUABLE_STATUSES,
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
"""Share of the needed-property test's examples that the rule's check must decide (return a verdict
that is delivered). The item around the broken property is valid, so every example reaches the
check; a check may still refuse a value with a documented error (MissingFactError), which is not
COMPLIANT either, but a test whose examples mostly end there would no longer test the decision."""


@pytest.mark.parametrize(("name", "resource_type", "path"), NEEDED_SCOPES)
def test_never_compliant_when_a_needed_property_is_broken(world, name, resource_type, path):
    """Only the needed property is broken; the item (status, scope, id, times) and every other
    property are valid, so each example reaches the check, and the test holds that it did."""
    entry = ENTRIES[name]
    examples, reached, decided, breaks = 0, 0, 0, Counter()

    @HOSTILE
    @given(data=st.data())
    def broken_property_is_never_compliant(data: st.DataObject) -> None:
        nonlocal examples, reached, decided
        configuration, how = data.draw(one_property_broken(name, resource_type, path), label="configuration")
        item = valid_item(resource_type, configuration, data.draw(st.sampled_from(EVALUABLE_STATUSES), label="status"))
        parameters = data.draw(valid_parameters(entry.rule.parameters), label="parameters")
        oversized = data.draw(st.booleans(), label="oversized")
        world.record_history(item)
        with counting_checks(entry.rule) as calls:
            outcome = invoke_checked(entry, event_for(item, parameters, oversized=oversized, left_scope=False), world, item)
        examples += 1
        breaks[how] += 1
        reached += len(calls.resource_ids) == 2  # invoke_checked invokes twice
        decided += calls.verdicts == 2 and outcome.delivered is not None
        assert "COMPLIANT" not in outcome.compliance, (
            f"{name} reported COMPLIANT although {path} is broken ({how}): {configuration}"
        )

    broken_property_is_never_compliant()
    summary = f"{examples} examples ({dict(breaks)}): {reached} reached {name}'s check, {decided} were decided by it"
    assert examples and reached == examples, summary
    assert decided >= DECIDED_SHARE * examples, summary


@pytest.mark.parametrize(("name", "resource_type"), CHANGE_SCOPES)
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
