"""The pure check of vpc_flow_logs over recorded VPC items and DescribeFlowLogs-shaped facts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from smguard.rules.vpc_flow_logs.check import VpcFlowLogsParameters
from smguard.rules.vpc_flow_logs.check import check as check_vpc
from smguard.engine import Compliance, InvalidRuleParameterError, MissingFactError, Resource, Verdict
from smguard.resources.ec2 import group_by_vpc

VPC_ID = "vpc-0a1b2c3d4e5f60718"
OWNER = "123456789012"
CENTRAL = "arn:aws:s3:::central-flow-logs"


def check(resource: Resource, parameters: Any, flow_logs: list[dict[str, Any]], region: str | None) -> Verdict:
    """The rule's check for one VPC, given that VPC's flow logs and the region of its item."""
    return check_vpc(replace(resource, region=region), parameters, {resource.resource_id: flow_logs})


def vpc(state: Any = "available", **overrides: Any) -> Resource:
    """A VPC as AWS Config records it (EC2 API shape, camelCase)."""
    configuration = {
        "cidrBlock": "10.20.0.0/16",
        "dhcpOptionsId": "dopt-0f1e2d3c4b5a69788",
        "state": state,
        "vpcId": VPC_ID,
        "ownerId": OWNER,
        "instanceTenancy": "default",
        "ipv6CidrBlockAssociationSet": [],
        "cidrBlockAssociationSet": [
            {
                "associationId": "vpc-cidr-assoc-0123456789abcdef0",
                "cidrBlock": "10.20.0.0/16",
                "cidrBlockState": {"state": "associated"},
            }
        ],
        "isDefault": False,
        "tags": [{"key": "team", "value": "ds-platform"}],
        **overrides,
    }
    return Resource("AWS::EC2::VPC", VPC_ID, configuration)


def flow_log(flow_log_id: str = "fl-0123456789abcdef0", **overrides: Any) -> dict[str, Any]:
    """A DescribeFlowLogs FlowLogs entry of a healthy VPC-level flow log to the central bucket."""
    entry = {
        "CreationTime": "2026-11-01T08:00:00+00:00",
        "DeliverLogsStatus": "SUCCESS",
        "FlowLogId": flow_log_id,
        "FlowLogStatus": "ACTIVE",
        "ResourceId": VPC_ID,
        "TrafficType": "ALL",
        "LogDestinationType": "s3",
        "LogDestination": CENTRAL,
        "LogFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport}",
        "Tags": [],
        "MaxAggregationInterval": 600,
    }
    entry.update(overrides)
    return {key: value for key, value in entry.items() if value is not None}


def params(**raw: str) -> VpcFlowLogsParameters:
    return VpcFlowLogsParameters.parse(raw)


def test_an_active_delivering_vpc_level_flow_log_is_compliant() -> None:
    verdict = check(vpc(), params(), [flow_log()], "us-east-1")
    assert verdict.compliance is Compliance.COMPLIANT
    assert verdict.annotation == (
        f"Flow log fl-0123456789abcdef0 of {VPC_ID} captures ALL traffic to {CENTRAL}, aggregated over at most "
        "600s; it is ACTIVE and delivering."
    )


def test_no_flow_log_at_all_is_non_compliant_with_the_call_that_fixes_it() -> None:
    verdict = check(vpc(), params(LogDestinations=CENTRAL, MaxAggregationInterval="60"), [], "us-east-1")
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == (
        f"VPC {VPC_ID} has no VPC-level flow log. Call CreateFlowLogs (ResourceType VPC, TrafficType ALL, "
        f"LogDestination under {CENTRAL}, MaxAggregationInterval 60)."
    )


FIX = "Fix one or call CreateFlowLogs (ResourceType VPC, TrafficType ALL)."


def counted(
    flow_log_id: str = "fl-0123456789abcdef0", traffic: str = "ALL", destination: str = CENTRAL, interval: int = 600
) -> Verdict:
    """The COMPLIANT verdict of VPC_ID when this healthy flow log counts."""
    return Verdict(
        Compliance.COMPLIANT,
        f"Flow log {flow_log_id} of {VPC_ID} captures {traffic} traffic to {destination}, aggregated over at most "
        f"{interval}s; it is ACTIVE and delivering.",
    )


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (
            flow_log(ResourceId="subnet-0fedcba9876543210"),
            "monitors subnet-0fedcba9876543210, not the VPC",
        ),
        (flow_log(FlowLogStatus="INACTIVE"), "is INACTIVE"),
        (
            flow_log(DeliverLogsStatus="FAILED", DeliverLogsErrorMessage="Access error"),
            "has failing delivery (Access error)",
        ),
        (flow_log(DeliverLogsStatus="FAILED"), "has failing delivery"),
        (flow_log(TrafficType="REJECT"), "captures REJECT traffic (TrafficType ALL required)"),
    ],
    ids=["subnet-level", "not-active", "delivery-failed-with-message", "delivery-failed", "traffic-type"],
)
def test_each_reason_a_flow_log_does_not_count(entry: dict[str, Any], reason: str) -> None:
    verdict = check(vpc(), params(), [entry], "us-east-1")
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == f"Flow log fl-0123456789abcdef0 {reason}. {FIX}"


def test_when_reasons_overflow_the_first_is_shortened_and_the_fix_kept() -> None:
    entries = [
        flow_log("fl-0000000000000000b", DeliverLogsStatus="FAILED", DeliverLogsErrorMessage="Rate limited"),
        flow_log("fl-0000000000000000a", LogDestination="arn:aws:s3:::other-bucket", MaxAggregationInterval=600),
    ]
    verdict = check(vpc(), params(LogDestinations=CENTRAL, MaxAggregationInterval="60"), entries, "us-east-1")
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == (
        "Flow log fl-0000000000000000a delivers to arn:aws:s3:::other-bucket (not in LogDestinations), aggregates "
        "over 600s... (+1 more). Fix one or call CreateFlowLogs (ResourceType VPC, TrafficType ALL, an allowed "
        "LogDestination, MaxAggregationInterval 60)."
    )


def test_one_good_flow_log_among_bad_ones_makes_the_vpc_compliant() -> None:
    entries = [flow_log("fl-1", DeliverLogsStatus="FAILED"), flow_log("fl-2"), flow_log("fl-3", TrafficType="ACCEPT")]
    assert check(vpc(), params(), entries, "us-east-1") == counted("fl-2")


@pytest.mark.parametrize(
    ("required", "captured", "counts"),
    [
        ("ALL", "ALL", True),
        ("ALL", "ACCEPT", False),
        ("ALL", "REJECT", False),
        ("ACCEPT", "ALL", True),
        ("ACCEPT", "ACCEPT", True),
        ("ACCEPT", "REJECT", False),
        ("REJECT", "ALL", True),
        ("REJECT", "REJECT", True),
        ("REJECT", "ACCEPT", False),
    ],
)
def test_traffic_type_all_satisfies_any_requirement_and_the_others_only_themselves(
    required: str, captured: str, counts: bool
) -> None:
    verdict = check(vpc(), params(TrafficType=required), [flow_log(TrafficType=captured)], "us-east-1")
    if counts:
        assert verdict == counted(traffic=captured)
    else:
        assert verdict.compliance is Compliance.NON_COMPLIANT
        assert verdict.annotation == (
            f"Flow log fl-0123456789abcdef0 captures {captured} traffic (TrafficType {required} required). "
            f"Fix one or call CreateFlowLogs (ResourceType VPC, TrafficType {required})."
        )


def test_an_accept_and_a_reject_flow_log_together_do_not_make_all() -> None:
    entries = [flow_log("fl-1", TrafficType="ACCEPT"), flow_log("fl-2", TrafficType="REJECT")]
    verdict = check(vpc(), params(TrafficType="ALL"), entries, "us-east-1")
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == (
        "Flow log fl-1 captures ACCEPT traffic (TrafficType ALL required); Flow log fl-2 captures REJECT traffic "
        "(TrafficType ALL required). Fix one or call CreateFlowLogs (ResourceType VPC, TrafficType ALL)."
    )


@pytest.mark.parametrize(
    ("destination", "counts"),
    [
        (CENTRAL, True),
        (f"{CENTRAL}/AWSLogs/", True),
        ("arn:aws:s3:::central-flow-logs-copy", False),
        ("arn:aws:s3:::other-bucket", False),
    ],
    ids=["bucket", "bucket-folder", "look-alike-bucket", "other-bucket"],
)
def test_log_destinations_are_prefixes_ending_at_a_boundary(destination: str, counts: bool) -> None:
    verdict = check(vpc(), params(LogDestinations=CENTRAL), [flow_log(LogDestination=destination)], "us-east-1")
    if counts:
        assert verdict == counted(destination=destination)
    else:
        assert verdict == Verdict(
            Compliance.NON_COMPLIANT,
            f"Flow log fl-0123456789abcdef0 delivers to {destination} (not in LogDestinations). Fix one or call "
            f"CreateFlowLogs (ResourceType VPC, TrafficType ALL, LogDestination under {CENTRAL}).",
        )


def test_a_prefix_ending_in_a_slash_admits_everything_under_it() -> None:
    prefix = "arn:aws:logs:us-east-1:999999999999:log-group:/central/"
    entry = flow_log(
        LogDestinationType="cloud-watch-logs",
        LogDestination="arn:aws:logs:us-east-1:999999999999:log-group:/central/vpc-flow",
    )
    assert check(vpc(), params(LogDestinations=f"{CENTRAL},{prefix}"), [entry], "us-east-1") == counted(
        destination="arn:aws:logs:us-east-1:999999999999:log-group:/central/vpc-flow"
    )


CENTRAL_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:central-vpc-flow"


def cloudwatch_flow_log(**overrides: Any) -> dict[str, Any]:
    return flow_log(
        LogDestinationType="cloud-watch-logs",
        LogDestination=None,
        LogGroupName="central-vpc-flow",
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs-delivery",
        **overrides,
    )


def test_a_log_group_named_only_by_name_is_resolved_in_the_vpc_account_and_region() -> None:
    verdict = check(vpc(), params(LogDestinations=CENTRAL_GROUP), [cloudwatch_flow_log()], "us-east-1")
    assert verdict.compliance is Compliance.COMPLIANT
    assert verdict.annotation == (
        f"Flow log fl-0123456789abcdef0 of {VPC_ID} captures ALL traffic to log group central-vpc-flow, aggregated "
        "over at most 600s; it is ACTIVE and delivering."
    )


def test_a_log_group_arn_with_the_trailing_star_describeflowlogs_may_show_matches() -> None:
    entry = flow_log(LogDestinationType="cloud-watch-logs", LogDestination=f"{CENTRAL_GROUP}:*")
    assert check(vpc(), params(LogDestinations=CENTRAL_GROUP), [entry], "us-east-1") == counted(
        destination=f"{CENTRAL_GROUP}:*"
    )


def test_a_log_group_in_another_region_does_not_match() -> None:
    verdict = check(vpc(), params(LogDestinations=CENTRAL_GROUP), [cloudwatch_flow_log()], "eu-west-1")
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == (
        "Flow log fl-0123456789abcdef0 delivers to arn:aws:logs:eu-west-1:123456789012:log-group:central-vpc-flow "
        "(not in LogDestinations). Fix one or call CreateFlowLogs (ResourceType VPC, TrafficType ALL, an allowed "
        "LogDestination)."
    )


def test_a_log_group_in_the_china_partition_gets_its_partition() -> None:
    china_group = "arn:aws-cn:logs:cn-north-1:123456789012:log-group:central-vpc-flow"
    verdict = check(vpc(), params(LogDestinations=china_group), [cloudwatch_flow_log()], "cn-north-1")
    assert verdict == counted(destination="log group central-vpc-flow")


def test_a_log_group_name_without_the_region_is_a_missing_fact_not_a_guess() -> None:
    with pytest.raises(MissingFactError, match="names only log group central-vpc-flow; its ARN needs the VPC's region"):
        check(vpc(), params(LogDestinations=CENTRAL_GROUP), [cloudwatch_flow_log()], None)


@pytest.mark.parametrize(
    ("region", "owner", "needs"),
    [
        (None, OWNER, f"region (unknown) and ownerId ({OWNER})"),
        ("us-east-1", None, "region (us-east-1) and ownerId (unknown)"),
        ("us-east-1", "", "region (us-east-1) and ownerId (unknown)"),
        ("us-east-1", int(OWNER), f"region (us-east-1) and ownerId ({OWNER})"),
    ],
    ids=["no-region", "no-owner", "empty-owner", "owner-not-a-string"],
)
def test_the_missing_fact_of_a_log_group_name_says_which_flow_log_and_what_is_unknown(
    region: str | None, owner: Any, needs: str
) -> None:
    recorded = {key: value for key, value in vpc(ownerId=owner).configuration.items() if value is not None}
    resource = Resource("AWS::EC2::VPC", VPC_ID, recorded)  # owner None: the item records no ownerId at all
    with pytest.raises(MissingFactError) as raised:
        check(resource, params(LogDestinations=CENTRAL_GROUP), [cloudwatch_flow_log()], region)
    assert str(raised.value) == (
        f"flow log fl-0123456789abcdef0 names only log group central-vpc-flow; its ARN needs the VPC's {needs}"
    )


def test_a_log_destination_that_is_not_a_string_gives_way_to_the_log_group_name() -> None:
    entry = flow_log(LogDestinationType="cloud-watch-logs", LogDestination=12345, LogGroupName="central-vpc-flow")
    assert check(vpc(), params(LogDestinations=CENTRAL_GROUP), [entry], "us-east-1") == counted(
        destination="log group central-vpc-flow"
    )


def test_a_log_group_name_that_is_not_a_string_names_no_destination() -> None:
    entry = flow_log(LogDestination=None, LogDestinationType="cloud-watch-logs", LogGroupName=12345)
    assert check(vpc(), params(), [entry], "us-east-1") == Verdict(
        Compliance.NON_COMPLIANT, f"Flow log fl-0123456789abcdef0 names no destination. {FIX}"
    )


def test_without_log_destinations_a_log_group_name_needs_no_resolving() -> None:
    assert check(vpc(), params(), [cloudwatch_flow_log()], None) == counted(destination="log group central-vpc-flow")


def test_a_flow_log_without_any_destination_does_not_count_when_destinations_are_required() -> None:
    entry = flow_log(LogDestination=None)
    assert check(vpc(), params(LogDestinations=CENTRAL), [entry], "us-east-1") == Verdict(
        Compliance.NON_COMPLIANT,
        "Flow log fl-0123456789abcdef0 names no destination. Fix one or call CreateFlowLogs (ResourceType VPC, "
        f"TrafficType ALL, LogDestination under {CENTRAL}).",
    )


@pytest.mark.parametrize(("required", "interval", "counts"), [(60, 60, True), (60, 600, False), (600, 600, True), (600, 60, True)])
def test_max_aggregation_interval_is_an_upper_bound(required: int, interval: int, counts: bool) -> None:
    verdict = check(
        vpc(), params(MaxAggregationInterval=str(required)), [flow_log(MaxAggregationInterval=interval)], "us-east-1"
    )
    if counts:
        assert verdict == counted(interval=interval)
    else:
        assert verdict == Verdict(
            Compliance.NON_COMPLIANT,
            "Flow log fl-0123456789abcdef0 aggregates over 600s (MaxAggregationInterval 60). Fix one or call "
            "CreateFlowLogs (ResourceType VPC, TrafficType ALL, MaxAggregationInterval 60).",
        )


def test_an_absent_interval_is_the_aws_default_600() -> None:
    verdict = check(vpc(), params(MaxAggregationInterval="60"), [flow_log(MaxAggregationInterval=None)], "us-east-1")
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        "Flow log fl-0123456789abcdef0 aggregates over 600s (MaxAggregationInterval 60). Fix one or call "
        "CreateFlowLogs (ResourceType VPC, TrafficType ALL, MaxAggregationInterval 60).",
    )


def test_a_fact_without_delivery_status_is_judged_on_its_settings_and_claims_no_delivery() -> None:
    """A template-built fact: ACTIVE once created, no DeliverLogsStatus until logs flow."""
    entry = flow_log(CreationTime=None, FlowLogId="VpcFlowLog", DeliverLogsStatus=None)
    assert check(vpc(), params(), [entry], None) == Verdict(
        Compliance.COMPLIANT,
        f"Flow log VpcFlowLog of {VPC_ID} captures ALL traffic to {CENTRAL}, aggregated over at most 600s; "
        "it is ACTIVE; delivery is not checked (no DeliverLogsStatus).",
    )


@pytest.mark.parametrize("delivery", ["SUCCESS", None], ids=["delivering", "no-delivery-status"])
def test_a_flow_log_without_flow_log_status_never_counts(delivery: str | None) -> None:
    entry = flow_log(FlowLogStatus=None, DeliverLogsStatus=delivery)
    assert check(vpc(), params(), [entry], "us-east-1") == Verdict(
        Compliance.NON_COMPLIANT, f"Flow log fl-0123456789abcdef0 has no FlowLogStatus (not known to be ACTIVE). {FIX}"
    )


def test_a_flow_log_naming_no_destination_never_counts() -> None:
    entry = flow_log(LogDestination=None, LogDestinationType=None)
    assert check(vpc(), params(), [entry], "us-east-1") == Verdict(
        Compliance.NON_COMPLIANT, f"Flow log fl-0123456789abcdef0 names no destination. {FIX}"
    )


@pytest.mark.parametrize(("value", "shown"), [("success", "success"), ("", "empty"), (True, "true")])
def test_a_delivery_status_other_than_success_or_failed_never_counts(value: Any, shown: str) -> None:
    assert check(vpc(), params(), [flow_log(DeliverLogsStatus=value)], "us-east-1") == Verdict(
        Compliance.NON_COMPLIANT, f"Flow log fl-0123456789abcdef0 has DeliverLogsStatus {shown}, not SUCCESS. {FIX}"
    )


@pytest.mark.parametrize("state", ["pending", {"value": "pending"}, "deleting", {"value": "deleting"}])
def test_a_vpc_not_yet_or_no_longer_available_is_not_applicable(state: Any) -> None:
    verdict = check(vpc(state=state), params(), [], "us-east-1")
    assert verdict.compliance is Compliance.NOT_APPLICABLE
    assert verdict.annotation == f"VPC {VPC_ID} is {vpc_state_text(state)}; it is evaluated once available."


def vpc_state_text(state: Any) -> str:
    return state["value"] if isinstance(state, dict) else state


@pytest.mark.parametrize("state", ["available", {"value": "available"}, None])
def test_an_available_vpc_in_either_state_shape_is_evaluated(state: Any) -> None:
    assert check(vpc(state=state), params(), [], "us-east-1") == Verdict(
        Compliance.NON_COMPLIANT,
        f"VPC {VPC_ID} has no VPC-level flow log. Call CreateFlowLogs (ResourceType VPC, TrafficType ALL).",
    )


def test_many_failing_flow_logs_are_counted_and_the_fix_is_always_kept() -> None:
    entries = [flow_log(f"fl-0000000000000000{n}", DeliverLogsStatus="FAILED", DeliverLogsErrorMessage="Access error") for n in range(6)]
    verdict = check(vpc(), params(LogDestinations=CENTRAL), entries, "us-east-1")
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert len(verdict.annotation) <= 256
    assert verdict.annotation == (
        "Flow log fl-00000000000000000 has failing delivery (Access error) (+5 more). Fix one or call CreateFlowLogs "
        "(ResourceType VPC, TrafficType ALL, "
        f"LogDestination under {CENTRAL})."
    )


def test_grouping_keeps_vpc_level_flow_logs_of_each_vpc_and_drops_the_rest() -> None:
    entries = [
        flow_log("fl-1", ResourceId="vpc-1"),
        flow_log("fl-2", ResourceId="subnet-1"),
        flow_log("fl-3", ResourceId="eni-1"),
        flow_log("fl-4", ResourceId="vpc-1"),
        flow_log("fl-5", ResourceId="vpc-unknown"),
        flow_log("fl-6", ResourceId=["vpc-1"]),
    ]
    grouped = group_by_vpc(entries, "ResourceId", ["vpc-1", "vpc-2"])
    assert {vpc_id: [e["FlowLogId"] for e in logs] for vpc_id, logs in grouped.items()} == {
        "vpc-1": ["fl-1", "fl-4"],
        "vpc-2": [],
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"TrafficType": "all"}, "rule parameter 'TrafficType': 'all' is not one of ALL, ACCEPT, REJECT"),
        ({"MaxAggregationInterval": "300"}, "rule parameter 'MaxAggregationInterval': 300 is not one of 60, 600"),
        ({"LogDestinations": "central-flow-logs"}, "rule parameter 'LogDestinations': 'central-flow-logs' is not an S3"),
        ({"LogDestination": CENTRAL}, "rule parameter 'LogDestination': unknown parameter"),
    ],
)
def test_malformed_parameters_are_rejected_by_name(raw: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidRuleParameterError) as raised:
        VpcFlowLogsParameters.parse(raw)
    assert str(raised.value).startswith(message)


def test_parameter_defaults() -> None:
    assert VpcFlowLogsParameters.parse({}) == VpcFlowLogsParameters("ALL", None, 600)


@pytest.mark.parametrize("facts", [None, {"vpc-other": []}])
def test_flow_logs_that_were_not_gathered_are_a_missing_fact_not_a_verdict(facts: Any) -> None:
    with pytest.raises(MissingFactError, match=f"the flow logs of {VPC_ID} were not gathered"):
        check_vpc(vpc(), params(), facts)
