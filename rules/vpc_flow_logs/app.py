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

from collections.abc import Sequence
from typing import Any

from .check import FlowLogsByVpc, VpcFlowLogsParameters, check
from smguard.engine import CHANGE_TRIGGER, PERIODIC_TRIGGER, Remediation, Resource, RuleHandler, SmguardRule
from smguard.resources.facts.vpc_flow_logs import VPC_FLOW_LOGS
from smguard.resources.types.vpc import NAME as VPC
from smguard.resources.types.vpc import TYPE as VPC_TYPE


class VpcFlowLogs(SmguardRule):
    resource_types = (VPC,)
    triggers = frozenset({CHANGE_TRIGGER, PERIODIC_TRIGGER})
    maximum_execution_frequency = "TwentyFour_Hours"
    parameters = VpcFlowLogsParameters
    aws_actions = ("ec2:DescribeVpcs", "ec2:DescribeFlowLogs")
    # No AWS runbook creates a flow log with narrow permissions (AWSSupport-EnableVPCFlowLogs needs
    # iam:CreateRole, the AWSConfigRemediation-EnableVPCFlowLogsTo* ones replace an existing flow
    # log): smguard's own document (smguard.deploy.remediation) creates one to the stack's S3
    # destination with the traffic type and aggregation interval this rule requires.
    remediation = Remediation(
        runbook="smguard-EnableVpcFlowLog",
        resource_id_parameter="VpcId",
        # What the document's steps call (CreateFlowLog: ec2:CreateFlowLogs; VerifyFlowLog:
        # ec2:DescribeFlowLogs), and the log-delivery actions creating a flow log that publishes to
        # S3 needs (Amazon VPC User Guide, "Flow logs: IAM permissions for publishing to Amazon S3").
        actions=("ec2:DescribeFlowLogs", "ec2:CreateFlowLogs", "logs:CreateLogDelivery", "logs:DeleteLogDelivery"),
        reference="docs/remediation.md",
        rule_parameters={"TrafficType": "TrafficType", "MaxAggregationInterval": "MaxAggregationInterval"},
        stack_parameters={"LogDestination": "FlowLogRemediationDestinationArn"},
    )

    facts = VPC_FLOW_LOGS
    list_resources = staticmethod(VPC_TYPE.list_all)

    def gather_facts(self, resources: Sequence[Resource], parameters: VpcFlowLogsParameters, clients: Any) -> FlowLogsByVpc:
        return VPC_FLOW_LOGS.from_aws([resource.resource_id for resource in resources], clients)

    check = staticmethod(check)


lambda_handler = RuleHandler(VpcFlowLogs())
