"""docs/rules.md, generated from the catalogue so the docs cannot drift from the rules.

Each rule's scope, triggers and parameters come from its code, its prose from its metadata.json.
Run ``make generate``; a test fails when the committed file differs from what this module renders.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from smguard.catalogue import RuleEntry, discover
from smguard.engine.handler import EngineParameters
from smguard.engine.parameters import ParameterSpec
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER, SmguardRule
from smguard.resources import resource_types
from smguard.standard import CONTROLS, STANDARD, STANDARD_DATE, covering

ANCHORS = (
    ("aws_config_managed_rules", "AWS Config managed rule"),
    ("security_hub_controls", "Security Hub control"),
    ("nist_800_53", "NIST SP 800-53"),
)


def render(rules: Sequence[RuleEntry], engine_parameters: Iterable[ParameterSpec]) -> str:
    """The whole of docs/rules.md for the given rules, in the given order."""
    lines = [
        "# Rules",
        "",
        "<!-- Generated from rules/*/ (app.py and metadata.json) by `make generate`. Do not edit. -->",
        "",
        "Each rule is one folder under `rules/`; its Config rule is declared as `smguard-<rule>` with hyphens",
        "in the `smguard` conformance pack, and AWS Config names it `smguard-<rule>-conformance-pack-<suffix>`",
        "in every account the pack reaches (`smguard-notebook-root-access-conformance-pack-<suffix>`); every",
        "command accepts the folder's name or any of these. The AWS anchor columns name the AWS Config managed rule, AWS Security Hub",
        "control and NIST SP 800-53 controls the rule corresponds to, where one exists; the sections below",
        "say what each rule does beyond it.",
        "",
        "| rule | severity | checks | resource types | trigger | " + " | ".join(title for _, title in ANCHORS) + " |",
        "|---|---|---|---|---|" + "---|" * len(ANCHORS),
    ]
    for entry in rules:
        anchors = [_cell(", ".join(getattr(entry.metadata.mappings, key)) or "none") for key, _ in ANCHORS]
        lines.append(
            f"| [`{entry.name}`](#{entry.name}) | {entry.metadata.severity} | {_cell(entry.metadata.title)} | "
            f"{_cell(', '.join(entry.rule.resource_types))} | {_trigger(entry.rule)} | " + " | ".join(anchors) + " |"
        )
    lines += _standard_section(rules)
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
        lines.append(_parameter_row(spec))
    for entry in rules:
        lines += _rule_section(entry)
    lines += _unconfirmed_section(rules)
    return "\n".join(lines) + "\n"


def _unconfirmed_section(rules: Sequence[RuleEntry]) -> list[str]:
    """The recorded property names the rules' types assume without AWS confirming them (issue 13)."""
    types = resource_types()
    rows = [
        f"| `{name}` | {', '.join(f'`{path}`' for path in types[name].unconfirmed_properties)} |"
        for name in sorted({t for entry in rules for t in entry.rule.resource_types})
        if name in types and types[name].unconfirmed_properties
    ]
    if not rows:
        return []
    return [
        "",
        "## Recorded property names AWS does not confirm",
        "",
        "AWS Config records SageMaker types in their CloudFormation shape. For these properties the rules read,",
        "neither AWS's documentation (the resource's page in the AWS Config resource list, an AWS Config managed",
        "rule's description) nor awslabs/aws-config-resource-schema confirms the recorded name; smguard assumes",
        "the CloudFormation property name. An item recorded otherwise is reported NON_COMPLIANT (the key or",
        "setting is absent), never passed.",
        "",
        "| resource type | properties |",
        "|---|---|",
        *rows,
    ]


def _standard_section(rules: Sequence[RuleEntry]) -> list[str]:
    """Each SageMaker control of the standard (smguard/standard.py) against the rules whose
    metadata maps it, with what those rules check beyond the control's managed rule."""
    mapped = [(entry.name, entry.metadata.mappings.security_hub_controls) for entry in rules]
    by_name = {entry.name: entry for entry in rules}
    lines = [
        "",
        f"## {STANDARD} ({STANDARD_DATE}): SageMaker controls",
        "",
        "Each control of the standard, the AWS Config managed rule behind it, the smguard rules whose",
        "metadata maps it, and what they check beyond it. A control no rule covers says why.",
        "",
        "| control | title | AWS Config managed rule | smguard rules | beyond the control |",
        "|---|---|---|---|---|",
    ]
    for control in CONTROLS:
        names = covering(control, mapped)
        if names:
            rules_cell = ", ".join(f"[`{name}`](#{name})" for name in names)
            beyond = " ".join(f"{name}: {_text(by_name[name].metadata.beyond_managed_rule)}" for name in names)
        elif control.not_covered is not None:
            rules_cell, beyond = "none (decided)", _text(control.not_covered)
        else:
            rules_cell, beyond = "none", "not covered yet"
        lines.append(
            f"| {control.id} | {_cell(control.title)} | {control.managed_rule} | {rules_cell} | {_cell(beyond)} |"
        )
    return lines


def _rule_section(entry: RuleEntry) -> list[str]:
    metadata, rule = entry.metadata, entry.rule
    lines = [
        "",
        f"## {entry.name}",
        "",
        f"**{_text(metadata.title)}** (severity {metadata.severity}; {', '.join(f'`{t}`' for t in rule.resource_types)}; "
        f"{_trigger(rule)})",
        "",
        _text(metadata.description),
        "",
        f"- **Risk:** {_text(metadata.risk)}",
        f"- **Remediation:** {_text(metadata.remediation)}",
        _automated_fix(entry),
        f"- **Beyond the AWS anchor:** {_text(metadata.beyond_managed_rule)}",
    ]
    for key, title in ANCHORS:
        lines.append(f"- **{title}:** {', '.join(f'`{v}`' for v in getattr(metadata.mappings, key)) or 'none'}")
    lines.append("")
    specs = rule.parameters.specs()
    if not specs:
        lines.append("Parameters: none of its own.")
        return lines
    lines += ["| parameter | type | default | description |", "|---|---|---|---|"]
    lines += [_parameter_row(spec) for spec in specs]
    return lines


def _automated_fix(entry: RuleEntry) -> str:
    """The runbook the rule's remediation configuration runs, and its role's permissions (docs/remediation.md)."""
    remediation = entry.rule.remediation
    if remediation is None:
        return f"- **Automated fix:** none. {_text(entry.metadata.no_remediation or '')}"
    owner = "smguard's own runbook" if remediation.is_smguard_runbook else "AWS's runbook"
    interrupts = f" It {remediation.interrupts}, so it is never automatic without its own opt-in." if remediation.interrupts else ""
    return (
        f"- **Automated fix:** {owner} `{remediation.runbook}` ({remediation.reference}), given the resource as "
        f"`{remediation.resource_id_parameter}`; its role may call {', '.join(f'`{a}`' for a in remediation.actions)}.{interrupts}"
    )


def _parameter_row(spec: ParameterSpec) -> str:
    return f"| `{spec.name}` | {spec.kind.label} | {_default(spec.default)} | {_cell(spec.description)} |"


def _trigger(rule: SmguardRule) -> str:
    parts = []
    if CHANGE_TRIGGER in rule.triggers:
        parts.append("configuration change")
    if PERIODIC_TRIGGER in rule.triggers:
        parts.append(f"periodic ({rule.maximum_execution_frequency})")
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
    sys.stdout.write(render(discover(), EngineParameters.specs()))


if __name__ == "__main__":
    main()
