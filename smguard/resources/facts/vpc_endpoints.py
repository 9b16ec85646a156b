"""The endpoints of a VPC: DescribeVpcEndpoints ``VpcEndpoints`` entries whose VpcId is the VPC.

From a template: an endpoint the template declares is ``available`` (CloudFormation waits for
it); ``VpcEndpointType`` absent is ``Gateway`` and ``PrivateDnsEnabled`` absent is false, the
CloudFormation defaults. Without ``--region``, ``com.amazonaws.${AWS::Region}.<service>`` is the
stack's own region, so it is given to the check without a region (``com.amazonaws.<service>``),
which matches the service in any region; a region written out (``com.amazonaws.eu-west-1.sts``)
serves the stack only if it is deployed there, which is not known: the endpoint is uncertain (it
may not count). An endpoint whose ServiceName is open serves some one service or none: the
scanner tries it as each required service (:meth:`VpcEndpoints.decide_open`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from smguard.engine.rule import Resource
from smguard.engine.verdict import Compliance
from smguard.resources.base import BOOLEAN, Described, FactSlice, TemplateFacts, recorded_state
from smguard.resources.ec2 import DESCRIBE_PAGE_SIZE, api_shape, group_by_vpc, recorded_shape
from smguard.resources.facts.per_vpc import PerVpc, by_vpc, place, slices_of, uncertain_everywhere
from smguard.resources.types.vpc import vpc_link

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase
    from smguard.scan.intrinsics import Resolver
    from smguard.scan.template import ScannedTemplate, TemplateResource
    from smguard.scan.values import Configuration

VPC_ENDPOINT = "AWS::EC2::VPCEndpoint"
SERVICE_NAME = re.compile(r"(?:cn\.)?com\.amazonaws\.(?:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.)?(?P<suffix>[a-z0-9.-]+)")
"""An endpoint's ServiceName: the region (absent in a template-built fact: the stack's own) and the service."""
REGION_STAND_IN = "smguard-stack-region-0"
"""Resolves ``AWS::Region`` while reading ServiceName without --region; removed right after."""
INTERFACE_SERVICES = ("sagemaker.api", "sagemaker.runtime", "sts", "logs")
GATEWAY_SERVICES = ("s3",)
"""What the demo's private VPC reaches without the internet: SageMaker's APIs, STS, CloudWatch Logs, S3."""


class VpcEndpoints(PerVpc):
    name = "the endpoints of a VPC"
    template_typed_properties = {VPC_ENDPOINT: ((("PrivateDnsEnabled",), BOOLEAN),)}
    recorded_type = VPC_ENDPOINT

    def from_aws(self, vpc_ids: Sequence[str], clients: Any) -> dict[str, list[Any]]:
        """Endpoints per VPC, from one paginated DescribeVpcEndpoints for the whole region, or from
        the recorded AWS::EC2::VPCEndpoint items (in the Describe shape) when given a recorded state."""
        if not vpc_ids:
            return {}
        recorded = recorded_state(clients)
        if recorded is not None:
            entries = (_described_endpoint(item.configuration) for item in recorded.recorded_items(VPC_ENDPOINT))
            return group_by_vpc(entries, "VpcId", vpc_ids)
        pages = clients.build_client("ec2").get_paginator("describe_vpc_endpoints").paginate(
            PaginationConfig={"PageSize": DESCRIBE_PAGE_SIZE}
        )
        return group_by_vpc((entry for page in pages for entry in page.get("VpcEndpoints", [])), "VpcId", vpc_ids)

    def describe_recorded(self, clients: Any) -> list[Described]:
        """DescribeVpcEndpoints entries as AWS Config records them (camelCase); the Config id is the endpoint id."""
        ec2 = clients.build_client("ec2")
        pages = ec2.get_paginator("describe_vpc_endpoints").paginate(PaginationConfig={"PageSize": DESCRIBE_PAGE_SIZE})
        region = ec2.meta.region_name
        return [
            (Resource(VPC_ENDPOINT, entry["VpcEndpointId"], recorded_shape(entry), region), None)
            for page in pages
            for entry in page.get("VpcEndpoints", [])
        ]

    def from_template(self, template: ScannedTemplate) -> TemplateFacts:
        """DescribeVpcEndpoints-shaped entries per template VPC, from the AWS::EC2::VPCEndpoint resources."""
        from smguard.scan.values import Configuration, Opaque, Unresolved  # not in a rule's Lambda artifact

        vpcs, slices = slices_of(template)
        resolver = template.resolver
        for endpoint in template.of_types(VPC_ENDPOINT):
            properties = endpoint.properties
            if isinstance(properties, Opaque):
                uncertain_everywhere(slices, Configuration(VpcEndpointId=endpoint.logical_id, VpcId=properties), properties.reason)
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
                slices[link].open_entries.append((entry, dict.__getitem__(entry, "ServiceName").reason))
                continue
            place(slices, vpcs, endpoint, entry, "VpcId", vpc, _region_doubt(resolver, endpoint, service))
        return by_vpc(slices)

    def decide_open(
        self, judge: Callable[[Any, Any], tuple[str, str]], slice_: FactSlice, parameters: Any, region: str | None
    ) -> tuple[str, str]:
        """A VPC some of whose endpoints have an open ServiceName.

        Each such endpoint serves one service or none, and the check judges each required service by
        the endpoints of that service alone. So the VPC is judged without them (they serve none of
        the required services; an endpoint cannot take a service away, so COMPLIANT stands), then
        each service it lacks is tried with each open endpoint serving it. When more services are
        lacking than there are open endpoints able to serve one, no value of their names can make
        the VPC compliant: NON_COMPLIANT. Otherwise some value may: UNKNOWN, with why the names are open.
        """
        from smguard.scan.scanner import UNKNOWN  # the scanner is not in a rule's Lambda artifact

        endpoints = slice_.certain

        def run(facts: list[Any], services: tuple[str, ...] | None = None) -> tuple[str, str]:
            return judge(facts, parameters if services is None else replace(parameters, required_services=services))

        without = run(endpoints)
        if without[0] in (Compliance.COMPLIANT, Compliance.NOT_APPLICABLE):
            return without
        lacking = tuple(service for service in parameters.required_services if run(endpoints, (service,))[0] == Compliance.NON_COMPLIANT)
        able = [
            why
            for entry, why in slice_.open_entries
            if any(run([*endpoints, serving(entry, service, region)], (service,))[0] != Compliance.NON_COMPLIANT for service in lacking)
        ]
        if len(lacking) > len(able):
            return without if without[0] == Compliance.NON_COMPLIANT else run(endpoints, lacking)
        if not lacking:
            return without  # UNKNOWN for a value of the endpoints that certainly serve
        reasons = list(dict.fromkeys(able))
        more = f" (+{len(reasons) - 2} more)" if len(reasons) > 2 else ""
        return UNKNOWN, " ".join(reasons[:2]) + more

    def example(self, session: Any, base: DemoBase, vpc_id: str, subnets: Sequence[str]) -> None:
        """Interface endpoints (private DNS, HTTPS from the VPC only) and a gateway endpoint for
        everything SageMaker needs in a VPC without internet access."""
        ec2 = session.client("ec2")
        cidr = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["CidrBlock"]
        group = ec2.create_security_group(
            GroupName="ds-endpoints", Description="Interface endpoints, HTTPS from the VPC", VpcId=vpc_id
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": cidr}]}]
        )
        for service in INTERFACE_SERVICES:
            ec2.create_vpc_endpoint(
                VpcId=vpc_id,
                ServiceName=f"com.amazonaws.{base.region}.{service}",
                VpcEndpointType="Interface",
                SubnetIds=list(subnets),
                SecurityGroupIds=[group],
                PrivateDnsEnabled=True,
            )
        route_table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"][0]
        for service in GATEWAY_SERVICES:
            ec2.create_vpc_endpoint(
                VpcId=vpc_id,
                ServiceName=f"com.amazonaws.{base.region}.{service}",
                VpcEndpointType="Gateway",
                RouteTableIds=[route_table["RouteTableId"]],
            )


def _described_endpoint(configuration: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded endpoint in the DescribeVpcEndpoints shape. Its ``state`` is a plain string in the
    Describe answer and ``state.value`` in the resource schema: both are read as the string."""
    entry: dict[str, Any] = api_shape(configuration)
    state = entry.get("State")
    if isinstance(state, Mapping):
        entry["State"] = state.get("Value")
    return entry


def serving(entry: Configuration, service: str, region: str | None) -> Configuration:
    """An endpoint whose ServiceName is open, taken as serving ``service`` in the stack's region
    (in whatever region it is, without --region)."""
    from smguard.scan.values import Configuration

    taken = Configuration(dict.items(entry))
    dict.__setitem__(taken, "ServiceName", f"com.amazonaws.{region}.{service}" if region else f"com.amazonaws.{service}")
    return taken


def _region_doubt(resolver: Resolver, endpoint: TemplateResource, service: Any) -> str | None:
    """Why an endpoint whose ServiceName names a region may not serve the stack, when no
    --region says where the stack is (the check compares the regions only when it knows both)."""
    from smguard.scan.values import Unresolved

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
    from smguard.scan.intrinsics import Resolver
    from smguard.scan.values import Unresolved

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


VPC_ENDPOINTS = VpcEndpoints()
