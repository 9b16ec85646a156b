"""The base class of every smguard rule, on top of rdklib's ConfigRule.

A rule declares its scope, triggers, execution frequency, AWS actions and parameters as class
attributes, checked when the class is created, so the template, the docs and the command-line tool
read them without running anything; its name is its folder's (``rules/<name>/app.py``), never written. Its
compliance logic is :meth:`SmguardRule.check`, a pure function of the recorded configuration and
of facts gathered beforehand; :meth:`SmguardRule.gather_facts` is the only place a rule calls
AWS. The Lambda handler, an account sweep and a template scan all run the same ``check``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import rdklib

from smguard.engine.errors import RuleDefinitionError
from smguard.engine.parameters import NoParameters, RuleParameters
from smguard.engine.remediation import Remediation
from smguard.engine.verdict import Verdict

if TYPE_CHECKING:
    from smguard.resources.base import FactKind

CHANGE_TRIGGER = "ConfigurationChanges"
PERIODIC_TRIGGER = "Periodic"
TRIGGERS = (CHANGE_TRIGGER, PERIODIC_TRIGGER)
FREQUENCIES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
"""AWS Config's MaximumExecutionFrequency values (AWS::Config::ConfigRule Source.SourceDetails)."""
DEFAULT_FREQUENCY = "TwentyFour_Hours"
"""What AWS Config uses when a periodic rule names no frequency."""
RESOURCE_TYPE = re.compile(r"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+")
RULE_FOLDER = re.compile(r"(?:smguard\.)?rules\.(?P<name>[a-z][a-z0-9_]*)\.")
"""A rule folder's module: ``rules.<name>.app`` in the Lambda artifact, ``smguard.rules.<name>.app`` installed."""


def folder_of(module: str) -> str | None:
    """The rule folder a module belongs to, or None outside ``rules/``."""
    match = RULE_FOLDER.match(module)
    return match["name"] if match else None


@dataclass(frozen=True)
class Resource:
    """One resource as AWS Config records it: type, id, the ``configuration`` object and its region
    (when known: some checks resolve ARNs in the resource's region)."""

    resource_type: str
    resource_id: str
    configuration: Mapping[str, Any]
    region: str | None = None

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Resource:
        region = item.get("awsRegion")
        return cls(item["resourceType"], item["resourceId"], item["configuration"], region if isinstance(region, str) else None)


