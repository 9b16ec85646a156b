"""Every rule of the catalogue can be run on templates: its resource types are defined and its facts built.

A new rule whose scope or facts the scanner does not know would otherwise be skipped or given no
facts without anyone noticing; this fails first, naming the rule.
"""

from __future__ import annotations

from smguard.catalogue import discover
from smguard.engine.rule import SmguardRule
from smguard.resources import resource_types


def test_every_rule_resource_type_is_defined() -> None:
    undefined = {entry.name: sorted(set(entry.rule.resource_types) - set(resource_types())) for entry in discover()}
    assert {name: types for name, types in undefined.items() if types} == {}


def test_every_rule_that_reads_aws_declares_the_fact_kind_a_template_builds() -> None:
    """A rule whose gather_facts reads AWS gets nothing from a template scan unless it names its fact kind."""
    reading = {entry.name for entry in discover() if type(entry.rule).gather_facts is not SmguardRule.gather_facts}
    declaring = {entry.name for entry in discover() if entry.rule.facts is not None}
    assert reading == declaring
