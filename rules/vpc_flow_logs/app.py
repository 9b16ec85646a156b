"""Lambda entry point of the vpc_flow_logs rule.

Flow logs are not part of the VPC's configuration item, so the rule runs on a schedule (every
VPC of the account and region) and on VPC changes (the one VPC). API calls of a periodic run,
with V VPCs, F flow logs of any level in the region, R recorded results of the rule and S of
them for VPCs that are gone:

    ceil(V/1000) DescribeVpcs + max(1, ceil(F/1000)) DescribeFlowLogs
    + max(1, ceil(R/100)) GetComplianceDetailsByConfigRule + ceil((V+S)/100) PutEvaluations

(DescribeVpcs makes one call even when empty; DescribeFlowLogs is skipped when the region has no
VPC.) A change notification makes one DescribeFlowLogs filtered on the VPC (``resource-id``)
and one PutEvaluations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import rdklib

from rules.vpc_flow_logs.check import VPC, FlowLog, VpcFlowLogsParameters, check, flow_logs_by_vpc
from smguard.engine import CHANGE_TRIGGER, PERIODIC_TRIGGER, Resource, RuleHandler, SmguardRule, to_evaluation

PAGE_SIZE = 1000
"""The largest page DescribeVpcs and DescribeFlowLogs return."""


class VpcFlowLogs(SmguardRule):
    name = "vpc_flow_logs"
    resource_types = (VPC,)
    triggers = frozenset({CHANGE_TRIGGER, PERIODIC_TRIGGER})
    parameters = VpcFlowLogsParameters
    aws_actions = ("ec2:DescribeVpcs", "ec2:DescribeFlowLogs")

    def gather_facts(
        self, resources: Sequence[Resource], parameters: VpcFlowLogsParameters, clients: Any
    ) -> dict[str, list[FlowLog]]:
        """Flow logs per VPC: filtered on the VPC for one VPC, one unfiltered sweep for several."""
        vpc_ids = [resource.resource_id for resource in resources]
        if not vpc_ids:
            return {}
        filters = {"Filter": [{"Name": "resource-id", "Values": vpc_ids}]} if len(vpc_ids) == 1 else {}
        pages = clients.build_client("ec2").get_paginator("describe_flow_logs").paginate(
            **filters, PaginationConfig={"PageSize": PAGE_SIZE}
        )
        return flow_logs_by_vpc((entry for page in pages for entry in page.get("FlowLogs", [])), vpc_ids)

    def evaluate_change(
        self,
        event: Mapping[str, Any],
        client_factory: Any,
        configuration_item: Mapping[str, Any],
        valid_rule_parameters: VpcFlowLogsParameters,
    ) -> list[rdklib.Evaluation]:
        resource = Resource.from_item(configuration_item)
        flow_logs = self.gather_facts([resource], valid_rule_parameters, client_factory)
        verdict = check(
            resource, valid_rule_parameters, flow_logs[resource.resource_id], configuration_item.get("awsRegion")
        )
        return [to_evaluation(verdict)]

    def evaluate_periodic(
        self, event: Mapping[str, Any], client_factory: Any, valid_rule_parameters: VpcFlowLogsParameters
    ) -> list[rdklib.Evaluation]:
        ec2 = client_factory.build_client("ec2")
        vpcs = list_vpcs(ec2)
        flow_logs = self.gather_facts(vpcs, valid_rule_parameters, client_factory)
        region = ec2.meta.region_name
        return [
            to_evaluation(
                check(vpc, valid_rule_parameters, flow_logs[vpc.resource_id], region), VPC, vpc.resource_id
            )
            for vpc in vpcs
        ]

    check = staticmethod(check)


def list_vpcs(ec2: Any) -> list[Resource]:
    """Every VPC of the region, in the shape AWS Config records (camelCase), so one check serves both paths."""
    pages = ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": PAGE_SIZE})
    return [Resource(VPC, vpc["VpcId"], recorded_shape(vpc)) for page in pages for vpc in page.get("Vpcs", [])]


def recorded_shape(value: Any) -> Any:
    """An EC2 API response value with keys in the camelCase the configuration item uses."""
    if isinstance(value, Mapping):
        return {key[:1].lower() + key[1:]: recorded_shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [recorded_shape(item) for item in value]
    return value


lambda_handler = RuleHandler(VpcFlowLogs())
