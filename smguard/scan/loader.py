"""Read a CloudFormation or SAM template (YAML with short-form intrinsic functions, or JSON) and
remember the line of every mapping key, so that each finding points at the resource's line.

YAML goes through PyYAML's SafeLoader (the C loader when libyaml is there) with constructors
for the CloudFormation tags, which turn ``!Ref X`` into ``{"Ref": "X"}`` and ``!GetAtt A.B``
into ``{"Fn::GetAtt": ["A", "B"]}``, the long form a JSON template uses. JSON goes through the
standard library's pure-Python scanner with a hook that records where each value starts.
Duplicate keys are an error, as CloudFormation treats them; so are YAML aliases (``*name``) and
merge keys (``<<``), which CloudFormation refuses ("YAML aliases are not allowed in CloudFormation
templates") and which would let a few lines expand into billions of values (an alias bomb).
Anchors alone (``&name``) copy nothing and are accepted.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from smguard.scan.errors import TemplateError

BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FUNCTION_TAGS = (
    "And", "Base64", "Cidr", "Equals", "FindInMap", "GetAZs", "If", "ImportValue", "Join", "Length",
    "Not", "Or", "Select", "Split", "Sub", "ToJsonString", "Transform",
)  # fmt: skip
"""Short-form tags whose long form is ``Fn::<Tag>``; !Ref, !GetAtt and !Condition are handled apart."""


class LocatedDict(dict):
    """A template mapping that knows the line (1-based) of each of its keys."""

    __slots__ = ("key_lines",)

    def __init__(self, pairs: Any = (), key_lines: dict[str, int] | None = None) -> None:
        super().__init__(pairs)
        self.key_lines = key_lines or {}

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key)


@dataclass(frozen=True)
class LoadedTemplate:
    """A parsed template and the file it came from."""

    path: Path
    document: LocatedDict


def load_template(path: Path) -> LoadedTemplate:
    """Parse ``path`` as JSON when it starts with ``{``, as YAML otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not part of the template
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(path, f"cannot read the template: {error}") from None
    document = _parse_json(path, text) if text.lstrip().startswith("{") else _parse_yaml(path, text)
    if not isinstance(document, LocatedDict):
        raise TemplateError(path, f"a template is a mapping with a Resources section, not a {type(document).__name__}")
    return LoadedTemplate(path, document)


def parse_template(source: str, text: str) -> LoadedTemplate:
    """Parse a template given as text (an API's TemplateBody), named ``source`` in messages: JSON when
    it starts with ``{``, YAML otherwise, as :func:`load_template` reads a file."""
    path = Path(source)
    document = _parse_json(path, text) if text.lstrip().startswith("{") else _parse_yaml(path, text)
    if not isinstance(document, LocatedDict):
        raise TemplateError(path, f"a template is a mapping with a Resources section, not a {type(document).__name__}")
    return LoadedTemplate(path, document)


# --- YAML ---------------------------------------------------------------------------------------


class _AliasFound(Exception):
    """Construction reached a node a second time: the template uses a YAML alias."""


class _TemplateLoader(BaseLoader):
    """SafeLoader with the CloudFormation tags and located mappings, refusing aliases."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # The composer (in C with libyaml) resolves an alias to the very node it names, so a node
        # met twice is an alias; it is refused before anything shares or copies it.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasFound
        return super().construct_object(node, deep)


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LocatedDict:
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise yaml.constructor.ConstructorError(
                None, None, "merge key <<: CloudFormation does not allow YAML merge keys; write the keys out", key_node.start_mark
            )
    loader.flatten_mapping(node)  # only turns a "=" key into a string, merge keys being refused above
    result = LocatedDict()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {result.key_lines[key]})", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _located(node: yaml.Node, pairs: dict[str, Any]) -> LocatedDict:
    return LocatedDict(pairs, {key: node.start_mark.line + 1 for key in pairs})


def _tag_value(loader: Any, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.MappingNode):
        return _construct_mapping(loader, node)
    return loader.construct_sequence(node, deep=True)


def _function(name: str) -> Any:
    def construct(loader: Any, node: yaml.Node) -> LocatedDict:
        return _located(node, {name: _tag_value(loader, node)})

    return construct


def _get_att(loader: Any, node: yaml.Node) -> LocatedDict:
    value = _tag_value(loader, node)
    if isinstance(value, str):
        logical_id, dot, attribute = value.partition(".")
        if not dot:
            raise yaml.constructor.ConstructorError(
                None, None, f"!GetAtt {value!r} is not LogicalId.Attribute", node.start_mark
            )
        value = [logical_id, attribute]
    return _located(node, {"Fn::GetAtt": value})


_TemplateLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_TemplateLoader.add_constructor("!Ref", _function("Ref"))
_TemplateLoader.add_constructor("!Condition", _function("Condition"))
_TemplateLoader.add_constructor("!GetAtt", _get_att)
for _tag in FUNCTION_TAGS:
    _TemplateLoader.add_constructor(f"!{_tag}", _function(f"Fn::{_tag}"))


def _parse_yaml(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_TemplateLoader)  # noqa: S506 - a SafeLoader subclass
    except _AliasFound:
        alias = next(event for event in yaml.parse(text, Loader=BaseLoader) if isinstance(event, yaml.AliasEvent))
        raise TemplateError(
            path,
            f"not valid YAML: alias *{alias.anchor}: CloudFormation does not allow YAML aliases; write the value out",
            alias.start_mark.line + 1 if alias.start_mark is not None else None,
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise TemplateError(path, f"not valid YAML: {error.problem or error.context}", line) from None
    except yaml.YAMLError as error:
        raise TemplateError(path, f"not valid YAML: {error}") from None


# --- JSON ---------------------------------------------------------------------------------------


class _LineIndex:
    """Offset in the text -> 1-based line number."""

    def __init__(self, text: str) -> None:
        self._newlines = [index for index, char in enumerate(text) if char == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1


def _parse_json(path: Path, text: str) -> Any:
    lines = _LineIndex(text)

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, object_hook: Any, pairs_hook: Any, memo: Any) -> tuple[Any, int]:
        starts: list[int] = []

        def scan_value(string: str, index: int) -> Any:
            starts.append(index)
            return scan_once(string, index)

        # JSONObject and py_make_scanner are the pure-Python decoder's undocumented internals (typeshed
        # omits them): the only way to learn where each value starts, for the lines of keys.
        pairs, end = json.decoder.JSONObject(s_and_end, strict, scan_value, None, list, memo)  # type: ignore[attr-defined]
        result = LocatedDict()
        for (key, value), start in zip(pairs, starts, strict=True):
            # The key's line: the closing quote before the colon that precedes the value.
            key_end = text.rfind('"', 0, text.rfind(":", 0, start))
            if key in result:
                raise TemplateError(
                    path, f"duplicate key {key!r} (first at line {result.key_lines[key]})", lines.line(key_end)
                )
            result[key] = value
            result.key_lines[key] = lines.line(key_end)
        return result, end

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object  # type: ignore[attr-defined]  # an internal hook, read by py_make_scanner
    # The C scanner ignores parse_object. scan_once is set in __init__, which typeshed does not declare.
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as error:
        raise TemplateError(path, f"not valid JSON: {error.msg}", error.lineno) from None

