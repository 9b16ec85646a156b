"""docs/rules.md is exactly what the generator renders from the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from smguard.catalogue import RuleEntry, discover
from smguard.docgen import render
from smguard.engine import Choice, CsvList, RuleHandler, RuleParameters, SmguardRule, parameter
from smguard.engine.handler import EngineParameters
from smguard.engine.parameters import Boolean, ParameterSpec
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER
from smguard.rule_metadata import Mappings, RuleMetadata

RULES_MD = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date():
    expected = render(discover(), EngineParameters.specs())
    assert RULES_MD.read_text() == expected, "docs/rules.md is stale: run `make generate` and commit it"


@dataclass(frozen=True)
class FakeParameters(RuleParameters):
    traffic: str = parameter("TrafficType", Choice(("ALL", "ACCEPT")), "ALL", "Which traffic.")
    destinations: tuple[str, ...] = parameter("Destinations", CsvList("arn:.*", "an ARN"), ("arn:a", "arn:b"), "Where | to.")
    vpc_ids: tuple[str, ...] | None = parameter("VpcIds", CsvList("vpc-.*", "a VPC id"), None, "Which VPCs.")


class FakeRule(SmguardRule):
    name = "fake_rule"
    resource_types = ("AWS::EC2::VPC",)
    triggers = frozenset({CHANGE_TRIGGER, PERIODIC_TRIGGER})
    maximum_execution_frequency = "Six_Hours"
    parameters = FakeParameters


FAKE = RuleEntry(
    name="fake_rule",
    folder=Path("rules/fake_rule"),
    handler=RuleHandler(FakeRule()),
    metadata=RuleMetadata(
        title="Flow logs | everywhere",
        description="Checks\nthat every VPC logs.",
        severity="medium",
        risk="Blind.",
        remediation="Create one.",
        mappings=Mappings(aws_config_managed_rules=("vpc-flow-logs-enabled",), security_hub_controls=("EC2.6",), nist_800_53=()),
        beyond_managed_rule="Checks the destination.",
    ),
)


def test_render_escapes_cells_and_describes_triggers_defaults_and_missing_anchors():
    text = render([FAKE], [ParameterSpec("Strict", Boolean(), False, "Be | strict.")])
    lines = text.splitlines()
    assert (
        "| [`fake_rule`](#fake_rule) | medium | Flow logs \\| everywhere | AWS::EC2::VPC | "
        "configuration change and periodic (Six_Hours) | vpc-flow-logs-enabled | EC2.6 | none |"
    ) in lines
    assert "| `Strict` | Boolean | `false` | Be \\| strict. |" in lines
    assert "Checks that every VPC logs." in lines
    assert "- **NIST SP 800-53:** none" in lines
    assert "| `TrafficType` | Enumeration | `ALL` | Which traffic. |" in lines
    assert "| `Destinations` | CSV list | `arn:a,arn:b` | Where \\| to. |" in lines
    assert "| `VpcIds` | CSV list | not set | Which VPCs. |" in lines
    assert text.endswith("\n") and not text.endswith("\n\n")
