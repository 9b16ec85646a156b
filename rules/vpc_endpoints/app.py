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

from collections.abc import Sequence
from typing import Any

from .check import EndpointsByVpc, VpcEndpointsParameters, check
from smguard.engine import PERIODIC_TRIGGER, Resource, RuleHandler, SmguardRule
from smguard.resources.facts.vpc_endpoints import VPC_ENDPOINTS
from smguard.resources.types.vpc import NAME as VPC
from smguard.resources.types.vpc import TYPE as VPC_TYPE


class VpcEndpoints(SmguardRule):
    resource_types = (VPC,)
    triggers = frozenset({PERIODIC_TRIGGER})
    maximum_execution_frequency = "TwentyFour_Hours"
    parameters = VpcEndpointsParameters
    aws_actions = ("ec2:DescribeVpcs", "ec2:DescribeVpcEndpoints")

    facts = VPC_ENDPOINTS
    list_resources = staticmethod(VPC_TYPE.list_all)

    def gather_facts(self, resources: Sequence[Resource], parameters: VpcEndpointsParameters, clients: Any) -> EndpointsByVpc:
        return VPC_ENDPOINTS.from_aws([resource.resource_id for resource in resources], clients)

    check = staticmethod(check)


lambda_handler = RuleHandler(VpcEndpoints())
