"""vpc_flow_logs through its real Lambda handler: VPCs and flow logs in moto, Config-shaped events.

moto lacks GetComplianceDetailsByConfigRule and returns every list in one page, so the results
AWS Config already holds, and paged list responses where paging matters, come from
:class:`tests.support.events.PagedListing` on a botocore ``before-call`` hook.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3
import pytest

from smguard.rules.vpc_flow_logs.app import lambda_handler
from smguard.resources.ec2 import recorded_shape
from smguard.engine import InvalidRuleParameterError
from smguard.engine.cleanup import GONE_ANNOTATION
from smguard.engine.handler import SHARED_CLIENTS
from tests.support.events import (
    PagedListing,
    change_event,
    configuration_item,
    evaluation_result,
    scheduled_event,
)

VPC = "AWS::EC2::VPC"
CENTRAL_BUCKET = "central-flow-logs"
CENTRAL = f"arn:aws:s3:::{CENTRAL_BUCKET}"
DELIVERY_ROLE = "arn:aws:iam::123456789012:role/flow-logs-delivery"


@pytest.fixture
def ec2(aws):
    client = boto3.client("ec2")
    boto3.client("s3").create_bucket(Bucket=CENTRAL_BUCKET)
    boto3.client("s3").create_bucket(Bucket="team-bucket")
    boto3.client("logs").create_log_group(logGroupName="central-vpc-flow")
    return client


def new_vpc(ec2: Any, cidr: str = "10.0.0.0/16") -> str:
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def s3_flow_log(ec2: Any, resource_id: str, bucket: str = CENTRAL_BUCKET, **settings: Any) -> str:
    resource_type = "VPC" if resource_id.startswith("vpc-") else "Subnet"
    response = ec2.create_flow_logs(
        ResourceIds=[resource_id],
        ResourceType=resource_type,
        TrafficType=settings.pop("TrafficType", "ALL"),
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{bucket}",
        **settings,
    )
    assert not response["Unsuccessful"], response["Unsuccessful"]
    return response["FlowLogIds"][0]


def vpc_item(ec2: Any, vpc_id: str, **kwargs: Any) -> dict[str, Any]:
    """The VPC as AWS Config records it, from moto's DescribeVpcs (camelCase)."""
    described = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    return configuration_item(VPC, vpc_id, recorded_shape(described), **kwargs)


def old_results(results: list[dict[str, Any]], page_size: int = 100) -> PagedListing:
    """Serve ``results`` as the rule's recorded results (moto lacks GetComplianceDetailsByConfigRule)."""
    listing = PagedListing("EvaluationResults", results, page_size)
    SHARED_CLIENTS.client("config").meta.events.register(
        "before-call.config-service.GetComplianceDetailsByConfigRule", listing
    )
    return listing


