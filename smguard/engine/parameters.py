"""Rule parameters, parsed once into a typed, immutable object.

AWS Config hands a rule its InputParameters as a JSON object of strings. A typo there would
otherwise surface as a silently wrong evaluation, so every rule declares its parameters here and
anything unknown or malformed is rejected with the parameter's name and the expected format.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from smguard.engine.errors import InvalidRuleParameterError

RULE_PARAMETERS_MAX_LENGTH = 1024
"""AWS Config's limit on a rule's InputParameters, in characters."""


class ParameterKind(Protocol):
    """How one parameter's raw value is read."""

    @property
    def label(self) -> str:
        """The type as the metadata and the template describe it (``CSV list``, ``Boolean``...)."""
        ...

    def parse(self, name: str, raw: object) -> Any: ...


@dataclass(frozen=True)
class CsvList:
    """Comma-separated values, each matching ``pattern``; blanks around commas are ignored."""

    pattern: str
    item_description: str
    label: str = "CSV list"

    def parse(self, name: str, raw: object) -> tuple[str, ...]:
        text = _require_string(name, raw)
        items = tuple(item.strip() for item in text.split(","))
        for item in items:
            if not item:
                raise InvalidRuleParameterError(
                    name, f"{text!r} has an empty item; expected a comma-separated list of {self.item_description}"
                )
            if not re.fullmatch(self.pattern, item):
                raise InvalidRuleParameterError(
                    name, f"{item!r} is not {self.item_description} (expected pattern {self.pattern})"
                )
        return items


@dataclass(frozen=True)
class Boolean:
    """``true`` or ``false`` in any casing (a JSON boolean is accepted too)."""

    label: str = "Boolean"

    def parse(self, name: str, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        text = _require_string(name, raw).strip().lower()
        if text not in ("true", "false"):
            raise InvalidRuleParameterError(name, f"{raw!r} is not a boolean; expected true or false")
        return text == "true"


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of values, matched exactly (AWS enumerations are case-sensitive)."""

    values: tuple[str, ...]
    label: str = "Enumeration"

    def parse(self, name: str, raw: object) -> str:
        text = _require_string(name, raw).strip()
        if text not in self.values:
            raise InvalidRuleParameterError(name, f"{raw!r} is not one of {', '.join(self.values)}")
        return text


@dataclass(frozen=True)
class Integer:
    """A whole number, restricted to ``allowed`` values when given."""

    allowed: tuple[int, ...] = ()
    label: str = "Integer"

    def parse(self, name: str, raw: object) -> int:
        if isinstance(raw, bool) or not isinstance(raw, (int, str)):
            raise InvalidRuleParameterError(name, f"{raw!r} is not a whole number")
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise InvalidRuleParameterError(name, f"{raw!r} is not a whole number") from None
        if self.allowed and value not in self.allowed:
            raise InvalidRuleParameterError(
                name, f"{value} is not one of {', '.join(str(a) for a in self.allowed)}"
            )
        return value


@dataclass(frozen=True)
class Pattern:
    """A single string matching ``pattern``."""

    pattern: str
    description: str
    label: str = "String"

    def parse(self, name: str, raw: object) -> str:
        text = _require_string(name, raw).strip()
        if not re.fullmatch(self.pattern, text):
            raise InvalidRuleParameterError(name, f"{raw!r} is not {self.description} (expected pattern {self.pattern})")
        return text


def _require_string(name: str, raw: object) -> str:
    if not isinstance(raw, str):
        raise InvalidRuleParameterError(name, f"expected a string, got {type(raw).__name__} {raw!r}")
    return raw


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter, declared once: the Config name, its kind, default and the description the
    template and docs/rules.md show."""

    name: str
    kind: ParameterKind
    default: Any
    description: str


def parameter(name: str, kind: ParameterKind, default: Any, description: str) -> Any:
    """Declare a dataclass field of a :class:`RuleParameters` subclass bound to a Config parameter."""
    if not description.strip():
        raise ValueError(f"parameter {name} needs a description: the template and the docs show it")
    spec = ParameterSpec(name, kind, default, description)
    return dataclasses.field(default=default, metadata={"spec": spec})


P = TypeVar("P", bound="RuleParameters")


@dataclass(frozen=True)
class RuleParameters:
    """Base of every rule's parameter set; subclasses are frozen dataclasses of :func:`parameter` fields.

    An empty string means "not set" (CloudFormation cannot omit a key conditionally, so the
    template passes empty strings), and the default applies.
    """

    @classmethod
    def specs(cls) -> tuple[ParameterSpec, ...]:
        return tuple(f.metadata["spec"] for f in dataclasses.fields(cls) if "spec" in f.metadata)

    @classmethod
    def parse(cls: type[P], raw: Mapping[str, object], also_accepted: Collection[str] = ()) -> P:
        """Parse the parameters this class declares; ``also_accepted`` names others read elsewhere.

        The handler passes the engine's own parameter names there, so that a misspelt
        ``ExecutionRoleName`` is reported against every name the deployed rule accepts.
        """
        specs = {spec.name: spec for spec in cls.specs()}
        unknown = sorted(set(raw) - set(specs) - set(also_accepted))
        if unknown:
            accepted = ", ".join(sorted(specs)) or "none"
            shared = f"; every rule also accepts: {', '.join(sorted(also_accepted))}" if also_accepted else ""
            raise InvalidRuleParameterError(unknown[0], f"unknown parameter; this rule accepts: {accepted}{shared}")
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            spec = field.metadata.get("spec")
            if spec is None or spec.name not in raw:
                continue
            value = raw[spec.name]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            values[field.name] = spec.kind.parse(spec.name, value)
        return cls(**values)


@dataclass(frozen=True)
class NoParameters(RuleParameters):
    """For rules that take no parameters of their own."""
