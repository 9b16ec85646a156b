"""The resources of one template that the rules look at, resolved, with their lines and conditions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from smguard.engine.rule import Resource
from smguard.scan.errors import TemplateError
from smguard.scan.intrinsics import Condition, Resolver
from smguard.scan.loader import LoadedTemplate, LocatedDict
from smguard.scan.shapes import typed
from smguard.scan.values import Configuration, ImportedReference, Opaque, ResourceReference, Unresolved, Why

SUPPORTED_TRANSFORMS = frozenset({"AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"})
"""SAM's transform leaves SageMaker and EC2 resources as they are (it expands AWS::Serverless::*
resources, which no rule covers); LanguageExtensions is accepted as long as no Fn::ForEach is used."""
PROCESSED = "scan the processed template (aws cloudformation get-template --template-stage Processed)"


@dataclass(frozen=True)
class TemplateResource:
    """One declared resource: logical id, type, line, resolved properties and whether it is created."""

    logical_id: str
    resource_type: str
    line: int
    properties: Configuration | Opaque
    condition: Condition
    """True: always created; open (value None): created only if a condition that the template
    does not decide holds."""

    @property
    def certain(self) -> bool:
        return self.condition.value is True

    def uncertainty(self) -> str:
        why = self.condition.why or Why("its condition", "open")
        return f"{self.logical_id} is created only if {why.subject} holds, which is {why.nature}"


@dataclass(frozen=True)
class Recorded:
    """A template resource as AWS Config would record it once deployed, and where it is declared."""

    resource: Resource
    line: int
    if_all_created: Resource | None = None
    """The same resource had every resource with an open condition been created (rules that a
    template adds to a VPC's default group), when that differs."""
    uncertainties: tuple[str, ...] = ()
    """Why some of those resources may not be created."""
    fixed: tuple[str, str] | None = None
    """A result the scanner states itself (the default group a template does not touch)."""


class ScannedTemplate:
    """A template's resolver and its resources of the types asked for."""

    def __init__(self, loaded: LoadedTemplate, overrides: Mapping[str, str], region: str | None) -> None:
        self.path = loaded.path
        document = loaded.document
        if "Resources" not in document:
            raise TemplateError(self.path, "no Resources section: not a CloudFormation template")
        self._check_transforms(document)
        self._check_macros(document)
        self.resolver = Resolver(loaded, overrides, region)
        self.region = region
        self._declared = self.resolver.resources
        if not self._declared:
            raise TemplateError(self.path, "Resources is empty: a template declares at least one resource", document.line_of("Resources"))
        for logical_id, resource in self._declared.items():
            if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
                raise TemplateError(self.path, f"resource {logical_id} has no Type", self._declared.line_of(logical_id))
        self._cache: dict[str, TemplateResource | None] = {}
        self.linked: Sequence[ScannedTemplate] = ()
        """The other templates scanned with this one (link_exports)."""

    def _check_transforms(self, document: LocatedDict) -> None:
        transform = document.get("Transform")
        names = transform if isinstance(transform, list) else [] if transform is None else [transform]
        unsupported = [name for name in names if name not in SUPPORTED_TRANSFORMS]
        if unsupported:
            raise TemplateError(
                self.path,
                f"Transform {unsupported[0]} changes the template before deployment in ways smguard scan cannot "
                "follow; scan the processed template instead",
                document.line_of("Transform"),
            )

    def _check_macros(self, document: LocatedDict) -> None:
        """Fn::Transform (AWS::Include or a macro) and Fn::ForEach rewrite the mapping they are in,
        wherever it is (a section, a resource, its Properties, one property): what they produce is
        not in the file, so nothing next to them can be judged. They are refused like a template
        Transform other than SAM's. Iterative, so that a deeply nested template is not a crash."""
        pending: list[tuple[LocatedDict | None, str, Any]] = [(None, "", document)]
        while pending:  # depth first, in document order, so that the first one is named
            parent, key, node = pending.pop()
            if parent is not None and key == "Fn::Transform":
                name = node.get("Name") if isinstance(node, Mapping) else None
                raise TemplateError(
                    self.path,
                    f"Fn::Transform{f' {name}' if isinstance(name, str) else ''} changes the template before "
                    f"deployment in ways smguard scan cannot follow; {PROCESSED}",
                    parent.line_of(key),
                )
            if parent is not None and key.startswith("Fn::ForEach::"):
                raise TemplateError(self.path, f"{key}: Fn::ForEach is not expanded by smguard scan; {PROCESSED}", parent.line_of(key))
            if isinstance(node, list):
                pending.extend((None, "", item) for item in reversed(node))
            elif isinstance(node, LocatedDict):
                pending.extend((node, child_key, child) for child_key, child in reversed(node.items()))

    def of_types(self, *resource_types: str, with_imports: bool = False) -> list[TemplateResource]:
        """The resources of these types that may be created, in template order; ``with_imports``:
        then those of the other templates that import this one's resources (imported_of_types)."""
        found = []
        for logical_id, resource in self._declared.items():
            if resource["Type"] in resource_types:
                scanned = self.resource(logical_id)
                if scanned is not None:
                    found.append(scanned)
        return found + self.imported_of_types(*resource_types) if with_imports else found

    def imported_of_types(self, *resource_types: str) -> list[TemplateResource]:
        """The resources of these types of the templates scanned with this one that import one of
        its exports, seen from here: the import is this template's resource, their own resources
        are foreign (open values without a link). Their lines are in their own templates."""
        found = []
        for other in self.linked:
            for resource in other.of_types(*resource_types):
                rebased, imports_here = _seen_from(resource.properties, str(self.path), str(other.path))
                if imports_here:
                    found.append(replace(resource, properties=rebased))
        return found

    def exports(self) -> dict[str, Any]:
        """Export name -> resolved value of each output the template may create with a known name."""
        outputs = self.resolver.template.document.get("Outputs")
        exported: dict[str, Any] = {}
        if not isinstance(outputs, Mapping):
            return exported
        for logical_id, output in outputs.items():
            if not isinstance(output, Mapping) or not isinstance(output.get("Export"), Mapping):
                continue
            if "Condition" in output and self.resolver.condition(output["Condition"], output).value is False:
                continue
            name = self.resolver.resolve(output["Export"].get("Name"), f"Outputs.{logical_id}.Export.Name")
            if isinstance(name, str) and not isinstance(name, Unresolved):
                exported[name] = self.resolver.resolve(output.get("Value"), f"Outputs.{logical_id}.Value")
        return exported

    def resource(self, logical_id: str) -> TemplateResource | None:
        """A resolved resource, or None when its condition is false (it is not created)."""
        if logical_id not in self._cache:
            self._cache[logical_id] = self._resolve(logical_id)
        return self._cache[logical_id]

    def _resolve(self, logical_id: str) -> TemplateResource | None:
        resource = self._declared[logical_id]
        condition = Condition(True)
        if "Condition" in resource:
            condition = self.resolver.condition(resource["Condition"], resource)
            if condition.value is False:
                return None
        raw = resource.get("Properties", LocatedDict())
        if raw is None:
            raw = LocatedDict()
        if not isinstance(raw, Mapping):
            raise TemplateError(self.path, f"resource {logical_id}: Properties must be a mapping", resource.line_of("Properties"))
        properties = self.resolver.resolve(raw, "")
        if isinstance(properties, Opaque):
            properties = properties.at("Properties")
        elif not isinstance(properties, Configuration):
            raise TemplateError(self.path, f"resource {logical_id}: Properties must be a mapping", resource.line_of("Properties"))
        kind: str = resource["Type"]
        return TemplateResource(logical_id, kind, self._declared.line_of(logical_id) or 1, typed(kind, properties), condition)


def link_exports(templates: Sequence[ScannedTemplate]) -> None:
    """Let each template's imports see the exports of the others, and each template see the others.

    Export names are unique in an account and region; a name two scanned templates export (say,
    the same network template for two accounts) is linked to neither, and its imports stay open."""
    table: dict[str, tuple[str, Any]] = {}
    twice: set[str] = set()
    for template in templates:
        for name, value in template.exports().items():
            if name in table:
                twice.add(name)
            table[name] = (str(template.path), value)
    for name in twice:
        del table[name]
    for template in templates:
        template.resolver.exports = table
        template.linked = [other for other in templates if other is not template]


def _seen_from(value: Any, path: str, foreign: str) -> tuple[Any, bool]:
    """A value of another template as the template at ``path`` sees it, and whether it imports one
    of that template's resources: such an import is the resource itself; the other template's own
    references are to resources this one does not have, so they are open values without a link."""
    if isinstance(value, ImportedReference):
        return (value.target, True) if value.exporter == path else (value, False)
    if isinstance(value, ResourceReference):
        return Unresolved(value.shown, value.why, identity=f"{value.identity} in {foreign}", excluded=value.excluded, path=value.path), False
    if isinstance(value, Configuration):
        rebased, found = Configuration(), False
        for key, item in dict.items(value):
            dict.__setitem__(rebased, key, (seen := _seen_from(item, path, foreign))[0])
            found = found or seen[1]
        return rebased, found
    if isinstance(value, list):
        items = [_seen_from(item, path, foreign) for item in value]
        return [item for item, _ in items], any(found for _, found in items)
    return value, False
