"""The flow logs of a VPC: DescribeFlowLogs ``FlowLogs`` entries whose ResourceId is the VPC.

From a template: a flow log counts for a VPC only with ResourceType VPC (an open ResourceType
makes it uncertain). A flow log the template declares is ACTIVE (CloudFormation creates it so);
its ``DeliverLogsStatus`` is unknown until logs flow, so it is left out, which the check does not
hold against the flow log. Delivery failures are found by the deployed rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from smguard.engine.rule import Resource
from smguard.resources.base import INTEGER, Described, TemplateFacts, recorded_state
from smguard.resources.ec2 import DESCRIBE_PAGE_SIZE, api_shape, group_by_vpc, recorded_shape
from smguard.resources.facts.per_vpc import PerVpc, by_vpc, place, slices_of, uncertain_everywhere

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase
    from smguard.scan.template import ScannedTemplate

FLOW_LOG = "AWS::EC2::FlowLog"
COPIED = ("TrafficType", "LogDestinationType", "LogDestination", "LogGroupName", "MaxAggregationInterval", "DeliverLogsPermissionArn")
"""AWS::EC2::FlowLog properties DescribeFlowLogs names alike."""


class VpcFlowLogs(PerVpc):
    name = "the flow logs of a VPC"
    template_typed_properties = {FLOW_LOG: ((("MaxAggregationInterval",), INTEGER),)}
    recorded_type = FLOW_LOG

    def from_aws(self, vpc_ids: Sequence[str], clients: Any) -> dict[str, list[Any]]:
        """Flow logs per VPC: filtered on the VPC for one VPC, one unfiltered sweep for several; from
        the recorded AWS::EC2::FlowLog items (in the Describe shape) when given a recorded state."""
        if not vpc_ids:
            return {}
        recorded = recorded_state(clients)
        if recorded is not None:
            entries = (api_shape(item.configuration) for item in recorded.recorded_items(FLOW_LOG))
            return group_by_vpc(entries, "ResourceId", vpc_ids)
        filters = {"Filter": [{"Name": "resource-id", "Values": list(vpc_ids)}]} if len(vpc_ids) == 1 else {}
        pages = clients.build_client("ec2").get_paginator("describe_flow_logs").paginate(
            **filters, PaginationConfig={"PageSize": DESCRIBE_PAGE_SIZE}
        )
        return group_by_vpc((entry for page in pages for entry in page.get("FlowLogs", [])), "ResourceId", vpc_ids)

    def describe_recorded(self, clients: Any) -> list[Described]:
        """DescribeFlowLogs entries as AWS Config records them: camelCase (the schema's
        ``configuration.flowLogId``, ``configuration.resourceId``, ...); the Config id is the flow log id."""
        ec2 = clients.build_client("ec2")
        pages = ec2.get_paginator("describe_flow_logs").paginate(PaginationConfig={"PageSize": DESCRIBE_PAGE_SIZE})
        region = ec2.meta.region_name
        return [
            (Resource(FLOW_LOG, entry["FlowLogId"], recorded_shape(entry), region), None)
            for page in pages
            for entry in page.get("FlowLogs", [])
        ]

    def from_template(self, template: ScannedTemplate) -> TemplateFacts:
        """DescribeFlowLogs-shaped entries per template VPC, from the AWS::EC2::FlowLog resources."""
        from smguard.scan.errors import UnresolvedValueError  # the scanner is not in a rule's Lambda artifact
        from smguard.scan.values import Configuration, Opaque

        vpcs, slices = slices_of(template)
        for flow_log in template.of_types(FLOW_LOG, with_imports=True):
            properties = flow_log.properties
            if isinstance(properties, Opaque):
                uncertain_everywhere(slices, Configuration(FlowLogId=flow_log.logical_id, ResourceId=properties), properties.reason)
                continue
            try:
                if properties.get("ResourceType") != "VPC":
                    continue  # a subnet, interface or transit gateway flow log: its ResourceId is not a VPC
                doubt = None
            except UnresolvedValueError as error:  # open, and not excluded by AllowedValues
                doubt = f"{flow_log.logical_id} monitors the VPC only if its ResourceType is VPC: {error.reason}"
            entry = Configuration(FlowLogId=flow_log.logical_id, FlowLogStatus="ACTIVE")
            for name in COPIED:
                if dict.__contains__(properties, name):
                    entry[name] = dict.__getitem__(properties, name)
            place(slices, vpcs, flow_log, entry, "ResourceId", dict.get(properties, "ResourceId"), doubt)
        return by_vpc(slices)

    def example(self, session: Any, base: DemoBase, vpc_id: str) -> None:
        """A flow log of all the VPC's traffic to the base's central bucket, every minute."""
        created = session.client("ec2").create_flow_logs(
            ResourceIds=[vpc_id],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="s3",
            LogDestination=f"arn:aws:s3:::{base.log_bucket}",
            MaxAggregationInterval=60,
        )
        if created.get("Unsuccessful"):
            raise RuntimeError(f"CreateFlowLogs refused the reference flow log: {created['Unsuccessful']}")


VPC_FLOW_LOGS = VpcFlowLogs()
