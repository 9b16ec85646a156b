"""Stand-ins for values a template does not determine, safe to hand to an unmodified check.

A check compares recorded values with what it expects (``RootAccess != "Disabled"``). When the
template leaves a value open (a parameter without default, an attribute known once deployed,
a condition that depends on such a parameter), the check must not decide on a made-up value.
:class:`Unresolved` is a ``str`` whose display text is the template expression (``!Ref KeyArn``):
``isinstance(v, str)`` holds and f-strings show the expression, but every comparison or string
operation that would need the actual value raises :class:`UnresolvedValueError`, which the
scanner reports as UNKNOWN with the reason. What the template does know is answered: a Ref to a
resource is never empty, a parameter with AllowedValues is one of them, so ``v == ""`` or
``v == "Enabled"`` may be decided without the value.

Values that cannot even be typed (a list parameter, an ``!If`` between an object and
``AWS::NoValue``, a boolean property given as ``!Ref P``) are :class:`Opaque`; a
:class:`Configuration` raises as soon as a check reads such a key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Self

from smguard.scan.errors import UnresolvedValueError


@dataclass(frozen=True)
class Why:
    """Why a value is open: ``subject`` is ``nature``; ``fix`` says how to decide it."""

    subject: str
    nature: str
    fix: str = ""

    def explain(self, path: str, shown: str) -> str:
        fix = f"; {self.fix}" if self.fix else ""
        if shown in (f"!Ref {self.subject}", self.subject):
            return f"{path} is {shown}, {self.nature}{fix}."
        return f"{path} is {shown}, and {self.subject} is {self.nature}{fix}."


class Unresolved(str):
    """A string value the template does not determine; displays as its expression."""

    why: Why
    path: str
    identity: str
    candidates: frozenset[str] | None
    excluded: frozenset[str]

    def __new__(
        cls,
        shown: str,
        why: Why,
        *,
        identity: str | None = None,
        candidates: Iterable[str] | None = None,
        excluded: Iterable[str] = (),
        path: str = "",
    ) -> Self:
        value = super().__new__(cls, shown)
        value.why = why
        value.path = path
        value.identity = identity if identity is not None else shown
        value.candidates = frozenset(candidates) if candidates is not None else None
        value.excluded = frozenset(excluded)
        return value

    @property
    def shown(self) -> str:
        return str.__str__(self)

    @property
    def reason(self) -> str:
        return self.why.explain(self.path or "a value", self.shown)

    @property
    def known_non_empty(self) -> bool:
        return "" in self.excluded or (self.candidates is not None and "" not in self.candidates)

    def at(self, path: str) -> Unresolved:
        """The same value, placed at a property path (the first placement names it in reasons)."""
        if self.path:
            return self
        return self._copy(path=path)

    def _copy(self, **changes: Any) -> Unresolved:
        fields: dict[str, Any] = {
            "why": self.why,
            "identity": self.identity,
            "candidates": self.candidates,
            "excluded": self.excluded,
            "path": self.path,
        }
        fields.update(changes)
        return type(self)(self.shown, **fields)

    def refuse(self, *_: Any, **__: Any) -> Any:
        raise UnresolvedValueError(self.reason)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Unresolved):
            if other.identity == self.identity:
                return True
            raise UnresolvedValueError(self.reason)
        if not isinstance(other, str):
            return NotImplemented
        if other in self.excluded or (self.candidates is not None and other not in self.candidates):
            return False
        raise UnresolvedValueError(self.reason)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        raise UnresolvedValueError(self.reason)

    def __bool__(self) -> bool:
        if self.known_non_empty:
            return True
        raise UnresolvedValueError(self.reason)

    def __format__(self, spec: str) -> str:
        return format(self.shown, spec)

    def __repr__(self) -> str:
        return f"Unresolved({self.shown!r})"

    def __reduce__(self) -> Any:
        raise TypeError("an unresolved template value cannot be pickled")


_REFUSED = (
    "__len__", "__iter__", "__getitem__", "__contains__", "__lt__", "__le__", "__gt__", "__ge__",
    "__add__", "__radd__", "__mul__", "__rmul__", "__mod__", "__rmod__",
    "startswith", "endswith", "split", "rsplit", "splitlines", "partition", "rpartition",
    "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title", "capitalize", "swapcase",
    "find", "rfind", "index", "rindex", "count", "replace", "removeprefix", "removesuffix",
    "encode", "format", "format_map", "join", "center", "ljust", "rjust", "zfill", "expandtabs",
    "translate", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower",
    "isnumeric", "isprintable", "isspace", "istitle", "isupper",
)  # fmt: skip
for _name in _REFUSED:
    setattr(Unresolved, _name, Unresolved.refuse)


class ResourceReference(Unresolved):
    """``!Ref X`` or ``!GetAtt X.Attr`` of a resource this template declares: it will exist, and
    its id or attribute is never empty, but the value is known only once deployed."""

    logical_id: str
    resource_type: str
    attribute: str | None

    def __new__(cls, logical_id: str, resource_type: str, attribute: str | None = None, **fields: Any) -> ResourceReference:
        shown = f"!GetAtt {logical_id}.{attribute}" if attribute else f"!Ref {logical_id}"
        fields.setdefault(
            "why", Why(logical_id, f"a resource of this template ({resource_type}), known only once deployed")
        )
        fields.setdefault("excluded", ("",))
        value = super().__new__(cls, shown, **fields)
        value.logical_id = logical_id
        value.resource_type = resource_type
        value.attribute = attribute
        return value

    def _copy(self, **changes: Any) -> ResourceReference:
        fields = {"why": self.why, "identity": self.identity, "candidates": self.candidates, "excluded": self.excluded, "path": self.path}
        fields.update(changes)
        return ResourceReference(self.logical_id, self.resource_type, self.attribute, **fields)


class ImportedReference(Unresolved):
    """``!ImportValue`` of an export that another template scanned with this one declares, whose
    value is one of that template's resources (``target``, a :class:`ResourceReference` there).
    In the importing template it is open like any import; the exporting template's fact kinds see
    their own resource in it (:meth:`ScannedTemplate.of_types` with ``with_imports``)."""

    target: ResourceReference
    exporter: str
    """The path of the exporting template."""

    def __new__(cls, shown: str, target: ResourceReference, exporter: str, **fields: Any) -> ImportedReference:
        fields.setdefault("why", Why(shown, f"the export of {target.shown} in {exporter}, known only once deployed"))
        fields.setdefault("excluded", ("",))
        value = super().__new__(cls, shown, **fields)
        value.target = target
        value.exporter = exporter
        return value

    def _copy(self, **changes: Any) -> ImportedReference:
        fields = {"why": self.why, "identity": self.identity, "candidates": self.candidates, "excluded": self.excluded, "path": self.path}
        fields.update(changes)
        return ImportedReference(self.shown, self.target, self.exporter, **fields)


@dataclass(frozen=True)
class Opaque:
    """A value whose type or presence the template does not determine; reading it raises."""

    shown: str
    why: Why
    path: str = ""

    @property
    def reason(self) -> str:
        return self.why.explain(self.path or "a value", self.shown)

    def at(self, path: str) -> Opaque:
        return self if self.path else Opaque(self.shown, self.why, path)


class Configuration(dict):
    """A resolved template mapping: reading a key whose value is :class:`Opaque` raises."""

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        if isinstance(value, Opaque):
            raise UnresolvedValueError(value.reason)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if dict.__contains__(self, key) else default

    def __contains__(self, key: object) -> bool:
        found = dict.__contains__(self, key)
        if found and isinstance(dict.__getitem__(self, key), Opaque):
            raise UnresolvedValueError(dict.__getitem__(self, key).reason)
        return found

    def _opaque_reason(self) -> str | None:
        return next((value.reason for value in dict.values(self) if isinstance(value, Opaque)), None)

    def values(self) -> Any:
        self._refuse_if_opaque()
        return dict.values(self)

    def items(self) -> Any:
        self._refuse_if_opaque()
        return dict.items(self)

    def __eq__(self, other: object) -> bool:
        self._refuse_if_opaque()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None

    def _refuse_if_opaque(self) -> None:
        reason = self._opaque_reason()
        if reason is not None:
            raise UnresolvedValueError(reason)


def is_open(value: Any) -> bool:
    """Whether a resolved value is (or directly is) a stand-in rather than a known value."""
    return isinstance(value, (Unresolved, Opaque))
