"""The base class of every smguard rule, on top of rdklib's ConfigRule.

A rule declares its name, scope, triggers and parameters as class attributes, so the template,
the metadata test and the command-line tool can read them without running anything. Its
compliance logic is :meth:`SmguardRule.check`, a pure function of the recorded configuration and
of facts gathered beforehand; :meth:`SmguardRule.gather_facts` is the only place a rule calls
AWS. The Lambda handler, an account sweep and a template scan all run the same ``check``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import rdklib

from smguard.engine.parameters import NoParameters, RuleParameters
from smguard.engine.verdict import Verdict

if TYPE_CHECKING:
    from smguard.resources.base import FactKind

CHANGE_TRIGGER = "ConfigurationChanges"
PERIODIC_TRIGGER = "Periodic"


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
    """The rule folder's name; the deployed Config rule is ``smguard-<name>``."""

    resource_types: ClassVar[tuple[str, ...]]
    """The Config resource types in the rule's scope."""

    triggers: ClassVar[frozenset[str]] = frozenset({CHANGE_TRIGGER})

    parameters: ClassVar[type[RuleParameters]] = NoParameters

    facts: ClassVar[FactKind | None] = None
    """What :meth:`check` reads beside the recorded item (a fact kind of smguard.resources.facts):
    :meth:`gather_facts` reads it from AWS, ``smguard scan`` has the kind build it from a template."""

    aws_actions: ClassVar[tuple[str, ...]] = ()
    """The IAM actions :meth:`gather_facts` and ``evaluate_periodic`` call (``"kms:DescribeKey"``),
    beyond what the engine itself calls; the template grants exactly these, and a test holds the
    calls a rule makes to this list."""

    def evaluate_parameters(self, rule_parameters: dict[str, Any], also_accepted: Collection[str] = ()) -> RuleParameters:
        return self.parameters.parse(rule_parameters, also_accepted)

    def gather_facts(self, resources: Sequence[Resource], parameters: Any, clients: Any) -> Any:
        """Read from AWS what :meth:`check` needs beyond the recorded configuration (batched)."""
        return None

    def check(self, resource: Resource, parameters: Any, facts: Any) -> Verdict:
        """Decide compliance of one resource; pure, no AWS calls."""
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
