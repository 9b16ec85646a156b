"""docs/rules.md, generated from the rules' metadata.json so the docs cannot drift from the catalogue.

Run ``python -m smguard.docgen > docs/rules.md`` (or ``make docs``); a test fails when the
committed file differs from what this module renders.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from smguard.catalogue import discover
from smguard.engine.handler import EngineParameters
from smguard.engine.parameters import ParameterSpec
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER

ANCHORS = (
    ("aws_config_managed_rules", "AWS Config managed rule"),
    ("security_hub_controls", "Security Hub control"),
    ("nist_800_53", "NIST SP 800-53"),
)
ENGINE_PARAMETER_NOTES = {
    "ExecutionRoleName": "Organization mode: the IAM role, in each member account, that the function assumes. See [engine.md](engine.md).",
    "ExemptionsParameterName": "The SSM parameter holding the central exemption register. See [exemptions.md](exemptions.md).",
}


def render(rules: Sequence[Mapping[str, Any]], engine_parameters: Iterable[ParameterSpec]) -> str:
    """The whole of docs/rules.md for the given metadata documents, in the given order."""
    lines = [
        "# Rules",
        "",
        "<!-- Generated from rules/*/metadata.json by `python -m smguard.docgen` (`make docs`). Do not edit. -->",
        "",
        "Each rule is one folder under `rules/`; its Config rule is deployed as `smguard-<rule>`. The AWS",
        "anchor columns name the AWS Config managed rule, AWS Security Hub control and NIST SP 800-53",
        "controls the rule corresponds to, where one exists; the sections below say what each rule does",
        "beyond it.",
        "",
        "| rule | severity | checks | resource types | trigger | " + " | ".join(title for _, title in ANCHORS) + " |",
        "|---|---|---|---|---|" + "---|" * len(ANCHORS),
    ]
    for rule in rules:
        anchors = [_cell(", ".join(rule["mappings"][key]) or "none") for key, _ in ANCHORS]
        lines.append(
            f"| [`{rule['id']}`](#{rule['id']}) | {rule['severity']} | {_cell(rule['title'])} | "
            f"{_cell(', '.join(rule['resource_types']))} | {_trigger(rule['trigger'])} | " + " | ".join(anchors) + " |"
        )
    lines += [
        "",
        "## Parameters every rule accepts",
        "",
        "Read by the engine, not by the rule; see [engine.md](engine.md).",
        "",
        "| parameter | type | default | description |",
        "|---|---|---|---|",
    ]
    for spec in engine_parameters:
        note = ENGINE_PARAMETER_NOTES.get(spec.name, "")
        lines.append(f"| `{spec.name}` | {spec.kind.label} | {_default(spec.default)} | {_cell(note)} |")
    for rule in rules:
        lines += _rule_section(rule)
    return "\n".join(lines) + "\n"


def _rule_section(rule: Mapping[str, Any]) -> list[str]:
    lines = [
        "",
        f"## {rule['id']}",
        "",
        f"**{_text(rule['title'])}** (severity {rule['severity']}; {', '.join(f'`{t}`' for t in rule['resource_types'])}; "
        f"{_trigger(rule['trigger'])})",
        "",
        _text(rule["description"]),
        "",
        f"- **Risk:** {_text(rule['risk'])}",
        f"- **Remediation:** {_text(rule['remediation'])}",
        f"- **Beyond the AWS anchor:** {_text(rule['beyond_managed_rule'])}",
    ]
    for key, title in ANCHORS:
        lines.append(f"- **{title}:** {', '.join(f'`{v}`' for v in rule['mappings'][key]) or 'none'}")
    lines.append("")
    if not rule["parameters"]:
        lines.append("Parameters: none of its own.")
        return lines
    lines += ["| parameter | type | default | description |", "|---|---|---|---|"]
    for parameter in rule["parameters"]:
        lines.append(
            f"| `{parameter['name']}` | {parameter['type']} | {_default(parameter['default'])} | "
            f"{_cell(parameter['description'])} |"
        )
    return lines


def _trigger(trigger: Mapping[str, Any]) -> str:
    parts = []
    if CHANGE_TRIGGER in trigger["types"]:
        parts.append("configuration change")
    if PERIODIC_TRIGGER in trigger["types"]:
        parts.append(f"periodic ({trigger['maximum_execution_frequency']})")
    return " and ".join(parts)


def _default(value: object) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return f"`{'true' if value else 'false'}`"
    if isinstance(value, (list, tuple)):
        return f"`{','.join(str(item) for item in value)}`"
    return f"`{value}`"


def _text(value: str) -> str:
    """One paragraph: metadata strings are prose, but a stray newline would break a list item."""
    return " ".join(value.split())


def _cell(value: str) -> str:
    """Text safe inside a Markdown table cell."""
    return _text(value).replace("|", "\\|")


def main() -> None:
    sys.stdout.write(render([entry.metadata for entry in discover()], EngineParameters.specs()))


if __name__ == "__main__":
    main()
