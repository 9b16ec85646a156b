"""Facts the cross-resource rules need, built from the template instead of from AWS.

A check receives what its rule's ``gather_facts`` would have read: vpc_flow_logs the
DescribeFlowLogs entries of each VPC, vpc_endpoints the DescribeVpcEndpoints entries,
sagemaker_kms a key reference -> KeyFacts lookup. Decisions (see docs/scan.md):

- A flow log counts for a VPC only with ResourceType VPC (an open ResourceType makes it
  uncertain). A flow log the template declares is ACTIVE (CloudFormation creates it so); its
  ``DeliverLogsStatus`` is unknown until logs flow, so it is left out, which the check does not
  hold against the flow log. Delivery failures are found by the deployed rule.
- An endpoint the template declares is ``available`` (CloudFormation waits for it);
  ``VpcEndpointType`` absent is ``Gateway`` and ``PrivateDnsEnabled`` absent is false, the
  CloudFormation defaults. Without ``--region``, ``com.amazonaws.${AWS::Region}.<service>`` is
  the stack's own region, so it is given to the check without a region
  (``com.amazonaws.<service>``), which matches the service in any region; a region written out
  (``com.amazonaws.eu-west-1.sts``) serves the stack only if it is deployed there, which is not
  known: the endpoint is uncertain (it may not count).
- A key the template declares (AWS::KMS::Key) is customer managed, Enabled unless its
  ``Enabled`` property is false; an alias of the template points at its key; ``alias/aws/...``
  names an AWS managed key; a key ARN is its own ARN, but who manages it and its state are
  open. A reference to anything else (a key id, another alias) cannot be described: the check's
  MissingFactError makes the result UNKNOWN.

Entries that exist only if an open condition holds, that may not count (a region written out
without ``--region``), or whose link to a VPC is open, are *uncertain*: the check runs with and
without them, and a result that differs is UNKNOWN. An endpoint of a VPC whose ServiceName is
open serves some one service or none: the scanner tries it as each required service
(:func:`serving`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from smguard.rules.sagemaker_kms.check import KeyFacts
from smguard.rules.vpc_endpoints.check import SERVICE_NAME
from smguard.scan.errors import UnresolvedValueError
from smguard.scan.intrinsics import Resolver
from smguard.scan.shapes import FLOW_LOG, KMS_ALIAS, KMS_KEY, VPC_ENDPOINT, vpc_link
from smguard.scan.template import ScannedTemplate, TemplateResource
from smguard.scan.values import Configuration, Opaque, ResourceReference, Unresolved, Why

REGION_STAND_IN = "smguard-stack-region-0"
"""Resolves ``AWS::Region`` while reading ServiceName without --region; removed right after."""
AWS_MANAGED_ALIAS_PREFIX = "alias/aws/"
KEY_ARN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[a-zA-Z0-9-]+")


@dataclass
class FactSlice:
    """The facts of one VPC: entries that exist for sure, and entries that may (with why)."""

    certain: list[Any] = field(default_factory=list)
    uncertain: list[tuple[Any, str]] = field(default_factory=list)
    open_services: list[tuple[Any, str]] = field(default_factory=list)
    """Endpoints of the VPC whose ServiceName is open, with why."""


def flow_logs(template: ScannedTemplate, vpcs: Mapping[str, TemplateResource]) -> dict[str, FactSlice]:
    """DescribeFlowLogs-shaped entries per template VPC, from the AWS::EC2::FlowLog resources."""
    slices = {logical_id: FactSlice() for logical_id in vpcs}
    for flow_log in template.of_types(FLOW_LOG):
        properties = flow_log.properties
        if isinstance(properties, Opaque):
            _uncertain_everywhere(slices, Configuration(FlowLogId=flow_log.logical_id, ResourceId=properties), properties.reason)
            continue
        try:
            if properties.get("ResourceType") != "VPC":
                continue  # a subnet, interface or transit gateway flow log: its ResourceId is not a VPC
            doubt = None
        except UnresolvedValueError as error:  # open, and not excluded by AllowedValues
            doubt = f"{flow_log.logical_id} monitors the VPC only if its ResourceType is VPC: {error.reason}"
        entry = Configuration(FlowLogId=flow_log.logical_id, FlowLogStatus="ACTIVE")
        for name in ("TrafficType", "LogDestinationType", "LogDestination", "LogGroupName", "MaxAggregationInterval", "DeliverLogsPermissionArn"):
            if dict.__contains__(properties, name):
                entry[name] = dict.__getitem__(properties, name)
        _place(slices, vpcs, flow_log, entry, "ResourceId", dict.get(properties, "ResourceId"), doubt)
    return slices


def vpc_endpoints(template: ScannedTemplate, vpcs: Mapping[str, TemplateResource]) -> dict[str, FactSlice]:
    """DescribeVpcEndpoints-shaped entries per template VPC, from the AWS::EC2::VPCEndpoint resources."""
    slices = {logical_id: FactSlice() for logical_id in vpcs}
    resolver = template.resolver
    for endpoint in template.of_types(VPC_ENDPOINT):
        properties = endpoint.properties
        if isinstance(properties, Opaque):
            _uncertain_everywhere(slices, Configuration(VpcEndpointId=endpoint.logical_id, VpcId=properties), properties.reason)
            continue
        entry = Configuration(
            VpcEndpointId=endpoint.logical_id,
            VpcEndpointType=dict.get(properties, "VpcEndpointType", "Gateway"),
            State="available",
            ServiceName=_service_name(resolver, endpoint, dict.get(properties, "ServiceName")),
        )
        if dict.__contains__(properties, "PrivateDnsEnabled"):
            entry["PrivateDnsEnabled"] = dict.__getitem__(properties, "PrivateDnsEnabled")
        service = dict.__getitem__(entry, "ServiceName")
        vpc = dict.get(properties, "VpcId")
        link = vpc_link(vpc, vpcs)
        if isinstance(service, (Unresolved, Opaque)) and link is not None:
            # The check reads ServiceName as text; an open one could serve any required service.
            entry["ServiceName"] = service if isinstance(service, Opaque) else Opaque(service.shown, service.why, service.path)
            dict.__setitem__(entry, "VpcId", link)
            slices[link].open_services.append((entry, dict.__getitem__(entry, "ServiceName").reason))
            continue
        _place(slices, vpcs, endpoint, entry, "VpcId", vpc, _region_doubt(resolver, endpoint, service))
    return slices


def serving(entry: Configuration, service: str, region: str | None) -> Configuration:
    """An endpoint whose ServiceName is open, taken as serving ``service`` in the stack's region
    (in whatever region it is, without --region)."""
    taken = Configuration(dict.items(entry))
    dict.__setitem__(taken, "ServiceName", f"com.amazonaws.{region}.{service}" if region else f"com.amazonaws.{service}")
    return taken


def _region_doubt(resolver: Resolver, endpoint: TemplateResource, service: Any) -> str | None:
    """Why an endpoint whose ServiceName names a region may not serve the stack, when no
    --region says where the stack is (the check compares the regions only when it knows both)."""
    if resolver.region or not isinstance(service, str) or isinstance(service, Unresolved):
        return None
    match = SERVICE_NAME.fullmatch(service)
    if match is None or match["region"] is None:
        return None
    return (
        f"{endpoint.logical_id} counts only if the stack is deployed in {match['region']}, the region its "
        f"ServiceName {service} names, and the stack's region is not known: pass --region"
    )


def _service_name(resolver: Resolver, endpoint: TemplateResource, resolved: Any) -> Any:
    """ServiceName, with the ``AWS::Region`` part of an Fn::Sub or Fn::Join dropped when no region is given."""
    if resolver.region or not isinstance(resolved, Unresolved):
        return resolved
    raw = resolver.resources[endpoint.logical_id].get("Properties", {}).get("ServiceName")
    if not (isinstance(raw, Mapping) and len(raw) == 1 and ("Fn::Join" in raw or isinstance(raw.get("Fn::Sub"), str))):
        return resolved
    # A resolver of its own: AWS::Region must not leak into the template's cached conditions.
    with_region = Resolver(resolver.template, resolver.overrides, REGION_STAND_IN).resolve(raw, "ServiceName")
    marker = f".{REGION_STAND_IN}."
    if (
        isinstance(with_region, str)
        and not isinstance(with_region, Unresolved)
        and with_region.count(REGION_STAND_IN) == 1
        and marker in with_region
    ):
        return with_region.replace(marker, ".")
    return resolved


def _place(
    slices: dict[str, FactSlice],
    vpcs: Mapping[str, TemplateResource],
    resource: TemplateResource,
    entry: Configuration,
    link_name: str,
    link: Any,
    doubt: str | None = None,
) -> None:
    """File the entry under its VPC: certain, or uncertain when its resource may not be created
    or ``doubt`` says why it may not count."""
    vpc = vpc_link(link, vpcs)
    if vpc is not None:
        dict.__setitem__(entry, _api_name(link_name), vpc)
        doubts = [why for why in (None if resource.certain else resource.uncertainty(), doubt) if why]
        if doubts:
            slices[vpc].uncertain.append((entry, "; ".join(doubts)))
        else:
            slices[vpc].certain.append(entry)
    elif isinstance(link, Opaque) or (isinstance(link, Unresolved) and not isinstance(link, ResourceReference) and _may_be_template_vpc(link)):
        dict.__setitem__(entry, _api_name(link_name), link if isinstance(link, Opaque) else Opaque(link.shown, link.why, link.path))
        _uncertain_everywhere(slices, entry, f"{resource.logical_id}: " + (link.reason if isinstance(link, (Opaque, Unresolved)) else ""))


def _api_name(link_name: str) -> str:
    return "ResourceId" if link_name == "ResourceId" else "VpcId"


def _may_be_template_vpc(link: Unresolved) -> bool:
    """An !If between template VPCs may name one of them; a parameter or import never does (a
    VPC this template creates has no id before deployment)."""
    return link.shown.startswith("!If")


def _uncertain_everywhere(slices: dict[str, FactSlice], entry: Any, reason: str) -> None:
    for facts in slices.values():
        facts.uncertain.append((entry, reason))


class TemplateKeys(Mapping[Any, "KeyFacts | None"]):
    """The KMS keys a template scan knows: the template's own keys and aliases, and AWS managed
    aliases. Looked up by the reference a resource uses (``!Ref Key``, ``!GetAtt Key.Arn``,
    ``!Ref Alias``, the alias name); references it does not know are not in it."""

    def __init__(self, template: ScannedTemplate) -> None:
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
            target = dict.get(properties, "TargetKeyId") if isinstance(properties, Configuration) else None
            if isinstance(target, ResourceReference) and target.logical_id in self._keys:
                self._aliases[alias.logical_id] = target.logical_id
                name = dict.get(properties, "AliasName")
                if isinstance(name, str) and not isinstance(name, Unresolved):
                    self._alias_names[name] = target.logical_id

    def _find(self, reference: Any) -> tuple[bool, KeyFacts | None]:
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
