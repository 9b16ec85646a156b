"""docs/rules.md is exactly what the generator renders from the rules' metadata."""

from __future__ import annotations

from pathlib import Path

from smguard.catalogue import discover
from smguard.docgen import render
from smguard.engine.handler import EngineParameters
from smguard.engine.parameters import Boolean, ParameterSpec

RULES_MD = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date():
    expected = render([entry.metadata for entry in discover()], EngineParameters.specs())
    assert RULES_MD.read_text() == expected, "docs/rules.md is stale: run `make docs` and commit it"


FAKE = {
    "id": "fake_rule",
    "title": "Flow logs | everywhere",
    "description": "Checks\nthat every VPC logs.",
    "severity": "medium",
    "resource_types": ["AWS::EC2::VPC"],
    "trigger": {"types": ["ConfigurationChanges", "Periodic"], "maximum_execution_frequency": "Six_Hours"},
    "parameters": [
        {"name": "TrafficType", "type": "Enumeration", "default": "ALL", "description": "Which traffic."},
        {"name": "Destinations", "type": "CSV list", "default": ["arn:a", "arn:b"], "description": "Where | to."},
        {"name": "VpcIds", "type": "CSV list", "default": None, "description": "Which VPCs."},
    ],
    "risk": "Blind.",
    "remediation": "Create one.",
    "mappings": {"aws_config_managed_rules": ["vpc-flow-logs-enabled"], "security_hub_controls": ["EC2.6"], "nist_800_53": []},
    "beyond_managed_rule": "Checks the destination.",
}


def test_render_escapes_cells_and_describes_triggers_defaults_and_missing_anchors():
    text = render([FAKE], [ParameterSpec("Strict", Boolean(), False)])
    lines = text.splitlines()
    assert (
        "| [`fake_rule`](#fake_rule) | medium | Flow logs \\| everywhere | AWS::EC2::VPC | "
        "configuration change and periodic (Six_Hours) | vpc-flow-logs-enabled | EC2.6 | none |"
    ) in lines
    assert "| `Strict` | Boolean | `false` |  |" in lines
    assert "Checks that every VPC logs." in lines
    assert "- **NIST SP 800-53:** none" in lines
    assert "| `TrafficType` | Enumeration | `ALL` | Which traffic. |" in lines
    assert "| `Destinations` | CSV list | `arn:a,arn:b` | Where \\| to. |" in lines
    assert "| `VpcIds` | CSV list | not set | Which VPCs. |" in lines
    assert text.endswith("\n") and not text.endswith("\n\n")
