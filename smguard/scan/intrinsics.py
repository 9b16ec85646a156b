"""Resolve CloudFormation intrinsic functions as far as the template determines them.

Parameters take their ``--parameter-overrides`` value, else their default; conditions are
evaluated in three-valued logic (true, false, or open when they depend on an open value);
mappings, ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::If`` and
``AWS::NoValue`` are applied. Whatever stays open becomes an :class:`Unresolved` string or an
:class:`Opaque` value that says why, never a guess. Pseudo parameters: ``AWS::Region`` and
``AWS::Partition`` are known when a region is given; ``AWS::AccountId``, ``AWS::StackName``,
``AWS::StackId``, ``AWS::URLSuffix`` (without a region) and ``AWS::NotificationARNs`` stay open.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.session

from smguard.scan.errors import TemplateError, UnresolvedValueError
from smguard.scan.loader import LoadedTemplate, LocatedDict
from smguard.scan.values import Configuration, ImportedReference, Opaque, ResourceReference, Unresolved, Why, is_open

ABSENT: Any = object()
"""``AWS::NoValue``: the property is removed, as if the template did not set it."""

SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
DYNAMIC_REFERENCE = "{{resolve:"
SHOWN_LIMIT = 70
LIST_ATTRIBUTES = frozenset({"CidrBlockAssociations", "Ipv6CidrBlocks", "DnsEntries", "NetworkInterfaceIds", "SecurityGroupIds", "SubnetIds"})
"""GetAtt attributes that return lists (the rest return strings)."""


@dataclass(frozen=True)
class Condition:
    """A condition's value: True, False, or None (open) with why."""

    value: bool | None
    why: Why | None = None


def shown(expression: Any) -> str:
    """A template expression in short form, for messages (``!Ref X``, ``!Sub a-${B}``)."""
    text = _shown(expression)
    return text if len(text) <= SHOWN_LIMIT else text[: SHOWN_LIMIT - 3] + "..."


def _shown(expression: Any) -> str:
    if isinstance(expression, Mapping) and len(expression) == 1:
        (name, argument), = expression.items()
        if name == "Ref":
            return f"!Ref {argument}"
        if name == "Fn::GetAtt" and isinstance(argument, list) and len(argument) == 2:
            return f"!GetAtt {argument[0]}.{argument[1]}"
        if name.startswith("Fn::"):
            if isinstance(argument, str):
                return f"!{name[4:]} {argument}"
            return f"!{name[4:]} {_shown(argument)}"
        if name == "Condition":
            return f"!Condition {argument}"
    if isinstance(expression, list):
        return "[" + ", ".join(_shown(item) for item in expression) + "]"
    if isinstance(expression, Mapping):
        return "{" + ", ".join(f"{key}: {_shown(value)}" for key, value in expression.items()) + "}"
    if isinstance(expression, Unresolved):
        return expression.shown
    return str(expression)


@cache
def partition_of(region: str) -> str:
    """aws, aws-cn, aws-us-gov... from botocore's bundled endpoint data (no network)."""
    return botocore.session.get_session().get_partition_for_region(region)


