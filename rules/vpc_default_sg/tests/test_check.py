import pytest

from smguard.rules.vpc_default_sg.check import SUMMARY_LIMIT, check
from smguard.engine import Compliance, NoParameters, Resource, Verdict

FIX = "remove them all and use dedicated security groups."


def group(name="default", ingress=(), egress=(), **extra):
    configuration = {
        "groupName": name,
        "groupId": "sg-0a1b2c3d",
        "vpcId": "vpc-11112222",
        "ipPermissions": list(ingress),
        "ipPermissionsEgress": list(egress),
        **extra,
    }
    return Resource("AWS::EC2::SecurityGroup", "sg-0a1b2c3d", configuration)


ALL_FROM_SELF = {"ipProtocol": "-1", "ipRanges": [], "ipv4Ranges": [], "ipv6Ranges": [], "prefixListIds": [],
                 "userIdGroupPairs": [{"groupId": "sg-0a1b2c3d", "userId": "123456789012"}]}
ALL_TO_ANYWHERE = {"ipProtocol": "-1", "ipRanges": ["0.0.0.0/0"], "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}],
                   "ipv6Ranges": [], "prefixListIds": [], "userIdGroupPairs": []}


def test_a_closed_default_group_is_compliant():
    assert check(group(), NoParameters()) == Verdict(
        Compliance.COMPLIANT, "The default security group sg-0a1b2c3d of vpc-11112222 has no inbound or outbound rules."
    )


def test_a_new_default_group_as_aws_creates_it_is_non_compliant():
    assert check(group(ingress=[ALL_FROM_SELF], egress=[ALL_TO_ANYWHERE]), NoParameters()) == Verdict(
        Compliance.NON_COMPLIANT,
        "The default security group sg-0a1b2c3d has 1 inbound and 1 outbound rule(s) "
        f"(in: all traffic from sg-0a1b2c3d; out: all traffic to 0.0.0.0/0); {FIX}",
    )


def test_every_kind_of_peer_is_counted_and_summarised():
    ssh = {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": ["10.0.0.0/8"],
           "ipv4Ranges": [{"cidrIp": "10.0.0.0/8"}], "ipv6Ranges": [{"cidrIpv6": "::/0"}],
           "prefixListIds": [{"prefixListId": "pl-12345678"}], "userIdGroupPairs": []}
    high = {"ipProtocol": "udp", "fromPort": 1024, "toPort": 65535, "ipv4Ranges": [{"cidrIp": "192.168.0.0/16"}]}
    verdict = check(group(ingress=[ssh, high]), NoParameters())
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        "The default security group sg-0a1b2c3d has 4 inbound and 0 outbound rule(s) "
        f"(in: tcp 22 from 10.0.0.0/8; in: tcp 22 from ::/0; in: tcp 22 from pl-12345678; +1 more); {FIX}",
    )


def test_other_groups_are_not_applicable():
    assert check(group(name="notebooks", ingress=[ALL_FROM_SELF]), NoParameters()) == Verdict(
        Compliance.NOT_APPLICABLE,
        "Security group sg-0a1b2c3d is named notebooks, not a VPC's default security group.",
    )


def test_a_group_without_name_is_not_taken_for_a_default_group():
    resource = Resource("AWS::EC2::SecurityGroup", "sg-0a1b2c3d", {"groupId": "sg-0a1b2c3d"})
    assert check(resource, NoParameters()) == Verdict(
        Compliance.NOT_APPLICABLE, "Security group sg-0a1b2c3d is named absent, not a VPC's default security group."
    )


def test_unreadable_rule_lists_are_never_compliant():
    resource = Resource("AWS::EC2::SecurityGroup", "sg-0a1b2c3d", {"groupName": "default", "ipPermissions": "[]"})
    assert check(resource, NoParameters()) == Verdict(
        Compliance.NON_COMPLIANT,
        "The default security group sg-0a1b2c3d cannot be shown to be closed: ipPermissions is [], not a list; "
        "ipPermissionsEgress is absent, not a list.",
    )


