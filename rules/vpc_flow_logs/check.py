"""Every VPC must have a working VPC-level flow log that captures the required traffic.

Flow logs are the only record of who talked to what inside a VPC; an investigator needs them for
every VPC, delivered to the central log store, not to a bucket the workload owner controls.
A flow log counts only when it monitors the VPC itself (subnet- and interface-level flow logs
cover part of the VPC), is ACTIVE, and its delivery is not failing (``DeliverLogsStatus`` FAILED
means the records are being dropped, typically because the delivery role or the bucket policy
does not allow the write).

``TrafficType`` semantics: a flow log capturing ALL traffic satisfies any requirement; one
capturing ACCEPT satisfies only ACCEPT, one capturing REJECT only REJECT. Each flow log is judged
alone: an ACCEPT and a REJECT flow log together do not satisfy ALL (the central store expects one
complete record stream per VPC).

``LogDestinations`` holds ARN prefixes. A destination matches a prefix when it equals it or
continues it after a ``/`` or ``:`` boundary (or the prefix itself ends with one), so that
``arn:aws:s3:::central-flow-logs`` admits ``arn:aws:s3:::central-flow-logs/AWSLogs/`` but not
the look-alike bucket ``arn:aws:s3:::central-flow-logs-copy``. A CloudWatch Logs flow log may be
described by ``LogGroupName`` alone: its ARN is then formed from the VPC's region and owner
account, since such a flow log always delivers to a log group of its own account and region.

Facts are DescribeFlowLogs ``FlowLogs`` entries (or the same shape built from
``AWS::EC2::FlowLog`` resources of a template, which are ACTIVE once created). A flow log without
``FlowLogStatus`` does not count: nothing shows it is ACTIVE. A ``DeliverLogsStatus`` absent from a
fact (a template has none) is not held against the flow log, and the annotation says delivery was
not checked; ``MaxAggregationInterval`` absent means AWS's default, 600. A flow log that names no
destination does not count: AWS always reports one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.session

from smguard.engine import (
    Choice,
    CsvList,
    Finding,
    Integer,
    MissingFactError,
    Resource,
    RuleParameters,
    Verdict,
    describe_value,
    parameter,
)
from smguard.resources.types.vpc import vpc_state

TRAFFIC_TYPES = ("ALL", "ACCEPT", "REJECT")
SATISFYING_TRAFFIC = {"ALL": {"ALL"}, "ACCEPT": {"ALL", "ACCEPT"}, "REJECT": {"ALL", "REJECT"}}
DEFAULT_AGGREGATION_INTERVAL = 600
# No quote, backslash or control character in the resource part: organization mode writes the
# parameter into a JSON string (InputParameters) unescaped, and no ARN holds them.
DESTINATION_PREFIX = r'arn:aws[a-z-]*:(?:s3|logs|firehose):[a-z0-9-]*:(?:\d{12})?:[^,\s"\\\x00-\x1f]+'
BOUNDARIES = "/:"
NOT_EVALUATED_STATES = frozenset({"pending", "deleting"})


@dataclass(frozen=True)
class VpcFlowLogsParameters(RuleParameters):
    traffic_type: str = parameter(
        "TrafficType",
        Choice(TRAFFIC_TYPES),
        "ALL",
        "The traffic the flow log must capture: ALL, ACCEPT or REJECT. A flow log capturing ALL satisfies any value; ACCEPT and REJECT flow logs satisfy only their own value, and two of them together do not satisfy ALL.",
    )
    log_destinations: tuple[str, ...] | None = parameter(
        "LogDestinations",
        CsvList(DESTINATION_PREFIX, "an S3, CloudWatch Logs or Firehose ARN prefix such as arn:aws:s3:::central-flow-logs"),
        None,
        "Comma-separated destination ARN prefixes the flow log must deliver under (S3 bucket, CloudWatch Logs log group or Firehose stream), e.g. arn:aws:s3:::central-flow-logs. A prefix matches the ARN itself or anything after a '/' or ':' that follows it. Not set: any destination is accepted.",
    )
    max_aggregation_interval: int = parameter(
        "MaxAggregationInterval",
        Integer((60, 600)),
        DEFAULT_AGGREGATION_INTERVAL,
        "60 or 600: the flow log's MaxAggregationInterval must be at most this many seconds (absent on a flow log means 600).",
    )


FlowLog = Mapping[str, Any]
"""One DescribeFlowLogs ``FlowLogs`` entry."""

FlowLogsByVpc = Mapping[str, Sequence[FlowLog]]
"""VPC id -> the flow logs whose ResourceId is that VPC (see smguard.resources.ec2.group_by_vpc)."""


def check(resource: Resource, parameters: VpcFlowLogsParameters, flow_logs: FlowLogsByVpc | None) -> Verdict:
    """Decide one VPC from the flow logs that concern it.

    ``resource`` is the VPC as AWS Config records it (EC2 API shape, camelCase; its region is
    needed only to resolve a flow log known by LogGroupName alone); ``flow_logs`` maps each VPC id
    to the DescribeFlowLogs entries whose ResourceId is that VPC (any other entry listed for it is
    reported as not counting).
    """
    vpc = resource.resource_id
    if flow_logs is None or vpc not in flow_logs:
        raise MissingFactError(f"the flow logs of {vpc} were not gathered")
    region = resource.region
    state = vpc_state(resource.configuration)
    if state in NOT_EVALUATED_STATES:
        return Verdict.not_applicable(f"VPC {vpc} is {state}; it is evaluated once available.")
    reasons = []
    for flow_log in sorted(flow_logs[vpc], key=lambda entry: str(entry.get("FlowLogId"))):
        problems = _problems(flow_log, vpc, parameters, resource.configuration.get("ownerId"), region)
        if not problems:
            return Verdict.compliant(
                f"Flow log {flow_log.get('FlowLogId')} of {vpc} captures {flow_log.get('TrafficType')} traffic "
                f"to {_destination_text(flow_log)}, aggregated over at most {_interval(flow_log)}s; "
                f"{_status_text(flow_log)}."
            )
        reasons.append(f"Flow log {flow_log.get('FlowLogId')} {', '.join(problems)}")
    if not reasons:
        return Verdict.non_compliant(f"VPC {vpc} has no VPC-level flow log. Call {_fix(parameters)}")
    # The fix naming the destination, or when the reasons leave no room for it, any allowed one.
    fixes = (f". Fix one or call {_fix(parameters)}", f". Fix one or call {_fix(parameters, name_destination=False)}")
    return Verdict.non_compliant(Finding(tuple(reasons), fixes))


def _problems(
    flow_log: FlowLog, vpc: str, parameters: VpcFlowLogsParameters, owner: Any, region: str | None
) -> list[str]:
    """Why this flow log does not count (empty: it counts)."""
    monitored = flow_log.get("ResourceId")
    if monitored != vpc:
        return [f"monitors {monitored}, not the VPC"]
    problems = []
    status = flow_log.get("FlowLogStatus")
    if status is None:
        problems.append("has no FlowLogStatus (not known to be ACTIVE)")
    elif status != "ACTIVE":
        problems.append(f"is {describe_value(status)}")
    delivery = flow_log.get("DeliverLogsStatus")
    if delivery == "FAILED":
        error = flow_log.get("DeliverLogsErrorMessage")
        problems.append(f"has failing delivery ({error})" if error else "has failing delivery")
    elif delivery is not None and delivery != "SUCCESS":
        problems.append(f"has DeliverLogsStatus {describe_value(delivery)}, not SUCCESS")
    traffic = flow_log.get("TrafficType")
    if not isinstance(traffic, str) or traffic not in SATISFYING_TRAFFIC[parameters.traffic_type]:
        problems.append(f"captures {describe_value(traffic)} traffic (TrafficType {parameters.traffic_type} required)")
    if _destination_text(flow_log) is None:
        problems.append("names no destination")
    elif parameters.log_destinations is not None:
        destination = _destination_arn(flow_log, owner, region)
        if not any(_within(destination, prefix) for prefix in parameters.log_destinations):
            problems.append(f"delivers to {destination} (not in LogDestinations)")
    interval = _interval(flow_log)
    if not isinstance(interval, int) or interval > parameters.max_aggregation_interval:
        problems.append(f"aggregates over {interval}s (MaxAggregationInterval {parameters.max_aggregation_interval})")
    return problems


def _interval(flow_log: FlowLog) -> Any:
    interval = flow_log.get("MaxAggregationInterval")
    return DEFAULT_AGGREGATION_INTERVAL if interval is None else interval


def _destination_arn(flow_log: FlowLog, owner: Any, region: str | None) -> str:
    """The destination's ARN, of a flow log that names one (see :func:`_destination_text`)."""
    destination = flow_log.get("LogDestination")
    if isinstance(destination, str) and destination:
        return destination
    group = flow_log["LogGroupName"]
    if not region or not isinstance(owner, str) or not owner:
        raise MissingFactError(
            f"flow log {flow_log.get('FlowLogId')} names only log group {group}; its ARN needs the VPC's "
            f"region ({region or 'unknown'}) and ownerId ({owner or 'unknown'})"
        )
    return f"arn:{_partition(region)}:logs:{region}:{owner}:log-group:{group}"


