"""Every rule's real handler against change notifications carrying broken configuration items.

For each rule the catalogue discovers and each resource type in its scope: items whose properties
are absent, null, of the wrong type, in the wrong casing, oversized or broken inside; with any valid
parameters; deleted or not recorded; out of scope; delivered in full or as oversized notifications.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smguard.catalogue import discover
from tests.hostile.conftest import HOSTILE
from tests.hostile.harness import invoke_checked
from tests.hostile.needed import NEEDED
from tests.hostile.strategies import GONE_STATUSES, event_for, hostile_item, needed_for, valid_parameters
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


def _run(world: World, data: st.DataObject, name: str, resource_type: str, targets: tuple[str, ...] = ()):
    entry = ENTRIES[name]
    item = data.draw(hostile_item(name, resource_type, targets), label="item")
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


@pytest.mark.parametrize(("name", "resource_type", "path"), NEEDED_SCOPES)
@HOSTILE
@given(data=st.data())
def test_never_compliant_when_a_needed_property_is_broken(world, name, resource_type, path, data):
    entry, item, outcome, _ = _run(world, data, name, resource_type, targets=(path,))
    configuration = item["configuration"] or {}
    broken = [n.path for n in needed_for(name, resource_type) if not n.satisfied(configuration)]
    if broken:
        assert "COMPLIANT" not in outcome.compliance, (
            f"{name} reported COMPLIANT although {', '.join(broken)} cannot be read: {configuration}"
        )


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
