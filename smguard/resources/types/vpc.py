"""AWS::EC2::VPC, recorded in the EC2 API's shape in camelCase; its Config id is its VPC id.

Periodic rules list the VPCs themselves (:meth:`Vpc.list_all`), which a rule's Lambda function runs:
one check then serves the change notification, the periodic sweep, ``smguard evaluate`` and
``smguard scan``. Flow logs and endpoints are not in the item: they are fact kinds
(:mod:`smguard.resources.facts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from smguard.engine.rule import Resource
from smguard.resources.base import SAMPLE_ACCOUNT, SAMPLE_VPC_ID, Described, ResourceType
from smguard.resources.ec2 import DESCRIBE_PAGE_SIZE, recorded_shape

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase
    from smguard.scan.template import Recorded, ScannedTemplate, TemplateResource
    from smguard.scan.values import Configuration
    from smguard.sweep.collected import ProgressTracker

NAME = "AWS::EC2::VPC"


def vpc_state(configuration: Mapping[str, Any]) -> str | None:
    """The recorded VPC state: a plain string in real items, ``{"value": ...}`` in Config's schema."""
    state = configuration.get("state")
    if isinstance(state, Mapping):
        state = state.get("value")
    return state if isinstance(state, str) else None


def template_vpcs(template: ScannedTemplate) -> dict[str, TemplateResource]:
    """The template's VPCs that may be created, by logical id."""
    return {vpc.logical_id: vpc for vpc in template.of_types(NAME)}


def vpc_link(value: Any, vpcs: Mapping[str, Any]) -> str | None:
    """The logical id of the template VPC a ResourceId/VpcId refers to (Ref or GetAtt VpcId), or None."""
    from smguard.scan.values import ResourceReference  # the scanner is not in a rule's Lambda artifact

    if isinstance(value, ResourceReference) and value.logical_id in vpcs and value.attribute in (None, "VpcId"):
        return value.logical_id
    return None


def template_configuration(logical_id: str, properties: Configuration) -> Configuration:
    """An AWS::EC2::VPC in the DescribeVpcs shape Config records; CloudFormation waits for
    ``available`` before the stack completes, and a VPC it creates is never the default VPC."""
    from smguard.scan.values import Configuration

    configuration = Configuration(vpcId=logical_id, isDefault=False, state="available")
    for source, target in (("CidrBlock", "cidrBlock"), ("InstanceTenancy", "instanceTenancy")):
        if dict.__contains__(properties, source):
            configuration[target] = dict.__getitem__(properties, source)
    return configuration


class Vpc(ResourceType):
    name = NAME
    sample_id = SAMPLE_VPC_ID
    queryable = True  # config/properties/resource-types in awslabs/aws-config-resource-schema
    sample = {
        "vpcId": SAMPLE_VPC_ID,
        "ownerId": SAMPLE_ACCOUNT,
        "cidrBlock": "10.0.0.0/16",
        "isDefault": False,
        "state": "available",
        "dhcpOptionsId": "dopt-0a1b2c3d",
        "instanceTenancy": "default",
        "cidrBlockAssociationSet": [{"cidrBlock": "10.0.0.0/16", "associationId": "vpc-cidr-assoc-0a1b2c3d"}],
    }

    def recorded(self, description: Mapping[str, Any], region: str | None = None) -> Resource:
        """A DescribeVpcs entry as the recorded item (``state`` stays a plain string, as in real items)."""
        return Resource(NAME, description["VpcId"], recorded_shape(dict(description)), region)

    def list_all(self, clients: Any) -> list[Resource]:
        """Every VPC of the region, in the recorded shape: one paginated DescribeVpcs."""
        ec2 = clients.build_client("ec2")
        pages = ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": DESCRIBE_PAGE_SIZE})
        region = ec2.meta.region_name
        return [self.recorded(vpc, region) for page in pages for vpc in page.get("Vpcs", [])]

    def describe(self, clients: Any, pool: Executor, progress: ProgressTracker) -> list[Described]:
        return [(resource, None) for resource in self.list_all(clients)]

    def from_template(self, template: ScannedTemplate) -> list[Recorded]:
        from smguard.scan.template import Recorded
        from smguard.scan.values import Opaque

        recorded = []
        for vpc in template_vpcs(template).values():
            properties = vpc.properties
            shape: Any = properties if isinstance(properties, Opaque) else template_configuration(vpc.logical_id, properties)
            recorded.append(Recorded(Resource(NAME, vpc.logical_id, shape), vpc.line))
        return recorded

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """A VPC named ``name`` (``changes`` holds its CidrBlock), its default group as AWS creates
        it; compliant: with a flow log to the base's central bucket. Its endpoints need subnets and
        its default group is a security group: their examples are the endpoints fact kind's and the
        SecurityGroup type's."""
        from smguard.resources.facts.vpc_flow_logs import VPC_FLOW_LOGS

        ec2 = session.client("ec2")
        tags = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}]
        vpc_id = str(ec2.create_vpc(TagSpecifications=tags, **changes)["Vpc"]["VpcId"])
        as_aws_creates_it(ec2, default_group(ec2, vpc_id))
        if compliant:
            VPC_FLOW_LOGS.example(session, base, vpc_id)
        return vpc_id


def default_group(ec2: Any, vpc_id: str) -> str:
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    return str(groups[0]["GroupId"])


def as_aws_creates_it(ec2: Any, group_id: str) -> None:
    """AWS gives a new default group an ingress rule allowing all traffic from itself; moto gives none.

    https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html"""
    ec2.authorize_security_group_ingress(
        GroupId=group_id, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id}]}]
    )


def close(ec2: Any, group_id: str) -> None:
    """Remove every rule of a default group, the control the vpc_default_sg rule checks."""
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    if group["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=_without_empty(group["IpPermissions"]))
    if group["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=_without_empty(group["IpPermissionsEgress"]))


def _without_empty(permissions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in p.items() if value != []} for p in permissions]


TYPE = Vpc()
