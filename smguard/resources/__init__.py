"""What smguard knows about each AWS Config resource type, and the facts checks read beside them.

Every module of :mod:`smguard.resources.types` defines one type (``TYPE``), every module of
:mod:`smguard.resources.facts` its fact kinds; there is no table to edit: evaluate, scan, the demo
and the tests find them here. See docs/resource-types.md.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from functools import cache

from smguard.resources import facts, types
from smguard.resources.base import FactKind, ResourceType


@cache
def resource_types() -> Mapping[str, ResourceType]:
    """Every defined type by its name, in name order."""
    found: dict[str, ResourceType] = {}
    for module_info in pkgutil.iter_modules(types.__path__):
        module = importlib.import_module(f"{types.__name__}.{module_info.name}")
        definition = getattr(module, "TYPE", None)
        if not isinstance(definition, ResourceType):
            raise TypeError(f"{module.__name__} must define TYPE, an instance of its ResourceType subclass")
        if definition.name in found:
            raise TypeError(f"{definition.name} is defined twice ({module.__name__})")
        found[definition.name] = definition
    return dict(sorted(found.items()))



@cache
def fact_kinds() -> tuple[FactKind, ...]:
    """Every fact kind the modules of :mod:`smguard.resources.facts` define."""
    found: list[FactKind] = []
    for module_info in pkgutil.iter_modules(facts.__path__):
        module = importlib.import_module(f"{facts.__name__}.{module_info.name}")
        found += [value for value in vars(module).values() if isinstance(value, FactKind) and value not in found]
    return tuple(found)


@cache
def recorded_fact_types() -> Mapping[str, FactKind]:
    """The Config types whose recorded items hold a fact kind's facts, with that kind."""
    return {kind.recorded_type: kind for kind in fact_kinds() if kind.recorded_type}


def advanced_query_answers(resource_type: str) -> bool:
    """Whether SelectResourceConfig answers for the type, as its module (or fact kind) declares;
    an unknown type is read the way that serves every recorded type (not queryable)."""
    if resource_type in resource_types():
        return resource_types()[resource_type].queryable
    kind = recorded_fact_types().get(resource_type)
    return kind is not None and kind.recorded_type_queryable
