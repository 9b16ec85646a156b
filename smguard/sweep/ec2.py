"""EC2 resources, read with one paginated Describe per collection and turned into the recorded shape.

AWS Config records EC2 resources in the EC2 API's own shape, but camelCase where boto3's
Describe responses are PascalCase. Security group rules carry IPv4 ranges twice in the record:
``ipRanges`` as plain CIDR strings and ``ipv4Ranges`` as objects; both are rebuilt here.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from typing import Any

from smguard.engine.ec2 import VPC, recorded_shape
from smguard.engine.rule import Resource
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import CollectedResource, ProgressTracker

SECURITY_GROUP = "AWS::EC2::SecurityGroup"

PERMISSION_LISTS = ("IpPermissions", "IpPermissionsEgress")



def security_group(group: Mapping[str, Any]) -> CollectedResource:
    """A DescribeSecurityGroups entry as an AWS::EC2::SecurityGroup item."""
    configuration = recorded_shape({key: value for key, value in group.items() if key not in PERMISSION_LISTS})
    for key in PERMISSION_LISTS:
        configuration[_lower_first(key)] = [_recorded_permission(permission) for permission in group.get(key, [])]
    return CollectedResource(
        Resource(SECURITY_GROUP, group["GroupId"], configuration), group.get("SecurityGroupArn")
    )


def vpc(description: Mapping[str, Any]) -> CollectedResource:
    """A DescribeVpcs entry as an AWS::EC2::VPC item (``state`` stays a plain string, as in real items)."""
    return CollectedResource(Resource(VPC, description["VpcId"], recorded_shape(dict(description))))


def collect_security_groups(clients: SweepClients, pool: Executor, progress: ProgressTracker) -> list[CollectedResource]:
    ec2 = clients.build_client("ec2")
    pages = ec2.get_paginator("describe_security_groups").paginate()
    return [security_group(group) for page in pages for group in page.get("SecurityGroups", [])]


def collect_vpcs(clients: SweepClients, pool: Executor, progress: ProgressTracker) -> list[CollectedResource]:
    ec2 = clients.build_client("ec2")
    pages = ec2.get_paginator("describe_vpcs").paginate()
    return [vpc(description) for page in pages for description in page.get("Vpcs", [])]


def _recorded_permission(permission: Mapping[str, Any]) -> dict[str, Any]:
    recorded = recorded_shape({key: value for key, value in permission.items() if key != "IpRanges"})
    ranges = permission.get("IpRanges", [])
    recorded["ipv4Ranges"] = recorded_shape(ranges)
    recorded["ipRanges"] = [entry["CidrIp"] for entry in ranges if "CidrIp" in entry]
    return recorded


def _lower_first(key: str) -> str:
    return key[:1].lower() + key[1:]