@cache
def _partition(region: str) -> str:
    """aws, aws-cn, aws-us-gov... from botocore's bundled endpoint data (no network call)."""
    partition: str = botocore.session.get_session().get_partition_for_region(region)
    return partition


def _within(destination: str, prefix: str) -> bool:
    if destination == prefix:
        return True
    if not destination.startswith(prefix):
        return False
    return prefix[-1] in BOUNDARIES or destination[len(prefix)] in BOUNDARIES


def _destination_text(flow_log: FlowLog) -> str | None:
    """The destination as the flow log names it (ARN, or CloudWatch Logs group name), None if it names none."""
    destination, group = flow_log.get("LogDestination"), flow_log.get("LogGroupName")
    if isinstance(destination, str) and destination:
        return destination
    if isinstance(group, str) and group:
        return f"log group {group}"
    return None


def _status_text(flow_log: FlowLog) -> str:
    """What the statuses of a counting (so ACTIVE) flow log say; a DeliverLogsStatus the fact lacks
    (a template has none) is named as not checked, never claimed."""
    if flow_log.get("DeliverLogsStatus") is None:
        return "it is ACTIVE; delivery is not checked (no DeliverLogsStatus)"
    return "it is ACTIVE and delivering"


def _fix(parameters: VpcFlowLogsParameters, *, name_destination: bool = True) -> str:
    settings = ["ResourceType VPC", f"TrafficType {parameters.traffic_type}"]
    if parameters.log_destinations:
        settings.append(
            f"LogDestination under {parameters.log_destinations[0]}" if name_destination else "an allowed LogDestination"
        )
    if parameters.max_aggregation_interval < DEFAULT_AGGREGATION_INTERVAL:
        settings.append(f"MaxAggregationInterval {parameters.max_aggregation_interval}")
    return f"CreateFlowLogs ({', '.join(settings)})."
