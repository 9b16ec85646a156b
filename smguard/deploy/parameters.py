"""Template parameters for the rule parameters users set, validated at deploy time.

Every rule parameter becomes one String template parameter named ``<Rule><Parameter>``
(``SagemakerKmsKmsKeyArns``), described by the parameter's declaration and constrained with the same
pattern or values the rule parses with, so a typo fails ``sam deploy`` instead of every evaluation.
Each defaults to the empty string, which the engine reads as "not set" (the rule's default applies):
CloudFormation cannot leave a key out of InputParameters conditionally.

Free-text parameters (patterns, lists) also get a MaxLength: together they share what AWS Config's
1,024-character limit on a rule's InputParameters leaves once the keys and every other value, at
its longest, are counted (:func:`free_text_max_lengths`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from smguard.deploy.naming import camel
from smguard.engine.parameters import (
    RULE_PARAMETERS_MAX_LENGTH,
    Boolean,
    Choice,
    CsvList,
    Integer,
    ParameterSpec,
    Pattern,
)

NOT_SET = ""
DESCRIPTION_MAX_LENGTH = 4000
FREE_TEXT_MIN_LENGTH = 64
"""The least a free-text parameter may get: a couple of IDs or one ARN. A rule whose parameters
leave less refuses to be generated rather than deploy a parameter nobody can fill."""
INPUT_PARAMETERS_SEPARATORS = (", ", ": ")
"""How CloudFormation serializes a ConfigRule's InputParameters object is not documented: the budget
assumes the wider separators (organization mode writes the JSON itself, without spaces)."""


class InputParametersBudgetError(ValueError):
    """A rule's parameters cannot fit AWS Config's InputParameters limit with usable lengths."""


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


def free_text_max_lengths(
    rule_name: str, specs: Sequence[ParameterSpec], other_values: Mapping[str, int]
) -> dict[str, int]:
    """Config parameter name -> MaxLength, for each of ``specs`` not limited to a set of values.

    ``other_values`` gives the longest value of the parameters the engine adds (name -> length).
    What the 1,024 characters leave after the keys, the quotes and separators, the fixed-value
    parameters and ``other_values`` is shared equally by the free-text parameters.
    """
    longest = dict(other_values)
    free = []
    for spec in specs:
        allowed = constraint(spec).get("AllowedValues")
        if allowed is None:
            free.append(spec.name)
        else:
            longest[spec.name] = max(len(value) for value in allowed)
    if not free:
        return {}
    skeleton = json.dumps(dict.fromkeys([*longest, *free], ""), separators=INPUT_PARAMETERS_SEPARATORS)
    share = (RULE_PARAMETERS_MAX_LENGTH - len(skeleton) - sum(longest.values())) // len(free)
    if share < FREE_TEXT_MIN_LENGTH:
        raise InputParametersBudgetError(
            f"rule {rule_name}: its parameters leave {share} characters to each of {', '.join(free)} within "
            f"AWS Config's {RULE_PARAMETERS_MAX_LENGTH}-character InputParameters (at least {FREE_TEXT_MIN_LENGTH} needed)"
        )
    return dict.fromkeys(free, share)


def template_parameter(spec: ParameterSpec, max_length: int | None) -> dict[str, Any]:
    """``max_length``: from :func:`free_text_max_lengths` for a free-text parameter, else None."""
    declared = {"Type": "String", "Default": NOT_SET, "Description": describe(spec.description, spec.default), **constraint(spec)}
    if max_length is not None:
        declared["MaxLength"] = max_length
        declared["ConstraintDescription"] += f", at most {max_length} characters"
    return declared
