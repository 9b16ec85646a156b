"""Values of a template resource's properties typed as CloudFormation types them on the way to the API.

A template gives ``"true"`` or ``"2"`` where the recorded item has a boolean or a number; which
properties are typed is each resource type's and fact kind's knowledge (smguard.resources). How
each type's recorded configuration is built from its properties is in its own module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from smguard.resources import fact_kinds, resource_types
from smguard.resources.base import BOOLEAN, INTEGER, SUBNET_ID, TypedProperties
from smguard.scan.values import Configuration, Opaque, ResourceReference, Unresolved, Why

SUBNET = "AWS::EC2::Subnet"


@cache
def typed_properties() -> dict[str, TypedProperties]:
    """Each template resource type's typed properties: those of the resource types, and of the
    resources fact kinds are built from."""
    table = {name: definition.template_typed_properties for name, definition in resource_types().items()}
    for kind in fact_kinds():
        table.update(kind.template_typed_properties)
    return table


INTEGER_TEXT = re.compile(r"-?\d+")


def typed(resource_type: str, properties: Any) -> Any:
    """The properties with Boolean and Integer values converted as CloudFormation converts them,
    and references to template resources that are not subnets given where a subnet id is taken
    made open."""
    if not isinstance(properties, Configuration):
        return properties
    for path, kind in typed_properties().get(resource_type, ()):
        for container, key in _slots(properties, path):
            value = container[key] if isinstance(container, list) else dict.__getitem__(container, key)
            converted = _converted(value, kind)
            if converted is not value:
                if isinstance(container, list):
                    container[key] = converted
                else:
                    dict.__setitem__(container, key, converted)
    return properties


def _slots(node: Any, path: Sequence[str]) -> Iterator[tuple[Any, Any]]:
    """(container, key) of each value at ``path`` that the properties have."""
    step, rest = path[0], path[1:]
    if step == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _slots(item, rest) if rest else [(node, index)]
    elif isinstance(node, Configuration) and dict.__contains__(node, step):
        yield from _slots(dict.__getitem__(node, step), rest) if rest else [(node, step)]


def _converted(value: Any, kind: str) -> Any:
    if kind == SUBNET_ID:
        return _not_a_subnet(value) if isinstance(value, ResourceReference) and not _may_be_subnet(value) else value
    if isinstance(value, Unresolved):
        # The recorded value is a boolean or number, which no string stand-in can imitate.
        return Opaque(value.shown, value.why, value.path)
    if kind == BOOLEAN and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if kind == INTEGER and isinstance(value, str) and INTEGER_TEXT.fullmatch(value):
        return int(value)
    return value


def _may_be_subnet(reference: ResourceReference) -> bool:
    """A subnet's id (!Ref or !GetAtt .SubnetId), or a value the template itself defines (a custom
    resource, a nested stack's output, an SSM parameter's value), which may be one."""
    if reference.resource_type == SUBNET:
        return reference.attribute in (None, "SubnetId")
    return (
        reference.resource_type.startswith("Custom::")
        or reference.resource_type == "AWS::CloudFormation::CustomResource"
        or (reference.attribute or "").startswith("Outputs.")
        or (reference.resource_type == "AWS::SSM::Parameter" and reference.attribute == "Value")
    )


def _not_a_subnet(reference: ResourceReference) -> Unresolved:
    """A reference to another kind of resource where a subnet id is taken (CloudFormation would
    fail to create the resource): open, so that nothing is decided on it, with why."""
    what = f"the {reference.attribute} of" if reference.attribute else "the id of"
    why = Why(
        reference.shown,
        f"{what} {reference.resource_type} {reference.logical_id}, not a subnet id",
        "reference an AWS::EC2::Subnet (!Ref, or !GetAtt <Subnet>.SubnetId)",
    )
    return Unresolved(reference.shown, why, path=reference.path)
