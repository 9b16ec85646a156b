"""Names the template gives each rule, in one place so the template, the build and the tests agree.

Standard library only: the build (``package.py``) runs with whichever ``python3`` ``sam build``
finds, without the project's virtual environment.

Functions, roles and Config rules are named ``smguard-<rule-with-hyphens>``: the guardrail SCP
(policies/guardrail-protection.json) protects everything named ``smguard-*``.
"""

from __future__ import annotations

NAME_PREFIX = "smguard-"


def camel(rule_name: str) -> str:
    """``notebook_root_access`` -> ``NotebookRootAccess``, the stem of every logical ID of the rule."""
    return "".join(part[:1].upper() + part[1:] for part in rule_name.split("_"))


def resource_name(rule_name: str) -> str:
    """``notebook_root_access`` -> ``smguard-notebook-root-access`` (function and Config rule name)."""
    return NAME_PREFIX + rule_name.replace("_", "-")


def function_logical_id(rule_name: str) -> str:
    return f"{camel(rule_name)}Function"


def rule_for_function_logical_id(logical_id: str, rule_names: list[str]) -> str:
    """The rule whose function has ``logical_id``; raises ``LookupError`` naming the candidates."""
    matches = [name for name in rule_names if function_logical_id(name) == logical_id]
    if len(matches) != 1:
        raise LookupError(
            f"no single rule folder has the function logical ID {logical_id!r} "
            f"(rules: {', '.join(rule_names) or 'none'})"
        )
    return matches[0]
