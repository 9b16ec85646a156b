"""Facts kept per VPC (flow logs, endpoints): how a check takes them, and how a template's are filed.

A check takes them keyed by VPC id, with the VPC's region (some checks resolve ARNs in it).
Entries built from a template that exist only if an open condition holds, that may not count,
or whose link to a VPC is open, are *uncertain*: the scanner runs the check with and without them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from smguard.engine.rule import Resource
from smguard.resources.base import FactKind, FactSlice
from smguard.resources.types.vpc import template_vpcs, vpc_link

if TYPE_CHECKING:
    from smguard.scan.template import ScannedTemplate, TemplateResource
    from smguard.scan.values import Configuration


class PerVpc(FactKind):
    """A fact kind whose entries each belong to one VPC; more of them can only help that VPC."""

    entries_only_help = True

    def for_check(self, resource: Resource, facts: Any, region: str | None) -> tuple[Resource, Any]:
        return replace(resource, region=region), {resource.resource_id: facts}


def slices_of(template: ScannedTemplate) -> tuple[dict[str, TemplateResource], dict[str, FactSlice]]:
    """The template's VPCs, and an empty slice of facts for each."""
    vpcs = template_vpcs(template)
    return vpcs, {logical_id: FactSlice() for logical_id in vpcs}


def place(
    slices: dict[str, FactSlice],
    vpcs: Mapping[str, TemplateResource],
    resource: TemplateResource,
    entry: Configuration,
    link_name: str,
    link: Any,
    doubt: str | None = None,
) -> None:
    """File the entry under its VPC: certain, or uncertain when its resource may not be created
    or ``doubt`` says why it may not count. ``link_name`` is the entry's field naming the VPC."""
    from smguard.scan.values import Opaque, ResourceReference, Unresolved  # not in a rule's Lambda artifact

    vpc = vpc_link(link, vpcs)
    if vpc is not None:
        dict.__setitem__(entry, link_name, vpc)
        doubts = [why for why in (None if resource.certain else resource.uncertainty(), doubt) if why]
        if doubts:
            slices[vpc].uncertain.append((entry, "; ".join(doubts)))
        else:
            slices[vpc].certain.append(entry)
    elif isinstance(link, Opaque) or (isinstance(link, Unresolved) and not isinstance(link, ResourceReference) and _may_be_template_vpc(link)):
        dict.__setitem__(entry, link_name, link if isinstance(link, Opaque) else Opaque(link.shown, link.why, link.path))
        uncertain_everywhere(slices, entry, f"{resource.logical_id}: " + (link.reason if isinstance(link, (Opaque, Unresolved)) else ""))


def _may_be_template_vpc(link: Any) -> bool:
    """An !If between template VPCs may name one of them; a parameter or import never does (a
    VPC this template creates has no id before deployment)."""
    return bool(link.shown.startswith("!If"))


def uncertain_everywhere(slices: dict[str, FactSlice], entry: Any, reason: str) -> None:
    for facts in slices.values():
        facts.uncertain.append((entry, reason))


def by_vpc(slices: Mapping[str, FactSlice]) -> Any:
    """The template facts as the scanner asks them: those of each evaluated VPC."""
    return lambda resource: slices[resource.resource_id]