class Resolver:
    """Resolves the values of one template, given parameter overrides and, optionally, the region."""

    def __init__(self, template: LoadedTemplate, overrides: Mapping[str, str], region: str | None) -> None:
        self.template = template
        self.path = template.path
        self.parameters = self._section("Parameters")
        self.mappings = self._section("Mappings")
        self.conditions = self._section("Conditions")
        self.resources = self._section("Resources")
        self.region = region
        self.overrides = {name: value for name, value in overrides.items() if name in self.parameters}
        self._parameter_values: dict[str, Any] = {}
        self._condition_values: dict[str, Condition] = {}
        self.exports: Mapping[str, tuple[str, Any]] = {}
        """Export name -> (exporting template's path, resolved value), of every template scanned
        with this one (smguard.scan.template.link_exports); empty when scanned alone."""
        self._evaluating: set[str] = set()

    def _section(self, name: str) -> LocatedDict:
        section = self.template.document.get(name, LocatedDict())
        if section is None:
            section = LocatedDict()
        if not isinstance(section, LocatedDict):
            raise TemplateError(self.path, f"{name} must be a mapping", self.template.document.line_of(name))
        return section

    def error(self, problem: str, node: Any = None, key: str | None = None) -> TemplateError:
        line = node.line_of(key) if isinstance(node, LocatedDict) and key is not None else None
        if line is None and isinstance(node, LocatedDict) and node.key_lines:
            line = min(node.key_lines.values())
        return TemplateError(self.path, problem, line)

    # --- values -----------------------------------------------------------------------------

    def resolve(self, value: Any, path: str) -> Any:
        """The value with every intrinsic function applied as far as the template determines it."""
        if isinstance(value, Mapping):
            if len(value) == 1:
                (name, argument), = value.items()
                if name == "Ref" or name.startswith("Fn::"):
                    return _placed(self._function(value, name, argument, path), path)
            resolved = Configuration()
            for key, item in value.items():
                child = self.resolve(item, f"{path}.{key}" if path else key)
                if child is not ABSENT:
                    resolved[key] = child
            return resolved
        if isinstance(value, list):
            items = []
            for index, item in enumerate(value):
                child = self.resolve(item, f"{path}[{index}]")
                if isinstance(child, Opaque):
                    return child.at(path)  # an item that may be absent: the list's length is open
                if child is not ABSENT:
                    items.append(child)
            return items
        if isinstance(value, str) and DYNAMIC_REFERENCE in value:
            return Unresolved(value, Why(value, "a dynamic reference, resolved when the stack is deployed"), path=path)
        return value

    def _function(self, node: Any, name: str, argument: Any, path: str) -> Any:
        handler = _FUNCTIONS.get(name)
        if handler is None:
            return Opaque(shown(node), Why(name, "a function smguard scan does not evaluate"))
        return handler(self, node, argument, path)

    def _ref(self, node: Any, name: Any, path: str) -> Any:
        if not isinstance(name, str):
            raise self.error(f"Ref takes a name, not {shown(name)}", node, "Ref")
        if name.startswith("AWS::"):
            return self._pseudo(name)
        if name in self.parameters:
            return self.parameter(name)
        if name in self.resources:
            return ResourceReference(name, self.resource_type(name))
        raise self.error(f"Ref {name}: no parameter or resource of that name", node, "Ref")

    def resource_type(self, logical_id: str) -> str:
        resource = self.resources.get(logical_id)
        kind = resource.get("Type") if isinstance(resource, Mapping) else None
        return kind if isinstance(kind, str) else "unknown type"

    def _pseudo(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return ABSENT
        region_fix = "pass --region to evaluate it"
        if name == "AWS::Region":
            if self.region:
                return self.region
            return Unresolved("!Ref AWS::Region", Why(name, "the region the stack is deployed in", region_fix), excluded=("",))
        if name == "AWS::Partition":
            if self.region:
                return partition_of(self.region)
            return Unresolved("!Ref AWS::Partition", Why(name, "the partition of the stack's region", region_fix), candidates=("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"))
        if name == "AWS::URLSuffix" and self.region:
            return "amazonaws.com.cn" if partition_of(self.region) == "aws-cn" else "amazonaws.com"
        if name == "AWS::NotificationARNs":
            return Opaque("!Ref AWS::NotificationARNs", Why(name, "known only once deployed"))
        if name in ("AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::URLSuffix"):
            return Unresolved(f"!Ref {name}", Why(name, "known only once deployed"), excluded=("",))
        raise TemplateError(self.path, f"Ref {name}: not a pseudo parameter")

    def parameter(self, name: str) -> Any:
        if name not in self._parameter_values:
            self._parameter_values[name] = self._parameter(name)
        return self._parameter_values[name]

    def _parameter(self, name: str) -> Any:
        spec = self.parameters[name]
        if not isinstance(spec, Mapping):
            raise self.error(f"parameter {name} must be a mapping", self.parameters, name)
        kind = str(spec.get("Type", "String"))
        fix = f"pass --parameter-overrides {name}=VALUE to evaluate it"
        if name in self.overrides:
            raw: Any = self.overrides[name]
        elif "Default" in spec:
            raw = spec["Default"]
        else:
            allowed = spec.get("AllowedValues")
            candidates = [parameter_text(v) for v in allowed] if isinstance(allowed, list) else None
            non_empty = kind.startswith("AWS::") or _int(spec.get("MinLength")) >= 1
            if kind.startswith("List<") or kind == "CommaDelimitedList":
                return Opaque(f"!Ref {name}", Why(name, "a list parameter without default", fix))
            return Unresolved(
                f"!Ref {name}",
                Why(name, "a parameter without default", fix),
                candidates=candidates,
                excluded=("",) if non_empty else (),
            )
        if kind.startswith("AWS::SSM::Parameter::Value<"):
            return Unresolved(
                f"!Ref {name}", Why(name, f"read from SSM parameter {parameter_text(raw)} when the stack is deployed")
            )
        if kind.startswith("List<") or kind == "CommaDelimitedList":
            items = raw if isinstance(raw, list) else parameter_text(raw).split(",")
            values = [parameter_text(item).strip() if kind == "CommaDelimitedList" else parameter_text(item) for item in items]
            for value in values:
                self._allowed(name, spec, value)
            return values
        value = parameter_text(raw)
        self._allowed(name, spec, value)
        return value

    def _allowed(self, name: str, spec: Mapping[str, Any], value: str) -> None:
        origin = "--parameter-overrides value" if name in self.overrides else "default"
        allowed = spec.get("AllowedValues")
        if isinstance(allowed, list) and value not in [parameter_text(v) for v in allowed]:
            raise self.error(
                f"parameter {name}: {origin} {value!r} is not in AllowedValues ({', '.join(map(parameter_text, allowed))})",
                self.parameters,
                name,
            )
        pattern = spec.get("AllowedPattern")
        if isinstance(pattern, str) and re.fullmatch(pattern, value) is None:
            raise self.error(f"parameter {name}: {origin} {value!r} does not match AllowedPattern {pattern}", self.parameters, name)

    # --- conditions -------------------------------------------------------------------------

    def condition(self, name: Any, node: Any = None) -> Condition:
        if not isinstance(name, str) or name not in self.conditions:
            raise self.error(f"condition {name} is not declared in Conditions", node if node is not None else self.conditions)
        if name in self._condition_values:
            return self._condition_values[name]
        if name in self._evaluating:
            raise self.error(f"condition {name} refers to itself", self.conditions, name)
        self._evaluating.add(name)
        try:
            result = self._condition(self.conditions[name], name)
        finally:
            self._evaluating.discard(name)
        if result.value is None and result.why is not None:
            result = Condition(None, Why(f"condition {name}", f"open ({result.why.subject} is {result.why.nature})", result.why.fix))
        self._condition_values[name] = result
        return result

    def _condition(self, expression: Any, name: str) -> Condition:
        if not isinstance(expression, Mapping) or len(expression) != 1:
            raise self.error(f"condition {name}: {shown(expression)} is not a condition function", self.conditions, name)
        (function, argument), = expression.items()
        if function == "Condition":
            return self.condition(argument, expression)
        if function == "Fn::Equals":
            if not isinstance(argument, list) or len(argument) != 2:
                raise self.error(f"condition {name}: Fn::Equals takes two values", self.conditions, name)
            return _equals(self.resolve(argument[0], f"condition {name}"), self.resolve(argument[1], f"condition {name}"))
        if function in ("Fn::And", "Fn::Or", "Fn::Not"):
            if not isinstance(argument, list) or not argument:
                raise self.error(f"condition {name}: {function} takes a list of conditions", self.conditions, name)
            parts = [self._condition(part, name) for part in argument]
            if function == "Fn::Not":
                part = parts[0]
                return Condition(None if part.value is None else not part.value, part.why)
            decisive = function == "Fn::Or"  # Or is decided by one True, And by one False
            if any(part.value is decisive for part in parts):
                return Condition(decisive)
            open_part = next((part for part in parts if part.value is None), None)
            return Condition(not decisive) if open_part is None else open_part
        raise self.error(f"condition {name}: {function} is not a condition function", self.conditions, name)


def _equals(left: Any, right: Any) -> Condition:
    for value in (left, right):
        if isinstance(value, Opaque):
            return Condition(None, value.why)
    try:
        return Condition(_text(left) == _text(right))
    except UnresolvedValueError:
        open_value = left if isinstance(left, Unresolved) else right
        return Condition(None, open_value.why)


def _text(value: Any) -> Any:
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, list):
        return [_text(item) for item in value]
    return parameter_text(value)


