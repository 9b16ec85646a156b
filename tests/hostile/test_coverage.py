"""The hostile suite covers every rule the catalogue discovers: a new rule must be added to needed.py."""

from __future__ import annotations

import pytest

from smguard.catalogue import discover
from tests.hostile.needed import FACTS_ONLY, NEEDED

ENTRIES = discover()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.name)
def test_every_rule_declares_what_its_check_needs(entry):
    assert entry.name in NEEDED, (
        f"rule {entry.name} has no entry in tests/hostile/needed.py: list the properties its check needs, "
        "so the hostile suite can tell a wrongly COMPLIANT result"
    )
    assert set(NEEDED[entry.name]) == set(entry.rule.resource_types), (
        f"needed.py lists {sorted(NEEDED[entry.name])} for {entry.name}, which is in scope of {entry.rule.resource_types}"
    )
    if entry.name not in FACTS_ONLY:
        assert all(NEEDED[entry.name].values()), f"{entry.name}: a resource type in scope lists no needed property"
