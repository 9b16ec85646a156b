"""The SageMaker controls of Security Hub's AI Security Best Practices standard against the rules.

The standard's controls are declared once (smguard/standard.py); which rule covers which control
is each rule's metadata. The gate below fails while a control of the standard is mapped by no rule
and not declared out of scope with a reason.
"""

from __future__ import annotations

import re
from dataclasses import replace

from smguard.catalogue import discover
from smguard.docgen import render
from smguard.standard import CONTROLS, covering, uncovered
from tests.test_docgen import FAKE

SAGEMAKER_CONTROL = re.compile(r"SageMaker\.\d+")


def mapped_by_rules() -> list[tuple[str, tuple[str, ...]]]:
    return [(entry.name, entry.metadata.mappings.security_hub_controls) for entry in discover()]


def test_every_sagemaker_control_of_the_standard_is_mapped_by_some_rule():
    """The final gate of issue 13: SageMaker.1-3, 5 and 8-25 each appear in some rule's metadata."""
    missing = [control.id for control in uncovered(mapped_by_rules())]
    assert missing == [], f"controls of the standard no rule maps: {', '.join(missing)}"


def test_the_standard_lists_sagemaker_1_to_5_and_8_to_25_once_each():
    assert [control.id for control in CONTROLS] == [f"SageMaker.{n}" for n in (1, 2, 3, 4, 5, *range(8, 26))]


def test_only_sagemaker_4_is_out_of_scope_and_it_says_why():
    decided = {control.id: control.not_covered for control in CONTROLS if control.not_covered is not None}
    assert list(decided) == ["SageMaker.4"]
    assert "Availability, not the protection of sensitive data" in str(decided["SageMaker.4"])


def test_every_sagemaker_control_a_rule_maps_is_a_control_of_the_standard():
    known = {control.id for control in CONTROLS}
    strays = [
        (name, control)
        for name, controls in mapped_by_rules()
        for control in controls
        if SAGEMAKER_CONTROL.fullmatch(control) and control not in known
    ]
    assert strays == []


def test_a_rule_that_maps_a_control_names_the_managed_rule_behind_it():
    """A rule claiming a control corresponds to the AWS Config rule Security Hub runs for it."""
    by_name = {entry.name: entry for entry in discover()}
    mismatches = [
        (name, control.id, control.managed_rule)
        for control in CONTROLS
        for name in covering(control, mapped_by_rules())
        if control.managed_rule not in by_name[name].metadata.mappings.aws_config_managed_rules
    ]
    assert mismatches == []


def test_a_control_is_uncovered_until_a_rule_maps_it_and_a_decided_one_never_is():
    nobody: list[tuple[str, tuple[str, ...]]] = []
    assert [c.id for c in uncovered(nobody)] == [c.id for c in CONTROLS if c.id != "SageMaker.4"]
    everything = [("all", tuple(c.id for c in CONTROLS if c.id != "SageMaker.4"))]
    assert uncovered(everything) == []
    all_but_one = [("most", tuple(c.id for c in CONTROLS if c.id not in ("SageMaker.4", "SageMaker.17")))]
    assert [c.id for c in uncovered(all_but_one)] == ["SageMaker.17"]


def test_rules_md_shows_each_control_with_its_rules_what_they_add_or_why_none():
    mapping = replace(FAKE.metadata.mappings, security_hub_controls=("SageMaker.1", "EC2.6"))
    fake = replace(FAKE, metadata=replace(FAKE.metadata, mappings=mapping))
    lines = render([fake], []).splitlines()
    assert (
        "| SageMaker.1 | Amazon SageMaker notebook instances should not have direct internet access | "
        "sagemaker-notebook-no-direct-internet-access | [`fake_rule`](#fake_rule) | fake_rule: Checks the destination. |"
    ) in lines
    assert (
        "| SageMaker.2 | SageMaker notebook instances should be launched in a custom VPC | "
        "sagemaker-notebook-instance-inside-vpc | none | not covered yet |"
    ) in lines
    decided = next(line for line in lines if line.startswith("| SageMaker.4 |"))
    assert decided.endswith(f"| none (decided) | {CONTROLS[3].not_covered} |")
