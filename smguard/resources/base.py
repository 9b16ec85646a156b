"""What a resource-type module and a fact kind provide (see docs/resource-types.md).

A resource type is everything smguard knows about one AWS Config resource type: its name, a
realistic recorded configuration, how ``smguard evaluate`` reads it from the Describe API into
that recorded shape, how ``smguard scan`` builds the same shape from a CloudFormation resource,
and how the demo creates a compliant and a non-compliant one. A fact kind is what a check needs
beyond the recorded item (a VPC's flow logs): read from AWS by the rule's ``gather_facts``, and
built from a template by the scanner, which asks the kind a rule declares, never the rule's name.

A rule's Lambda artifact ships ``smguard/engine`` and ``smguard/resources`` (periodic rules list
their VPCs and every rule reads its facts through them) but not the scanner or the sweep: the
methods that build from a template import :mod:`smguard.scan` where they run, and nothing here
imports ``smguard.sweep`` or ``smguard.scan`` at module level.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from smguard.engine.rule import Resource

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase
    from smguard.scan.template import Recorded, ScannedTemplate
    from smguard.sweep.collected import ProgressTracker

BOOLEAN, INTEGER, SUBNET_ID = "Boolean", "Integer", "SubnetId"
"""How CloudFormation types a property (see :data:`TypedProperties`)."""

TypedProperties = tuple[tuple[tuple[str, ...], str], ...]
"""Properties the CloudFormation resource reference types Boolean or Integer, and those that take
subnet ids (``"*"``: each item of a list). A template gives them as strings; CloudFormation
converts them on the way to the API, so the scanner converts them as the recorded item has them."""

SAMPLE_ACCOUNT = "123456789012"
SAMPLE_REGION = "us-east-1"
SAMPLE_KEY_ID = "0d6c3a1e-5b7f-4c2a-9e8d-1f2a3b4c5d6e"
SAMPLE_KEY_ARN = f"arn:aws:kms:{SAMPLE_REGION}:{SAMPLE_ACCOUNT}:key/{SAMPLE_KEY_ID}"
SAMPLE_ROLE_ARN = f"arn:aws:iam::{SAMPLE_ACCOUNT}:role/sagemaker-execution"
SAMPLE_VPC_ID = "vpc-0a1b2c3d4e5f60718"
SAMPLE_SUBNET_ID = "subnet-0a1b2c3d4e5f60718"
SAMPLE_GROUP_ID = "sg-0a1b2c3d4e5f60718"
"""The ids the types' samples share, so that they describe one account (a notebook in the sample
VPC's subnet, encrypted with the sample key); tests swap them for what they create."""

Described = tuple[Resource, "str | None"]
"""A resource read from the Describe API in its recorded shape, with its ARN when the API gave one
(exemptions match on it)."""