def test_a_malformed_rule_entry_is_counted_as_a_rule():
    assert check(group(egress=["garbage"]), NoParameters()) == Verdict(
        Compliance.NON_COMPLIANT,
        f"The default security group sg-0a1b2c3d has 0 inbound and 1 outbound rule(s) (out: unreadable rule garbage); {FIX}",
    )


# Config records an IPv4 CIDR both in ipRanges and in ipv4Ranges[].cidrIp, but either list alone must be
# read: a configuration item from another recorder version or a hand-made one may carry only one.
@pytest.mark.parametrize("peers", [{"ipRanges": ["10.0.0.0/8"]}, {"ipv4Ranges": [{"cidrIp": "10.0.0.0/8"}]}],
                         ids=["ipRanges only", "ipv4Ranges only"])
def test_an_ipv4_peer_in_either_list_alone_is_a_rule(peers):
    assert check(group(ingress=[{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, **peers}]), NoParameters()) == Verdict(
        Compliance.NON_COMPLIANT,
        f"The default security group sg-0a1b2c3d has 1 inbound and 0 outbound rule(s) (in: tcp 443 from 10.0.0.0/8); {FIX}",
    )


@pytest.mark.parametrize("key", ["ipv4Ranges", "ipv6Ranges", "prefixListIds", "userIdGroupPairs"])
def test_a_peer_entry_that_is_not_an_object_is_shown_as_recorded(key):
    assert check(group(egress=[{"ipProtocol": "-1", key: ["sg-odd"]}]), NoParameters()) == Verdict(
        Compliance.NON_COMPLIANT,
        f"The default security group sg-0a1b2c3d has 0 inbound and 1 outbound rule(s) (out: all traffic to sg-odd); {FIX}",
    )


@pytest.mark.parametrize(
    ("permission", "traffic"),
    [
        ({"ipProtocol": -1}, "all traffic"),
        ({"ipProtocol": "all"}, "all traffic"),
        ({"ipProtocol": "icmp"}, "icmp"),
        ({"ipProtocol": "tcp", "fromPort": 1024, "toPort": 2048}, "tcp 1024-2048"),
    ],
    ids=["protocol -1 as a number", "protocol all", "no ports", "a port range"],
)
def test_the_traffic_of_a_rule_is_named(permission, traffic):
    rule = {**permission, "userIdGroupPairs": [{"groupId": "sg-0a1b2c3d"}]}
    assert check(group(ingress=[rule]), NoParameters()) == Verdict(
        Compliance.NON_COMPLIANT,
        f"The default security group sg-0a1b2c3d has 1 inbound and 0 outbound rule(s) (in: {traffic} from sg-0a1b2c3d); {FIX}",
    )


def test_a_closed_default_group_without_vpc_id_names_its_vpc_generically():
    resource = Resource("AWS::EC2::SecurityGroup", "sg-0a1b2c3d",
                        {"groupName": "default", "groupId": "sg-0a1b2c3d", "ipPermissions": [], "ipPermissionsEgress": []})
    assert check(resource, NoParameters()) == Verdict(
        Compliance.COMPLIANT, "The default security group sg-0a1b2c3d of its VPC has no inbound or outbound rules."
    )


def test_exactly_as_many_rules_as_the_summary_shows_are_all_listed_without_more():
    assert SUMMARY_LIMIT == 3  # the cases below are written for it
    ingress = {"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "10.0.0.0/8"}, {"cidrIp": "172.16.0.0/12"}]}
    assert check(group(ingress=[ingress], egress=[ALL_TO_ANYWHERE]), NoParameters()) == Verdict(
        Compliance.NON_COMPLIANT,
        "The default security group sg-0a1b2c3d has 2 inbound and 1 outbound rule(s) "
        f"(in: all traffic from 10.0.0.0/8; in: all traffic from 172.16.0.0/12; out: all traffic to 0.0.0.0/0); {FIX}",
    )