def parameter_text(value: Any) -> str:
    """A parameter or Equals operand as CloudFormation sees it: a string (true -> "true")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _placed(value: Any, path: str) -> Any:
    return value.at(path) if is_open(value) else value


# --- functions -------------------------------------------------------------------------------


def _get_att(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    if isinstance(argument, str):
        argument = argument.split(".", 1)
    if not isinstance(argument, list) or len(argument) != 2 or not all(isinstance(a, str) for a in argument):
        raise resolver.error(f"Fn::GetAtt takes [LogicalId, Attribute], not {shown(argument)}", node, "Fn::GetAtt")
    logical_id, attribute = argument
    if logical_id not in resolver.resources:
        raise resolver.error(f"Fn::GetAtt {logical_id}.{attribute}: no resource {logical_id}", node, "Fn::GetAtt")
    kind = resolver.resource_type(logical_id)
    if attribute in LIST_ATTRIBUTES:
        return Opaque(f"!GetAtt {logical_id}.{attribute}", Why(logical_id, f"a resource of this template ({kind}), known only once deployed"))
    return ResourceReference(logical_id, kind, attribute)


def _sub(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    variables: Mapping[str, Any] = {}
    if isinstance(argument, list):
        if len(argument) != 2 or not isinstance(argument[0], str) or not isinstance(argument[1], Mapping):
            raise resolver.error("Fn::Sub takes a string or [string, {variables}]", node, "Fn::Sub")
        argument, variables = argument
    if not isinstance(argument, str):
        raise resolver.error(f"Fn::Sub takes a string, not {shown(argument)}", node, "Fn::Sub")
    pieces: list[Any] = []
    cursor = 0
    for match in SUB_VARIABLE.finditer(argument):
        pieces.append(argument[cursor : match.start()])
        cursor = match.end()
        name = match.group(1)
        if name.startswith("!"):
            pieces.append("${" + name[1:] + "}")
        elif name in variables:
            pieces.append(resolver.resolve(variables[name], path))
        elif "." in name and not name.startswith("AWS::"):
            pieces.append(_get_att(resolver, node, name.split(".", 1), path))
        else:
            pieces.append(resolver._ref(node, name, path))
    pieces.append(argument[cursor:])
    return _concatenate(pieces, shown(node))


def _join(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[0], str):
        raise resolver.error("Fn::Join takes [delimiter, [values]]", node, "Fn::Join")
    delimiter, items = argument[0], resolver.resolve(argument[1], path)
    if isinstance(items, Opaque):
        return Opaque(shown(node), items.why)
    if not isinstance(items, list):
        raise resolver.error(f"Fn::Join needs a list of values, not {shown(argument[1])}", node, "Fn::Join")
    pieces: list[Any] = []
    for index, item in enumerate(items):
        if index:
            pieces.append(delimiter)
        pieces.append(item)
    return _concatenate(pieces, shown(node))


def _concatenate(pieces: list[Any], display: str) -> Any:
    """Join resolved pieces; any open piece makes the whole string open (but known non-empty when
    some piece is)."""
    open_piece = next((piece for piece in pieces if is_open(piece) or piece is ABSENT), None)
    if open_piece is None:
        if not all(isinstance(piece, (str, int, float)) for piece in pieces):
            return Opaque(display, Why(display, "not a string"))
        return "".join(parameter_text(piece) for piece in pieces)
    if isinstance(open_piece, Opaque) or open_piece is ABSENT:
        why = open_piece.why if isinstance(open_piece, Opaque) else Why("AWS::NoValue", "not a string")
        return Opaque(display, why)
    non_empty = any(
        (isinstance(piece, Unresolved) and piece.known_non_empty) or (isinstance(piece, str) and not isinstance(piece, Unresolved) and piece)
        for piece in pieces
    )
    return Unresolved(display, open_piece.why, excluded=("",) if non_empty else ())


def _select(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    if not isinstance(argument, list) or len(argument) != 2:
        raise resolver.error("Fn::Select takes [index, list]", node, "Fn::Select")
    index, items = resolver.resolve(argument[0], path), resolver.resolve(argument[1], path)
    for value in (index, items):
        if isinstance(value, (Unresolved, Opaque)):
            return Unresolved(shown(node), value.why) if isinstance(value, Unresolved) else Opaque(shown(node), value.why)
    if not isinstance(items, list):
        raise resolver.error(f"Fn::Select needs a list, not {shown(argument[1])}", node, "Fn::Select")
    try:
        return items[int(index)]
    except (ValueError, IndexError):
        raise resolver.error(f"Fn::Select index {index} is outside the list of {len(items)}", node, "Fn::Select") from None


def _split(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[0], str):
        raise resolver.error("Fn::Split takes [delimiter, string]", node, "Fn::Split")
    source = resolver.resolve(argument[1], path)
    if is_open(source):
        return Opaque(shown(node), source.why)
    return str(source).split(argument[0])


def _find_in_map(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    if not isinstance(argument, list) or len(argument) not in (3, 4):
        raise resolver.error("Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]", node, "Fn::FindInMap")
    keys = [resolver.resolve(key, path) for key in argument[:3]]
    open_key = next((key for key in keys if is_open(key)), None)
    if open_key is not None:
        candidates = _map_candidates(resolver, keys)
        if candidates is not None and isinstance(open_key, Unresolved):
            return Unresolved(shown(node), open_key.why, candidates=candidates)
        return Opaque(shown(node), open_key.why)
    level: Any = resolver.mappings
    for depth, key in enumerate(keys):
        if not isinstance(level, Mapping) or parameter_text(key) not in level:
            if len(argument) == 4:  # AWS::LanguageExtensions DefaultValue
                return resolver.resolve(argument[3].get("DefaultValue") if isinstance(argument[3], Mapping) else None, path)
            what = ("mapping", "top-level key", "second-level key")[depth]
            raise resolver.error(f"Fn::FindInMap: no {what} {key!r}", node, "Fn::FindInMap")
        level = level[parameter_text(key)]
    return resolver.resolve(level, path)


def _map_candidates(resolver: Resolver, keys: list[Any]) -> set[str] | None:
    """Every string the lookup may give, when all of them are strings (else None)."""
    levels: list[Any] = [resolver.mappings]
    for key in keys:
        following = []
        for level in levels:
            if not isinstance(level, Mapping):
                return None
            following += list(level.values()) if is_open(key) else ([level[key]] if key in level else [])
        levels = following
    if levels and all(isinstance(value, str) for value in levels):
        return set(levels)
    return None


def _if(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    if not isinstance(argument, list) or len(argument) != 3:
        raise resolver.error("Fn::If takes [Condition, value if true, value if false]", node, "Fn::If")
    decided = resolver.condition(argument[0], node)
    if decided.value is not None:
        return resolver.resolve(argument[1] if decided.value else argument[2], path)
    why = decided.why or Why(f"condition {argument[0]}", "open")
    branches = [resolver.resolve(branch, path) for branch in argument[1:]]
    if all(isinstance(branch, str) for branch in branches):
        plain = [branch for branch in branches if not isinstance(branch, Unresolved)]
        if len(plain) == 2 and plain[0] == plain[1]:
            return plain[0]
        candidates: set[str] | None = set()
        for branch in branches:
            if isinstance(branch, Unresolved):
                candidates = None if branch.candidates is None or candidates is None else candidates | branch.candidates
            elif candidates is not None:
                candidates.add(branch)
        non_empty = all(branch.known_non_empty if isinstance(branch, Unresolved) else bool(branch) for branch in branches)
        return Unresolved(shown(node), why, candidates=candidates, excluded=("",) if non_empty else ())
    return Opaque(shown(node), why)


def _base64(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    value = resolver.resolve(argument, path)
    if isinstance(value, str) and not isinstance(value, Unresolved):
        return base64.b64encode(value.encode()).decode()
    return Unresolved(shown(node), value.why) if is_open(value) else Opaque(shown(node), Why("Fn::Base64", "given no string"))


def _import_value(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    """An export of another scanned template: its literal value, or a reference to the exporting
    template's resource (ImportedReference); else open, as the export of an unknown stack."""
    name = resolver.resolve(argument, path)
    exported = resolver.exports.get(name) if isinstance(name, str) and not is_open(name) else None
    if exported is not None and exported[0] != str(resolver.path):
        exporter, value = exported
        if isinstance(value, ResourceReference):
            return ImportedReference(shown(node), value, exporter)
        if isinstance(value, str) and not is_open(value):
            return value
    return Unresolved(shown(node), Why(shown(node), "the export of another stack, known only once deployed"), excluded=("",))


def _deploy_time_list(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    return Opaque(shown(node), Why(shown(node), "known only once deployed"))


def _ref_function(resolver: Resolver, node: Any, argument: Any, path: str) -> Any:
    return resolver._ref(node, argument, path)


_FUNCTIONS = {
    "Ref": _ref_function,
    "Fn::GetAtt": _get_att,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::FindInMap": _find_in_map,
    "Fn::If": _if,
    "Fn::Base64": _base64,
    "Fn::ImportValue": _import_value,
    "Fn::GetAZs": _deploy_time_list,
    "Fn::Cidr": _deploy_time_list,
}