class ResourceType:
    """One AWS Config resource type. Subclasses set the class attributes and implement the methods."""

    name: ClassVar[str]
    """The Config (and CloudFormation) resource type, ``AWS::SageMaker::NotebookInstance``."""

    sample_id: ClassVar[str]
    """The resource id AWS Config gives the sample (a name, or an id such as ``vpc-...``)."""

    sample: ClassVar[Mapping[str, Any]]
    """A realistic configuration in the shape AWS Config records it: what hostile tests break."""

    template_typed_properties: ClassVar[TypedProperties] = ()

    queryable: ClassVar[bool] = False
    """Whether AWS Config's advanced query (SelectResourceConfig, SelectAggregateResourceConfig)
    answers for the type: it does for the types with a file in awslabs/aws-config-resource-schema
    (config/properties/resource-types). The others are read with ListDiscoveredResources and
    BatchGetResourceConfig (or their aggregate forms), which serve every recorded type: a type that
    does not say is read the slower way, never missed."""

    not_recorded_properties: ClassVar[tuple[str, ...]] = ()
    """Properties the Describe API returns that AWS Config's recorded item of the type lacks
    (awslabs/aws-config-resource-schema lists no such property): the embedded recorder leaves them
    out, as AWS does, and a rule that needs them reads them with Describe (a fact kind)."""

    unconfirmed_properties: ClassVar[tuple[str, ...]] = ()
    """Recorded property paths smguard's rules read whose recorded name neither AWS documentation nor
    awslabs/aws-config-resource-schema confirms: smguard assumes the CloudFormation property name
    (the recorded shape of SageMaker types). docs/rules.md lists them."""

    def describe(self, clients: Any, pool: Executor, progress: ProgressTracker) -> list[Described]:
        """Every resource of the type in the clients' account and region, in the recorded shape."""
        raise NotImplementedError(f"{self.name}: no Describe reading")

    def from_template(self, template: ScannedTemplate) -> list[Recorded]:
        """The template's resources of the type as AWS Config would record them once deployed."""
        raise NotImplementedError(f"{self.name}: no template mapping")

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Create one resource for the demo on ``base``, compliant with every rule on the type or
        not; ``changes`` overrides the request's fields. Returns the resource's Config id."""
        raise NotImplementedError(f"{self.name}: no demo example")


class CloudFormationShaped(ResourceType):
    """A type AWS Config records in its CloudFormation shape (SageMaker's): a template resource's
    properties, typed, are its configuration as they are; its id is the logical id."""

    def from_template(self, template: ScannedTemplate) -> list[Recorded]:
        from smguard.scan.template import Recorded  # the scanner is not in a rule's Lambda artifact

        return [
            Recorded(Resource(self.name, declared.logical_id, declared.properties), declared.line)  # type: ignore[arg-type]
            for declared in template.of_types(self.name)
        ]


class FactKind:
    """Facts a check needs beyond the recorded item, read from AWS and built from a template.

    ``from_aws`` differs per kind (a rule's ``gather_facts`` calls it with what it has);
    ``from_template`` gives the scanner the same facts for each resource it evaluates.
    """

    name: ClassVar[str]
    """What the facts are, as a reader would say it (``the flow logs of a VPC``)."""

    template_typed_properties: ClassVar[Mapping[str, TypedProperties]] = {}
    """Typed properties of the template resources the kind is built from, by CloudFormation type."""

    missing_from_template: ClassVar[str] = "a template scan cannot know it"
    """Why a fact the check asked for is not in what the template gives (after the check's own words)."""

    recorded_type: ClassVar[str | None] = None
    """The AWS Config resource type whose recorded items hold these facts (``AWS::EC2::FlowLog``),
    when Config records one; ``smguard evaluate --source config`` then reads them from Config."""

    recorded_type_queryable: ClassVar[bool] = True
    """Whether advanced query answers for :attr:`recorded_type` (see :attr:`ResourceType.queryable`)."""

    entries_only_help: ClassVar[bool] = False
    """True when more entries can only bring the resource closer to compliance (a flow log, an
    endpoint): a result that stays NON_COMPLIANT with entries that may not be created then names
    the gaps left with all of them."""

    def from_template(self, template: ScannedTemplate) -> TemplateFacts:
        raise NotImplementedError(f"{self.name}: no template building")

    def describe_recorded(self, clients: Any) -> list[Described]:
        """Every item of :attr:`recorded_type` in the clients' account and region, read with the
        Describe API and shaped as AWS Config records it (the embedded AWS records with it)."""
        raise NotImplementedError(f"{self.name}: not recorded by AWS Config")

    def for_check(self, resource: Resource, facts: Any, region: str | None) -> tuple[Resource, Any]:
        """The resource and facts in the form the check takes them."""
        return resource, facts

    def decide_open(
        self, judge: Callable[[Any, Any], tuple[str, str]], slice_: FactSlice, parameters: Any, region: str | None
    ) -> tuple[str, str]:
        """The result when some entries have a value the template leaves open; ``judge(facts,
        parameters)`` runs the check. Kinds whose entries are never open do not override it."""
        raise NotImplementedError(f"{self.name}: no entry is open")


class UnrecordedFactError(Exception):
    """Facts a check needs are not in what AWS Config recorded (the recorder does not record their
    type, or recorded items cannot answer the reference): the result would be a guess."""


@runtime_checkable
class RecordedState(Protocol):
    """What AWS Config recorded for one account and region, handed to a rule's ``gather_facts`` in
    place of the clients: fact kinds then read their facts from the recorded items instead of the
    Describe APIs (``smguard evaluate --source config`` and ``--aggregator``)."""

    account: str
    region: str

    def recorded_items(self, resource_type: str) -> Sequence[Resource]:
        """The recorded items of the type; raises UnrecordedFactError when the type is not recorded."""
        ...


def recorded_state(clients: Any) -> RecordedState | None:
    """The recorded state when the caller gave one instead of (or beside) AWS clients."""
    return clients if isinstance(clients, RecordedState) else None


@dataclass
class FactSlice:
    """The facts of one resource built from a template: entries that exist for sure, entries that
    may (with why), and entries a value of which the template leaves open (with why)."""

    certain: Any = field(default_factory=list)
    uncertain: list[tuple[Any, str]] = field(default_factory=list)
    open_entries: list[tuple[Any, str]] = field(default_factory=list)


TemplateFacts = Callable[[Resource], FactSlice]
"""A fact kind's facts over one template: those of each evaluated resource."""
