"""Template parameters for the rule parameters users set, validated at deploy time.

Every rule parameter becomes one String template parameter named ``<Rule><Parameter>``
(``SagemakerKmsKmsKeyArns``), described by the rule's metadata.json and constrained with the same
pattern or values the rule parses with, so a typo fails ``sam deploy`` instead of every evaluation.
Each defaults to the empty string, which the engine reads as "not set" (the rule's default applies):
CloudFormation cannot leave a key out of InputParameters conditionally.
"""

from __future__ import annotations

from typing import Any

from smguard.deploy.naming import camel
from smguard.engine.parameters import Boolean, Choice, CsvList, Integer, ParameterSpec, Pattern

NOT_SET = ""
DESCRIPTION_MAX_LENGTH = 4000


class UnsupportedParameterKindError(TypeError):
    """A rule parameter kind the template cannot validate yet."""


def template_parameter_name(rule_name: str, parameter_name: str) -> str:
    return f"{camel(rule_name)}{parameter_name}"


def render_default(default: Any) -> str | None:
    """A rule parameter default as a user would type it into the template parameter."""
    if default is None:
        return None
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, (tuple, list)):
        return ",".join(str(item) for item in default)
    return str(default)


def describe(description: str, default: Any) -> str:
    shown = render_default(default) or "not set"
    text = f"{description} Empty: the rule's default ({shown})."
    if len(text) > DESCRIPTION_MAX_LENGTH:
        raise ValueError(f"parameter description longer than {DESCRIPTION_MAX_LENGTH} characters: {text[:80]}...")
    return text


def constraint(spec: ParameterSpec) -> dict[str, Any]:
    """AllowedValues or AllowedPattern (with a ConstraintDescription) accepting the empty string too."""
    kind = spec.kind
    if isinstance(kind, Boolean):
        return {"AllowedValues": [NOT_SET, "true", "false"]}
    if isinstance(kind, Choice):
        return {"AllowedValues": [NOT_SET, *kind.values]}
    if isinstance(kind, Integer):
        if kind.allowed:
            return {"AllowedValues": [NOT_SET, *(str(value) for value in kind.allowed)]}
        return {"AllowedPattern": "^(|-?[0-9]+)$", "ConstraintDescription": "must be a whole number or empty"}
    if isinstance(kind, CsvList):
        item = f"(?:{kind.pattern})"
        return {
            "AllowedPattern": f"^(|{item}( *, *{item})*)$",
            "ConstraintDescription": f"must be empty or a comma-separated list of {kind.item_description}",
        }
    if isinstance(kind, Pattern):
        return {
            "AllowedPattern": f"^(|(?:{kind.pattern}))$",
            "ConstraintDescription": f"must be empty or {kind.description}",
        }
    raise UnsupportedParameterKindError(
        f"parameter {spec.name}: kind {type(kind).__name__} has no template constraint; "
        "add one in smguard/deploy/parameters.py"
    )


def template_parameter(spec: ParameterSpec, description: str) -> dict[str, Any]:
    return {
        "Type": "String",
        "Default": NOT_SET,
        "Description": describe(description, spec.default),
        **constraint(spec),
    }
