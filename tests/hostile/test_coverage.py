"""The hostile suite covers every rule the catalogue discovers: each declares what its check needs in its folder."""

from __future__ import annotations

import pytest

from smguard.catalogue import discover
from tests.hostile.declared import DECLARED, FACT_NEEDED, FACTS_ONLY, NEEDED

ENTRIES = discover()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.name)
def test_every_rule_declares_what_its_check_needs(entry):
    assert entry.name in DECLARED
    assert set(NEEDED[entry.name]) == set(entry.rule.resource_types), (
        f"rules/{entry.name}/tests/declared.py lists {sorted(NEEDED[entry.name])} for {entry.name}, which is in scope of {entry.rule.resource_types}"
    )
    if entry.name not in FACTS_ONLY:
        assert all(NEEDED[entry.name].values()), f"{entry.name}: a resource type in scope lists no needed property"
        assert entry.name not in FACT_NEEDED, f"{entry.name}: FACT_NEEDED without FACTS_ONLY saying why the item is not enough"
    else:
        assert FACT_NEEDED.get(entry.name), f"{entry.name} is FACTS_ONLY but declares no FACT_NEEDED"
