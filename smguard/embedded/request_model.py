"""Requests checked against AWS Config's API model, as the service checks them.

AWS refuses a request that breaks its model's constraints (lengths, patterns, enums, list sizes)
with ValidationException listing every broken constraint ("N validation error(s) detected: ...",
each "Value '...' at '<member path>' failed to satisfy constraint: Member must ..."), and a Limit
beyond its range with InvalidLimitException. The model is botocore's copy of the one AWS publishes,
so the bounds are read from it rather than copied into this code. Locations name members in
lowerCamelCase and list items as ``<list>.<n>.member``, as the other embedded APIs do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.model import Shape

from smguard.embedded.config_compliance import _aggregate_limit_error, _limit, _validation_error

_MODEL = botocore.session.get_session().get_service_model("config")


def _model_errors(operation: str, request: Mapping[str, Any]) -> list[str]:
    """Every model constraint ``request`` breaks but its Limit (InvalidLimitException, apart)."""
    return _shape_errors(request, _MODEL.operation_model(operation).input_shape, "")


def _shape_errors(value: Any, shape: Shape, location: str) -> list[str]:
    kind = shape.type_name
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if kind == "structure":
        if not isinstance(value, Mapping):
            return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must be a structure"]
        errors: list[str] = []
        for name, member in shape.members.items():
            where = f"{location}.{name[0].lower()}{name[1:]}" if location else f"{name[0].lower()}{name[1:]}"
            if value.get(name) is None:
                if name in shape.required_members:
                    errors.append(f"Value null at '{where}' failed to satisfy constraint: Member must not be null")
            elif name != "Limit" or location:
                errors += _shape_errors(value[name], member, where)
        return errors
    if kind == "list":
        if not isinstance(value, list):
            return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must be a list"]
        errors = _bound_errors(len(value), value, location, low, high, "length")
        for index, item in enumerate(value, start=1):
            errors += _shape_errors(item, shape.member, f"{location}.{index}.member")
        return errors
    if kind == "string":
        if not isinstance(value, str):
            return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must be a string"]
        errors = _bound_errors(len(value), value, location, low, high, "length")
        if shape.enum and value not in shape.enum:
            errors.append(f"Value '{value}' at '{location}' failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(shape.enum)}]")
        pattern = shape.metadata.get("pattern")
        if pattern and re.fullmatch(pattern, value) is None:
            errors.append(f"Value '{value}' at '{location}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}")
        return errors
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must be an integer"]
        return _bound_errors(value, value, location, low, high, "value")
    return []


def _bound_errors(measure: int, value: Any, location: str, low: int | None, high: int | None, what: str) -> list[str]:
    if low is not None and measure < low:
        return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must have {what} greater than or equal to {low}"]
    if high is not None and measure > high:
        return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must have {what} less than or equal to {high}"]
    return []


def check_request(operation: str, request: Mapping[str, Any]) -> None:
    """Refuse ``request`` to ``operation`` (``PutConformancePack``) with every constraint it breaks."""
    errors = _model_errors(operation, request)
    if errors:
        raise _validation_error(errors)


def page_size_of(operation: str, limit: Any) -> int:
    """The page size ``limit`` asks of ``operation``: 0 or absent is the model's maximum (decision:
    AWS publishes no default for most listings), beyond it InvalidLimitException."""
    maximum = _MODEL.operation_model(operation).input_shape.members["Limit"].metadata["max"]
    return _limit(limit, maximum, maximum, _aggregate_limit_error(maximum))
