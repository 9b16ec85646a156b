"""A VPC's default security group must have no rules at all.

Every resource launched without an explicit security group lands in the default group; if that
group allows traffic, a notebook or endpoint created carelessly is reachable (and can reach out).
Closing it forces every workload onto a deliberately designed group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smguard.engine import NoParameters, Resource, Verdict, describe_value

SUMMARY_LIMIT = 3


def check(resource: Resource, parameters: NoParameters, facts: object = None) -> Verdict:
    configuration = resource.configuration
    group_name = configuration.get("groupName")
    group = configuration.get("groupId") or resource.resource_id
    if group_name != "default":
        return Verdict.not_applicable(
            f"Security group {group} is named {describe_value(group_name)}, not a VPC's default security group."
        )
    ingress = configuration.get("ipPermissions")
    egress = configuration.get("ipPermissionsEgress")
    if not isinstance(ingress, list) or not isinstance(egress, list):
        unreadable = [
            f"{prop} is {describe_value(value)}, not a list"
            for prop, value in (("ipPermissions", ingress), ("ipPermissionsEgress", egress))
            if not isinstance(value, list)
        ]
        return Verdict.non_compliant(
            f"The default security group {group} cannot be shown to be closed: {'; '.join(unreadable)}."
        )
    inbound = [rule for permission in ingress for rule in _rules(permission, "from")]
    outbound = [rule for permission in egress for rule in _rules(permission, "to")]
    vpc = configuration.get("vpcId") or "its VPC"
    if not inbound and not outbound:
        return Verdict.compliant(f"The default security group {group} of {vpc} has no inbound or outbound rules.")
    rules = [f"in: {r}" for r in inbound] + [f"out: {r}" for r in outbound]
    shown = "; ".join(rules[:SUMMARY_LIMIT]) + (f"; +{len(rules) - SUMMARY_LIMIT} more" if len(rules) > SUMMARY_LIMIT else "")
    return Verdict.non_compliant(
        f"The default security group {group} has {len(inbound)} inbound and {len(outbound)} outbound rule(s) "
        f"({shown}); remove them all and use dedicated security groups."
    )


def _rules(permission: Any, direction: str) -> list[str]:
    """One description per source or destination, as the EC2 console counts rules."""
    if not isinstance(permission, Mapping):
        return [f"unreadable rule {describe_value(permission)}"]
    traffic = _traffic(permission)
    peers: list[str] = []
    for cidr in permission.get("ipRanges") or []:
        peers.append(str(cidr))
    for entry in permission.get("ipv4Ranges") or []:
        peers.append(str(entry.get("cidrIp") if isinstance(entry, Mapping) else entry))
    for entry in permission.get("ipv6Ranges") or []:
        peers.append(str(entry.get("cidrIpv6") if isinstance(entry, Mapping) else entry))
    for entry in permission.get("prefixListIds") or []:
        peers.append(str(entry.get("prefixListId") if isinstance(entry, Mapping) else entry))
    for entry in permission.get("userIdGroupPairs") or []:
        peers.append(str(entry.get("groupId") if isinstance(entry, Mapping) else entry))
    unique = list(dict.fromkeys(peers))
    if not unique:
        return [f"{traffic} {direction} an unnamed peer"]
    return [f"{traffic} {direction} {peer}" for peer in unique]


def _traffic(permission: Mapping[str, Any]) -> str:
    protocol = permission.get("ipProtocol")
    if protocol in ("-1", -1, "all"):
        return "all traffic"
    start, end = permission.get("fromPort"), permission.get("toPort")
    ports = "" if start is None else f" {start}" if start == end else f" {start}-{end}"
    return f"{describe_value(protocol)}{ports}"
