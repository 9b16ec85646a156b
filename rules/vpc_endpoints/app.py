"""Lambda entry point of the vpc_endpoints rule (periodic only).

Endpoints are separate resources from the VPC, so a change to one would not re-evaluate the
VPC: the rule sweeps the account and region on a schedule. API calls of a run, with V VPCs,
E endpoints in the region, R recorded results of the rule and S of them for VPCs that are gone:

    ceil(V/1000) DescribeVpcs + max(1, ceil(E/1000)) DescribeVpcEndpoints
    + max(1, ceil(R/100)) GetComplianceDetailsByConfigRule + ceil((V+S)/100) PutEvaluations

(DescribeVpcs makes one call even when empty; DescribeVpcEndpoints is skipped when the region
has no VPC.) VPCs outside ``VpcIds`` are still reported, as NOT_APPLICABLE, so that a result from
before ``VpcIds`` was set does not linger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import rdklib

from rules.vpc_endpoints.check import VPC, Endpoint, VpcEndpointsParameters, check, endpoints_by_vpc
from smguard.engine import PERIODIC_TRIGGER, Resource, RuleHandler, SmguardRule, to_evaluation

PAGE_SIZE = 1000
"""The largest page DescribeVpcs and DescribeVpcEndpoints return."""


class VpcEndpoints(SmguardRule):
    name = "vpc_endpoints"
    resource_types = (VPC,)
    triggers = frozenset({PERIODIC_TRIGGER})
    parameters = VpcEndpointsParameters
    aws_actions = ("ec2:DescribeVpcs", "ec2:DescribeVpcEndpoints")

    def gather_facts(
        self, resources: Sequence[Resource], parameters: VpcEndpointsParameters, clients: Any
    ) -> dict[str, list[Endpoint]]:
        """Endpoints per VPC, from one paginated DescribeVpcEndpoints for the whole region."""
        vpc_ids = [resource.resource_id for resource in resources]
        if not vpc_ids:
            return {}
        pages = clients.build_client("ec2").get_paginator("describe_vpc_endpoints").paginate(
            PaginationConfig={"PageSize": PAGE_SIZE}
        )
        return endpoints_by_vpc((entry for page in pages for entry in page.get("VpcEndpoints", [])), vpc_ids)

    def evaluate_periodic(
        self, event: Mapping[str, Any], client_factory: Any, valid_rule_parameters: VpcEndpointsParameters
    ) -> list[rdklib.Evaluation]:
        ec2 = client_factory.build_client("ec2")
        vpcs = list_vpcs(ec2)
        endpoints = self.gather_facts(vpcs, valid_rule_parameters, client_factory)
        region = ec2.meta.region_name
        return [
            to_evaluation(
                check(vpc, valid_rule_parameters, endpoints[vpc.resource_id], region), VPC, vpc.resource_id
            )
            for vpc in vpcs
        ]

    check = staticmethod(check)


def list_vpcs(ec2: Any) -> list[Resource]:
    """Every VPC of the region, in the shape AWS Config records (camelCase)."""
    pages = ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": PAGE_SIZE})
    return [Resource(VPC, vpc["VpcId"], recorded_shape(vpc)) for page in pages for vpc in page.get("Vpcs", [])]


def recorded_shape(value: Any) -> Any:
    """An EC2 API response value with keys in the camelCase the configuration item uses."""
    if isinstance(value, Mapping):
        return {key[:1].lower() + key[1:]: recorded_shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [recorded_shape(item) for item in value]
    return value


lambda_handler = RuleHandler(VpcEndpoints())
