"""Every rule of the catalogue can be run on templates: its resource types are mapped and its facts built.

A new rule whose scope or facts the scanner does not know would otherwise be skipped or given no
facts without anyone noticing; this fails first, naming the rule.
"""

from __future__ import annotations

from smguard.catalogue import discover
from smguard.engine.rule import SmguardRule
from smguard.scan.scanner import FACTS_FROM_TEMPLATE, SUPPORTED_TYPES


def test_every_rule_resource_type_is_mapped() -> None:
    unmapped = {entry.name: sorted(set(entry.rule.resource_types) - SUPPORTED_TYPES) for entry in discover()}
    assert {name: types for name, types in unmapped.items() if types} == {}


def test_every_rule_that_reads_aws_gets_its_facts_from_the_template() -> None:
    reading = {entry.name for entry in discover() if type(entry.rule).gather_facts is not SmguardRule.gather_facts}
    assert reading == set(FACTS_FROM_TEMPLATE)