class CallCounter:
    """Counts the API calls the handler's clients make, by operation name."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def watch(self, *services: str) -> CallCounter:
        for service in services:
            SHARED_CLIENTS.client(service).meta.events.register("before-call", self)
        return self


# --- configuration changes: one VPC, one filtered DescribeFlowLogs -----------------------------------


def test_a_vpc_with_an_active_flow_log_to_the_central_bucket_is_compliant(ec2, posted):
    vpc = new_vpc(ec2)
    flow_log = s3_flow_log(ec2, vpc)
    lambda_handler(change_event(vpc_item(ec2, vpc), parameters={"LogDestinations": CENTRAL}), None)
    assert posted.results() == [
        (VPC, vpc, "COMPLIANT",
         f"Flow log {flow_log} of {vpc} captures ALL traffic to {CENTRAL}, aggregated over at most 600s; it is ACTIVE "
         "and delivering.")
    ]


def test_a_change_reads_only_the_flow_logs_of_that_vpc(ec2, posted):
    vpc, other = new_vpc(ec2), new_vpc(ec2, "10.1.0.0/16")
    s3_flow_log(ec2, other)
    requests: list[dict[str, Any]] = []
    SHARED_CLIENTS.client("ec2").meta.events.register(
        "provide-client-params.ec2.DescribeFlowLogs", lambda params, **_: requests.append(params)
    )
    lambda_handler(change_event(vpc_item(ec2, vpc)), None)
    assert requests == [
        {"Filter": [{"Name": "resource-id", "Values": [vpc]}], "MaxResults": 1000}
    ]
    assert posted.results() == [
        (VPC, vpc, "NON_COMPLIANT",
         f"VPC {vpc} has no VPC-level flow log. Call CreateFlowLogs (ResourceType VPC, TrafficType ALL).")
    ]


def test_subnet_level_and_foreign_destination_flow_logs_do_not_count(ec2, posted):
    vpc = new_vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    s3_flow_log(ec2, subnet)
    team = s3_flow_log(ec2, vpc, bucket="team-bucket")
    lambda_handler(change_event(vpc_item(ec2, vpc), parameters={"LogDestinations": CENTRAL}), None)
    assert posted.results() == [
        (VPC, vpc, "NON_COMPLIANT",
         f"Flow log {team} delivers to arn:aws:s3:::team-bucket (not in LogDestinations). Fix one or call "
         f"CreateFlowLogs (ResourceType VPC, TrafficType ALL, LogDestination under {CENTRAL}).")
    ]


def test_a_flow_log_whose_delivery_fails_does_not_count(ec2, posted):
    vpc = new_vpc(ec2)
    # moto reports DeliverLogsStatus FAILED ("Access error") for a log group that does not exist.
    failing = ec2.create_flow_logs(
        ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogGroupName="no-such-group",
        DeliverLogsPermissionArn=DELIVERY_ROLE,
    )["FlowLogIds"][0]
    lambda_handler(change_event(vpc_item(ec2, vpc)), None)
    assert posted.results() == [
        (VPC, vpc, "NON_COMPLIANT",
         f"Flow log {failing} has failing delivery (Access error). Fix one or call CreateFlowLogs (ResourceType VPC, "
         "TrafficType ALL).")
    ]


def test_a_log_group_known_by_name_is_resolved_with_the_item_region_and_owner(ec2, posted):
    vpc = new_vpc(ec2)
    flow_log = ec2.create_flow_logs(
        ResourceIds=[vpc], ResourceType="VPC", TrafficType="REJECT", LogGroupName="central-vpc-flow",
        DeliverLogsPermissionArn=DELIVERY_ROLE, MaxAggregationInterval=60,
    )["FlowLogIds"][0]
    parameters = {
        "TrafficType": "REJECT",
        "MaxAggregationInterval": "60",
        "LogDestinations": "arn:aws:logs:us-east-1:123456789012:log-group:central-vpc-flow",
    }
    lambda_handler(change_event(vpc_item(ec2, vpc), parameters=parameters), None)
    assert posted.results() == [
        (VPC, vpc, "COMPLIANT",
         f"Flow log {flow_log} of {vpc} captures REJECT traffic to log group central-vpc-flow, aggregated over at "
         "most 60s; it is ACTIVE and delivering.")
    ]


def test_a_deleted_vpc_is_not_applicable_without_reading_flow_logs(ec2, posted):
    counter = CallCounter().watch("ec2")
    item = configuration_item(VPC, "vpc-0123456789abcdef0", None, status="ResourceDeleted")
    lambda_handler(change_event(item), None)
    assert posted.results() == [(VPC, "vpc-0123456789abcdef0", "NOT_APPLICABLE", "The resource is ResourceDeleted.")]
    assert counter.calls == Counter()


def test_a_malformed_parameter_fails_the_invocation_by_name(ec2, posted):
    vpc = new_vpc(ec2)
    with pytest.raises(InvalidRuleParameterError, match="'MaxAggregationInterval': 300 is not one of 60, 600"):
        lambda_handler(change_event(vpc_item(ec2, vpc), parameters={"MaxAggregationInterval": "300"}), None)
    assert posted.results() == []


# --- periodic: every VPC, old results retired, bounded calls ----------------------------------------


def test_a_periodic_run_reports_every_vpc_and_retires_gone_vpcs_only(ec2, posted):
    (default_vpc,) = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    logged, unlogged = new_vpc(ec2), new_vpc(ec2, "10.1.0.0/16")
    flow_log = s3_flow_log(ec2, logged)
    old_results([
        evaluation_result(VPC, logged, "COMPLIANT"),
        evaluation_result(VPC, "vpc-0000000000000dead"),
        evaluation_result("AWS::SageMaker::Model", "vpc-0000000000000dead"),
    ])
    lambda_handler(scheduled_event(parameters={"LogDestinations": CENTRAL}), None)
    no_flow_log = "has no VPC-level flow log. Call CreateFlowLogs (ResourceType VPC, TrafficType ALL, LogDestination under"
    assert sorted(posted.results()) == sorted([
        (VPC, default_vpc, "NON_COMPLIANT", f"VPC {default_vpc} {no_flow_log} {CENTRAL}).") ,
        (VPC, logged, "COMPLIANT",
         f"Flow log {flow_log} of {logged} captures ALL traffic to {CENTRAL}, aggregated over at most 600s; it is "
         "ACTIVE and delivering."),
        (VPC, unlogged, "NON_COMPLIANT", f"VPC {unlogged} {no_flow_log} {CENTRAL})."),
        (VPC, "vpc-0000000000000dead", "NOT_APPLICABLE", GONE_ANNOTATION),
    ])


def periodic_calls(ec2: Any, vpc_count: int) -> Counter[str]:
    for n in range(vpc_count):
        vpc = new_vpc(ec2, f"10.{n}.0.0/16")
        if n % 2:
            s3_flow_log(ec2, vpc)
    counter = CallCounter().watch("ec2", "config")
    listing = old_results([evaluation_result(VPC, "vpc-0000000000000dead")])
    lambda_handler(scheduled_event(), None)
    # The fake answers on the operation's own hook, which botocore runs before the generic one.
    return counter.calls + Counter({"GetComplianceDetailsByConfigRule": len(listing.requests)})


@pytest.mark.parametrize("vpc_count", [3, 30])
def test_a_periodic_run_makes_the_same_calls_for_3_or_30_vpcs(ec2, posted, vpc_count):
    """ceil(V/1000) DescribeVpcs + max(1, ceil(F/1000)) DescribeFlowLogs + max(1, ceil(R/100))
    GetComplianceDetailsByConfigRule + ceil((V+S)/100) PutEvaluations: 1 each below those sizes."""
    calls = periodic_calls(ec2, vpc_count)
    assert calls == Counter(
        {"DescribeVpcs": 1, "DescribeFlowLogs": 1, "GetComplianceDetailsByConfigRule": 1, "PutEvaluations": 1}
    )
    assert len(posted.results()) == vpc_count + 1 + 1  # the new VPCs, moto's default VPC, the retired one


def test_paged_describe_responses_are_followed_to_the_end(ec2, posted):
    vpcs = [new_vpc(ec2, f"10.{n}.0.0/16") for n in range(5)]
    flow_logs = {vpc: s3_flow_log(ec2, vpc) for vpc in vpcs}
    described_vpcs = ec2.describe_vpcs()["Vpcs"]
    described_logs = ec2.describe_flow_logs()["FlowLogs"]
    client = SHARED_CLIENTS.client("ec2")
    vpc_pages = PagedListing("Vpcs", described_vpcs, page_size=2)
    log_pages = PagedListing("FlowLogs", described_logs, page_size=2)
    client.meta.events.register("before-call.ec2.DescribeVpcs", vpc_pages)
    client.meta.events.register("before-call.ec2.DescribeFlowLogs", log_pages)
    old_results([])
    lambda_handler(scheduled_event(), None)
    assert (len(vpc_pages.requests), len(log_pages.requests)) == (3, 3)
    compliant = {r[1] for r in posted.results() if r[2] == "COMPLIANT"}
    assert compliant == set(flow_logs)
    assert len(posted.results()) == 6