class SmguardRule(rdklib.ConfigRule):
    """A custom AWS Config rule evaluated by :class:`smguard.engine.handler.RuleHandler`."""

    name: ClassVar[str]
    """The rule folder's name, set from the module; only a rule outside ``rules/`` (the engine's
    test rules) writes one. Every name in AWS derives from it (smguard.deploy.naming)."""

    resource_types: ClassVar[tuple[str, ...]]
    """The Config resource types in the rule's scope."""

    triggers: ClassVar[frozenset[str]] = frozenset({CHANGE_TRIGGER})

    maximum_execution_frequency: ClassVar[str] = DEFAULT_FREQUENCY
    """How often a periodic rule runs (ignored without the Periodic trigger)."""

    parameters: ClassVar[type[RuleParameters]] = NoParameters

    facts: ClassVar[FactKind | None] = None
    """What :meth:`check` reads beside the recorded item (a fact kind of smguard.resources.facts):
    :meth:`gather_facts` reads it from AWS, ``smguard scan`` has the kind build it from a template."""

    aws_actions: ClassVar[tuple[str, ...]] = ()
    """The IAM actions :meth:`gather_facts` and ``evaluate_periodic`` call (``"kms:DescribeKey"``),
    beyond what the engine itself calls; the template grants exactly these, and a test holds the
    calls a rule makes to this list."""

    remediation: ClassVar[Remediation | None] = None
    """The runbook that fixes a NON_COMPLIANT resource (smguard.engine.remediation); a rule without
    one says why in its metadata.json (``no_remediation``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        where = f"{cls.__module__}.{cls.__qualname__}"
        folder = folder_of(cls.__module__)
        if folder is not None:
            if "name" in cls.__dict__:
                raise RuleDefinitionError(f"{where} declares name {cls.__dict__['name']!r}: a rule's name is its folder's ({folder})")
            cls.name = folder
        elif not isinstance(getattr(cls, "name", None), str):
            raise RuleDefinitionError(f"{where} is outside rules/<name>/ and so must declare its name")
        types = getattr(cls, "resource_types", None)
        if not (isinstance(types, tuple) and types and all(isinstance(t, str) and RESOURCE_TYPE.fullmatch(t) for t in types)):
            raise RuleDefinitionError(f"{where}: resource_types {types!r} must be a non-empty tuple of AWS::Service::Type names")
        if not (isinstance(cls.triggers, frozenset) and cls.triggers and cls.triggers <= set(TRIGGERS)):
            shown = sorted(cls.triggers) if isinstance(cls.triggers, frozenset) else cls.triggers
            raise RuleDefinitionError(f"{where}: triggers {shown!r} must be a non-empty frozenset of {', '.join(TRIGGERS)}")
        if cls.maximum_execution_frequency not in FREQUENCIES:
            raise RuleDefinitionError(
                f"{where}: maximum_execution_frequency {cls.maximum_execution_frequency!r} is not one of {', '.join(FREQUENCIES)}"
            )
        if not (isinstance(cls.parameters, type) and issubclass(cls.parameters, RuleParameters)):
            raise RuleDefinitionError(f"{where}: parameters must be a RuleParameters subclass, not {cls.parameters!r}")
        if cls.remediation is not None:
            if not isinstance(cls.remediation, Remediation):
                raise RuleDefinitionError(f"{where}: remediation must be a Remediation, not {cls.remediation!r}")
            declared = {spec.name for spec in cls.parameters.specs()}
            unknown = sorted(set(cls.remediation.rule_parameters.values()) - declared)
            if unknown:
                raise RuleDefinitionError(f"{where}: remediation takes {', '.join(unknown)}, which is no parameter of the rule")

    def evaluate_parameters(self, rule_parameters: dict[str, Any], also_accepted: Collection[str] = ()) -> RuleParameters:
        return self.parameters.parse(rule_parameters, also_accepted)

    def gather_facts(self, resources: Sequence[Resource], parameters: Any, clients: Any) -> Any:
        """Read from AWS what :meth:`check` needs beyond the recorded configuration (batched)."""
        return None

    def check(self, resource: Resource, parameters: Any, facts: Any, /) -> Verdict:
        """Decide compliance of one resource; pure, no AWS calls. Positional-only, so that a rule's
        ``check`` names its facts after what they are (``flow_logs``, ``keys``)."""
        raise NotImplementedError(f"rule {self.name} does not implement check()")

    def list_resources(self, clients: Any) -> list[Resource]:
        """Periodic rules: every in-scope resource of the account and region, in the recorded shape."""
        raise NotImplementedError(f"rule {self.name} does not implement list_resources()")

    def evaluate_periodic(self, event: Mapping[str, Any], client_factory: Any, valid_rule_parameters: Any) -> list[rdklib.Evaluation]:
        resources = self.list_resources(client_factory)
        facts = self.gather_facts(resources, valid_rule_parameters, client_factory)
        return [
            to_evaluation(self.check(resource, valid_rule_parameters, facts), resource.resource_type, resource.resource_id)
            for resource in resources
        ]

    def evaluate_change(
        self, event: Mapping[str, Any], client_factory: Any, configuration_item: Mapping[str, Any], valid_rule_parameters: Any
    ) -> list[rdklib.Evaluation]:
        resource = Resource.from_item(configuration_item)
        facts = self.gather_facts([resource], valid_rule_parameters, client_factory)
        return [to_evaluation(self.check(resource, valid_rule_parameters, facts))]


class VerdictEvaluation(rdklib.Evaluation):
    """An rdklib Evaluation that keeps its verdict's findings, for the engine to fit them again behind
    an expired exemption's note (see :func:`smguard.engine.exemptions.apply_exemptions`)."""

    def __init__(self, verdict: Verdict, resource_type: str | None, resource_id: str | None) -> None:
        super().__init__(verdict.compliance.value, resourceId=resource_id, resourceType=resource_type, annotation=verdict.annotation)
        self.findings = verdict.findings


def to_evaluation(verdict: Verdict, resource_type: str | None = None, resource_id: str | None = None) -> rdklib.Evaluation:
    """An rdklib Evaluation from a verdict; type and id default to the evaluated item's."""
    return VerdictEvaluation(verdict, resource_type, resource_id)
