"""EC2 resources as AWS Config records them, for the rules that sweep VPCs on a schedule.

AWS Config records EC2 resources in the EC2 API's own shape, but camelCase where boto3's
Describe responses are PascalCase. A periodic rule lists the VPCs itself, so it turns each
DescribeVpcs entry into that recorded shape: one check then serves the change notification, the
periodic sweep, ``smguard evaluate`` and ``smguard scan``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from smguard.engine.rule import Resource

VPC = "AWS::EC2::VPC"
DESCRIBE_PAGE_SIZE = 1000
"""The largest page DescribeVpcs, DescribeFlowLogs and DescribeVpcEndpoints return."""


def recorded_shape(value: Any) -> Any:
    """PascalCase keys to camelCase, recursively (``IpPermissions`` -> ``ipPermissions``)."""
    if isinstance(value, Mapping):
        return {key[:1].lower() + key[1:]: recorded_shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [recorded_shape(item) for item in value]
    return value


def list_vpcs(clients: Any) -> list[Resource]:
    """Every VPC of the region, in the recorded shape: one paginated DescribeVpcs."""
    ec2 = clients.build_client("ec2")
    pages = ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": DESCRIBE_PAGE_SIZE})
    region = ec2.meta.region_name
    return [
        Resource(VPC, vpc["VpcId"], recorded_shape(vpc), region) for page in pages for vpc in page.get("Vpcs", [])
    ]


def vpc_state(configuration: Mapping[str, Any]) -> str | None:
    """The recorded VPC state: a plain string in real items, ``{"value": ...}`` in Config's schema."""
    state = configuration.get("state")
    if isinstance(state, Mapping):
        state = state.get("value")
    return state if isinstance(state, str) else None


def group_by_vpc(
    entries: Iterable[Mapping[str, Any]], vpc_key: str, vpc_ids: Iterable[str]
) -> dict[str, list[Mapping[str, Any]]]:
    """Each VPC id -> the entries whose ``vpc_key`` names it; entries of other VPCs (or of subnets
    and interfaces, or with an unreadable key) are dropped."""
    grouped: dict[str, list[Mapping[str, Any]]] = {vpc_id: [] for vpc_id in vpc_ids}
    for entry in entries:
        owner = entry.get(vpc_key)
        bucket = grouped.get(owner) if isinstance(owner, str) else None
        if bucket is not None:
            bucket.append(entry)
    return grouped
