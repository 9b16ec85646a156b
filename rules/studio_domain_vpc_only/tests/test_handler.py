"""The real Lambda handler with AWS Config events, AWS in moto."""

from __future__ import annotations

import boto3
import pytest

from smguard.rules.studio_domain_vpc_only.app import lambda_handler
from smguard.engine import InvalidRuleParameterError
from tests.support.events import change_event, configuration_item, domain_configuration

DOMAIN = "AWS::SageMaker::Domain"
ROLE = "arn:aws:iam::123456789012:role/studio-user"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SHARES = "s3://risk-studio-shares/snapshots"
VPC = "vpc-0a1b2c3d4e5f60718"
SUBNET = "subnet-0a1b2c3d4e5f60718"
GROUP = "sg-0123456789abcdef0"


def network() -> tuple[str, str, str, str]:
    """A VPC with one subnet and two security groups: (vpc, subnet, approved group, other group)."""
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
    approved = ec2.create_security_group(GroupName="studio", Description="studio", VpcId=vpc)["GroupId"]
    other = ec2.create_security_group(GroupName="ad-hoc", Description="ad hoc", VpcId=vpc)["GroupId"]
    return vpc, subnet, approved, other


def recorded_domain(name: str, vpc: str, subnet: str, **create: object) -> dict:
    """Create the domain in moto and return its configuration item as AWS Config records it."""
    sagemaker = boto3.client("sagemaker")
    arn = sagemaker.create_domain(DomainName=name, AuthMode="IAM", SubnetIds=[subnet], VpcId=vpc, **create)["DomainArn"]
    domain_id = arn.rsplit("/", 1)[1]
    described = sagemaker.describe_domain(DomainId=domain_id)
    return configuration_item(DOMAIN, domain_id, domain_configuration(described))


def user_settings(group: str, **more: object) -> dict:
    return {"ExecutionRole": ROLE, "SecurityGroups": [group], **more}


def test_change_of_a_vpc_only_domain_with_encrypted_sharing_is_compliant(posted):
    vpc, subnet, approved, _ = network()
    sharing = {"NotebookOutputOption": "Allowed", "S3OutputPath": SHARES, "S3KmsKeyId": KEY}
    item = recorded_domain(
        "risk", vpc, subnet, AppNetworkAccessType="VpcOnly", DefaultUserSettings=user_settings(approved, SharingSettings=sharing)
    )

    lambda_handler(change_event(item, parameters={"SubnetIds": subnet, "SecurityGroupIds": approved}), None)

    assert posted.results() == [
        (
            DOMAIN,
            item["resourceId"],
            "COMPLIANT",
            f"AppNetworkAccessType is VpcOnly: Studio traffic goes through {vpc} (subnets and security groups "
            f"approved); shared notebooks are encrypted with {KEY}.",
        )
    ]


def test_change_of_a_domain_created_with_defaults_is_non_compliant(posted):
    vpc, subnet, approved, _ = network()
    item = recorded_domain("quick-setup", vpc, subnet, DefaultUserSettings=user_settings(approved))
    # DescribeDomain reports the API default when CreateDomain was not given AppNetworkAccessType.
    assert item["configuration"]["AppNetworkAccessType"] == "PublicInternetOnly"

    lambda_handler(change_event(item), None)

    assert posted.results() == [
        (
            DOMAIN,
            item["resourceId"],
            "NON_COMPLIANT",
            "AppNetworkAccessType is PublicInternetOnly (direct internet access); set VpcOnly with UpdateDomain while "
            "no apps run.",
        )
    ]


def test_change_of_a_domain_sharing_notebooks_without_cell_output_needs_no_key(posted):
    """The API reference applies S3KmsKeyId only when NotebookOutputOption is Allowed."""
    vpc, subnet, approved, _ = network()
    sharing = {"NotebookOutputOption": "Disabled", "S3OutputPath": SHARES}
    item = recorded_domain(
        "risk", vpc, subnet, AppNetworkAccessType="VpcOnly", DefaultUserSettings=user_settings(approved, SharingSettings=sharing)
    )

    lambda_handler(change_event(item), None)

    assert posted.results() == [
        (
            DOMAIN,
            item["resourceId"],
            "COMPLIANT",
            f"AppNetworkAccessType is VpcOnly: Studio traffic goes through {vpc}; shared notebooks carry no cell "
            "output (NotebookOutputOption Disabled).",
        )
    ]


def test_change_of_a_domain_sharing_notebooks_without_a_key_with_an_unapproved_group_is_non_compliant(posted):
    vpc, subnet, approved, other = network()
    item = recorded_domain(
        "risk",
        vpc,
        subnet,
        AppNetworkAccessType="VpcOnly",
        DefaultUserSettings=user_settings(approved, SharingSettings={"NotebookOutputOption": "Allowed", "S3OutputPath": SHARES}),
        DomainSettings={"SecurityGroupIds": [other]},
    )

    lambda_handler(change_event(item, parameters={"SecurityGroupIds": approved}), None)

    assert posted.results() == [
        (
            DOMAIN,
            item["resourceId"],
            "NON_COMPLIANT",
            f"DomainSettings.SecurityGroupIds has {other} outside the approved list; replace it with UpdateDomain. "
            "SharingSettings.S3KmsKeyId is absent while NotebookOutputOption is Allowed; set "
            "S3KmsKeyId or NotebookOutputOption Disabled with UpdateDomain.",
        )
    ]


def test_change_of_a_vpc_only_domain_in_an_unapproved_subnet_is_non_compliant(posted):
    vpc, subnet, approved, _ = network()
    item = recorded_domain("risk", vpc, subnet, AppNetworkAccessType="VpcOnly", DefaultUserSettings=user_settings(approved))
    lambda_handler(change_event(item, parameters={"SubnetIds": "subnet-0123456789abcdef0"}), None)
    assert posted.results() == [
        (
            DOMAIN,
            item["resourceId"],
            "NON_COMPLIANT",
            f"SubnetIds has {subnet} outside the approved list; remove it with UpdateDomain while no apps run.",
        )
    ]


@pytest.mark.parametrize(
    ("raw", "name", "problem"),
    [
        ({"SubnetIds": "subnet-0123456789abcdef0,subnet-XYZ"}, "SubnetIds", "'subnet-XYZ' is not a subnet id"),
        ({"SecurityGroupIds": "sg-01234567,"}, "SecurityGroupIds", "has an empty item"),
        ({"SecurityGroupIds": 5}, "SecurityGroupIds", "expected a string"),
    ],
)
def test_bad_parameters_are_rejected_by_name(posted, raw, name, problem):
    item = recorded_domain("risk", VPC, SUBNET, DefaultUserSettings=user_settings(GROUP))

    with pytest.raises(InvalidRuleParameterError) as raised:
        lambda_handler(change_event(item, parameters=raw), None)

    assert raised.value.parameter == name
    assert problem in str(raised.value)
    assert posted.calls == []


