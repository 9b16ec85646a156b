"""vpc_default_sg through its real Lambda handler, with items built from moto's security groups."""

import boto3

from smguard.rules.vpc_default_sg.app import lambda_handler
from tests.support.events import change_event, configuration_item

SECURITY_GROUP = "AWS::EC2::SecurityGroup"


def recorded_group(group_id):
    """Describe a group in moto and shape it as AWS Config records it (camelCase EC2 shape)."""
    described = boto3.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]

    def permission(entry):
        return {
            "ipProtocol": entry["IpProtocol"],
            **({"fromPort": entry["FromPort"], "toPort": entry["ToPort"]} if "FromPort" in entry else {}),
            "ipRanges": [r["CidrIp"] for r in entry.get("IpRanges", [])],
            "ipv4Ranges": [{"cidrIp": r["CidrIp"]} for r in entry.get("IpRanges", [])],
            "ipv6Ranges": [{"cidrIpv6": r["CidrIpv6"]} for r in entry.get("Ipv6Ranges", [])],
            "prefixListIds": [{"prefixListId": p["PrefixListId"]} for p in entry.get("PrefixListIds", [])],
            "userIdGroupPairs": [{"groupId": p["GroupId"]} for p in entry.get("UserIdGroupPairs", [])],
        }

    configuration = {
        "groupName": described["GroupName"],
        "groupId": described["GroupId"],
        "vpcId": described["VpcId"],
        "ipPermissions": [permission(p) for p in described["IpPermissions"]],
        "ipPermissionsEgress": [permission(p) for p in described["IpPermissionsEgress"]],
    }
    return configuration_item(SECURITY_GROUP, group_id, configuration)


def default_group(ec2, vpc_id):
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    return groups[0]["GroupId"]


def test_a_default_group_left_as_created_is_non_compliant(posted):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = default_group(ec2, vpc)
    lambda_handler(change_event(recorded_group(group)), None)
    # moto creates the default group with the egress rule only (AWS also adds all traffic from itself).
    assert posted.results() == [
        (SECURITY_GROUP, group, "NON_COMPLIANT",
         f"The default security group {group} has 0 inbound and 1 outbound rule(s) (out: all traffic to 0.0.0.0/0); "
         "remove them all and use dedicated security groups.")
    ]


def test_a_closed_default_group_is_compliant(posted):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    group = default_group(ec2, vpc)
    ec2.revoke_security_group_egress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    lambda_handler(change_event(recorded_group(group)), None)
    assert posted.results() == [
        (SECURITY_GROUP, group, "COMPLIANT", f"The default security group {group} of {vpc} has no inbound or outbound rules.")
    ]


def test_a_custom_group_is_not_applicable(posted):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="notebooks", Description="notebooks", VpcId=vpc)["GroupId"]
    lambda_handler(change_event(recorded_group(group)), None)
    assert posted.results() == [
        (SECURITY_GROUP, group, "NOT_APPLICABLE", f"Security group {group} is named notebooks, not a VPC's default security group.")
    ]


