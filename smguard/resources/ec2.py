"""How AWS Config records EC2 resources, shared by the EC2 types and fact kinds.

AWS Config records EC2 resources in the EC2 API's own shape, but camelCase where boto3's Describe
responses are PascalCase; facts read beside them (flow logs, endpoints) stay in the API's shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DESCRIBE_PAGE_SIZE = 1000
"""The largest page DescribeVpcs, DescribeFlowLogs and DescribeVpcEndpoints return."""


def recorded_shape(value: Any) -> Any:
    """PascalCase keys to camelCase, recursively (``IpPermissions`` -> ``ipPermissions``)."""
    if isinstance(value, Mapping):
        return {lower_first(key): recorded_shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [recorded_shape(item) for item in value]
    return value


def lower_first(key: str) -> str:
    return key[:1].lower() + key[1:]


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


def api_shape(value: Any) -> Any:
    """camelCase keys back to the API's PascalCase, recursively: a recorded item read as its Describe
    entry (``flowLogStatus`` -> ``FlowLogStatus``), for checks written against the Describe shape."""
    if isinstance(value, Mapping):
        return {key[:1].upper() + key[1:]: api_shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [api_shape(item) for item in value]
    return value
