"""The KMS keys a resource references: key reference as written -> what kms:DescribeKey says of it.

From a template: a key the template declares (AWS::KMS::Key) is customer managed, Enabled unless
its ``Enabled`` property is false; an alias of the template points at its key; ``alias/aws/...``
names an AWS managed key; a key ARN is its own ARN, but who manages it and its state are open. A
reference to anything else (a key id, another alias) cannot be described: it is not in the
lookup, and the check's MissingFactError makes the result UNKNOWN.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smguard.resources.base import BOOLEAN, FactKind, FactSlice, TemplateFacts

if TYPE_CHECKING:
    from smguard.scan.template import ScannedTemplate

KMS_KEY = "AWS::KMS::Key"
KMS_ALIAS = "AWS::KMS::Alias"
AWS_MANAGED_ALIAS_PREFIX = "alias/aws/"
KEY_ARN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[a-zA-Z0-9-]+")


@dataclass(frozen=True)
class KeyFacts:
    """What kms:DescribeKey says of a key reference."""

    arn: str
    manager: str
    state: str


class KmsKeys(FactKind):
    name = "the KMS keys a resource references"
    template_typed_properties = {KMS_KEY: ((("Enabled",), BOOLEAN),)}
    missing_from_template = (
        "a template scan knows only the keys the template declares and alias/aws/ keys, the deployed rule "
        "describes the others with kms:DescribeKey."
    )

    def from_aws(self, references: Iterable[str], clients: Any) -> dict[str, KeyFacts | None]:
        """Describe each distinct reference once; None for one KMS does not know."""
        kms = clients.build_client("kms")
        return {reference: describe_key(kms, reference) for reference in sorted(set(references))}

    def from_template(self, template: ScannedTemplate) -> TemplateFacts:
        keys = TemplateKeys(template)
        return lambda resource: FactSlice(keys)

    def example(self, session: Any, alias: str) -> str:
        """A customer managed key for data-science volumes and Studio storage, with an alias; its ARN."""
        kms = session.client("kms")
        arn = str(kms.create_key(Description="Data-science volumes and Studio storage")["KeyMetadata"]["Arn"])
        kms.create_alias(AliasName=alias, TargetKeyId=arn)
        return arn


def describe_key(kms: Any, reference: str) -> KeyFacts | None:
    try:
        metadata = kms.describe_key(KeyId=reference)["KeyMetadata"]
    except kms.exceptions.NotFoundException:
        return None
    return KeyFacts(arn=metadata["Arn"], manager=metadata["KeyManager"], state=metadata["KeyState"])


class TemplateKeys(Mapping[Any, "KeyFacts | None"]):
    """The KMS keys a template scan knows: the template's own keys and aliases, and AWS managed
    aliases. Looked up by the reference a resource uses (``!Ref Key``, ``!GetAtt Key.Arn``,
    ``!Ref Alias``, the alias name); references it does not know are not in it."""

    def __init__(self, template: ScannedTemplate) -> None:
        from smguard.scan.values import Configuration, Opaque, ResourceReference, Unresolved  # not in a rule's Lambda artifact

        self._keys: dict[str, KeyFacts] = {}
        for key in template.of_types(KMS_KEY):
            enabled = dict.get(key.properties, "Enabled", True) if isinstance(key.properties, Configuration) else key.properties
            if isinstance(enabled, Opaque):
                state: Any = Unresolved(enabled.shown, enabled.why, path=enabled.path or "Enabled", candidates=("Enabled", "Disabled"))
            else:
                state = "Disabled" if enabled is False else "Enabled"
            self._keys[key.logical_id] = KeyFacts(ResourceReference(key.logical_id, KMS_KEY, "Arn"), "CUSTOMER", state)
        self._aliases: dict[str, str] = {}
        self._alias_names: dict[str, str] = {}
        for alias in template.of_types(KMS_ALIAS):
            properties = alias.properties
            if not isinstance(properties, Configuration):
                continue
            target = dict.get(properties, "TargetKeyId")
            if isinstance(target, ResourceReference) and target.logical_id in self._keys:
                self._aliases[alias.logical_id] = target.logical_id
                name = dict.get(properties, "AliasName")
                if isinstance(name, str) and not isinstance(name, Unresolved):
                    self._alias_names[name] = target.logical_id

    def _find(self, reference: Any) -> tuple[bool, KeyFacts | None]:
        from smguard.scan.errors import UnresolvedValueError
        from smguard.scan.values import ResourceReference, Unresolved, Why

        if isinstance(reference, ResourceReference):
            logical_id = self._aliases.get(reference.logical_id, reference.logical_id)
            if logical_id not in self._keys:
                raise UnresolvedValueError(reference.reason)  # a Ref to something else than a key
            return True, self._keys[logical_id]
        if isinstance(reference, Unresolved):
            raise UnresolvedValueError(reference.reason)
        if not isinstance(reference, str):
            return False, None
        if reference in self._alias_names:
            return True, self._keys[self._alias_names[reference]]
        alias = reference.split(":", 5)[-1] if reference.startswith("arn:") else reference
        if alias.startswith(AWS_MANAGED_ALIAS_PREFIX):
            arn = Unresolved(reference, Why(reference, "an AWS managed key, whose key ARN differs in each account"), excluded=("",))
            return True, KeyFacts(arn, "AWS", "Enabled")
        if KEY_ARN.fullmatch(reference):
            # A key ARN is the key's own ARN; who manages the key and its state are known only to KMS.
            unknown = Unresolved(
                reference,
                Why(reference, "a key this template does not declare: whether it is customer managed and enabled is known only to KMS", "the deployed rule describes it with kms:DescribeKey"),
                path="The key",
            )
            return True, KeyFacts(reference, unknown, unknown)
        return False, None

    def __contains__(self, reference: object) -> bool:
        return self._find(reference)[0]

    def __getitem__(self, reference: Any) -> KeyFacts | None:
        found, facts = self._find(reference)
        if not found:
            raise KeyError(reference)
        return facts

    def __iter__(self) -> Iterator[Any]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


KMS_KEYS = KmsKeys()
