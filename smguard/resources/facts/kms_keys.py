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

from smguard.engine.rule import Resource
from smguard.resources.base import (
    BOOLEAN,
    Described,
    FactKind,
    FactSlice,
    RecordedState,
    TemplateFacts,
    UnrecordedFactError,
    recorded_state,
)
from smguard.resources.ec2 import recorded_shape

if TYPE_CHECKING:
    from smguard.scan.template import ScannedTemplate

KMS_KEY = "AWS::KMS::Key"
KMS_ALIAS = "AWS::KMS::Alias"
AWS_MANAGED_ALIAS_PREFIX = "alias/aws/"
KEY_ARN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[a-zA-Z0-9-]+")
KEY_ID = re.compile(r"(?:mrk-)?[a-f0-9]{8}-?[a-f0-9-]{4,}")
"""A key id (``1234abcd-12ab-34cd-56ef-1234567890ab``, ``mrk-...`` for multi-Region keys)."""


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

    recorded_type = KMS_KEY

    def from_aws(self, references: Iterable[str], clients: Any) -> dict[str, KeyFacts | None]:
        """Describe each distinct reference once; None for one KMS does not know. Given a recorded
        state, the keys come from the recorded AWS::KMS::Key items instead (:func:`recorded_keys`)."""
        recorded = recorded_state(clients)
        if recorded is not None:
            return recorded_keys(sorted(set(references)), recorded)
        kms = clients.build_client("kms")
        return {reference: describe_key(kms, reference) for reference in sorted(set(references))}

    def describe_recorded(self, clients: Any) -> list[Described]:
        """Each key's DescribeKey metadata as AWS Config records it (camelCase: ``arn``,
        ``keyManager``, ``keyState``); the Config id is the key id."""
        kms = clients.build_client("kms")
        region = kms.meta.region_name
        found: list[Described] = []
        for page in kms.get_paginator("list_keys").paginate():
            for key in page.get("Keys", []):
                metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
                found.append((Resource(KMS_KEY, metadata["KeyId"], recorded_shape(metadata), region), metadata["Arn"]))
        return found

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


def recorded_keys(references: Iterable[str], recorded: RecordedState) -> dict[str, KeyFacts | None]:
    """What the recorded AWS::KMS::Key items of one account and region say of each reference.

    A key ARN or id found among the items is described by its item. One of the same account and
    region that is not recorded does not exist (None, as DescribeKey's NotFoundException). An alias,
    or an ARN of another account or region, cannot be answered from these items:
    UnrecordedFactError, so the caller reports the gap instead of a result built on a guess."""
    items = recorded.recorded_items(KMS_KEY)
    by_reference: dict[str, Resource] = {}
    for item in items:
        for name in ("arn", "keyId"):
            value = item.configuration.get(name)
            if isinstance(value, str):
                by_reference[value] = item
    facts: dict[str, KeyFacts | None] = {}
    for reference in references:
        found = by_reference.get(reference)
        if found is not None:
            configuration = found.configuration
            facts[reference] = KeyFacts(
                arn=str(configuration.get("arn")), manager=str(configuration.get("keyManager")), state=str(configuration.get("keyState"))
            )
        elif _local_key(reference, recorded):
            facts[reference] = None
        else:
            raise UnrecordedFactError(
                f"the KMS key reference {reference} is an alias or a key of another account or region: recorded "
                f"AWS::KMS::Key items of {recorded.account} {recorded.region} cannot describe it"
            )
    return facts


def _local_key(reference: str, recorded: RecordedState) -> bool:
    """A key id, or the ARN of a key of the recorded state's own account and region."""
    if KEY_ARN.fullmatch(reference):
        fields = reference.split(":")
        return (fields[4], fields[3]) == (recorded.account, recorded.region)
    return KEY_ID.fullmatch(reference) is not None


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
