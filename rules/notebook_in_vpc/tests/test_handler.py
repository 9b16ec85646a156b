"""The real Lambda handler with AWS Config events, AWS in moto."""

from __future__ import annotations

import boto3
import pytest

from smguard.rules.notebook_in_vpc.app import lambda_handler
from smguard.engine import InvalidRuleParameterError
from tests.support.events import (
    change_event,
    configuration_item,
    notebook_configuration,
)

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-notebook"
NO_SUBNET = (
    "SubnetId is absent: the notebook runs in SageMaker's own VPC, outside the organization's network. "
    "SubnetId cannot be changed: recreate the notebook with a SubnetId (CreateNotebookInstance)."
)


def recorded_notebook(name: str, **create: object) -> dict:
    """Create the notebook in moto and return its configuration item as AWS Config records it."""
    sagemaker = boto3.client("sagemaker")
    sagemaker.create_notebook_instance(NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE, **create)
    described = sagemaker.describe_notebook_instance(NotebookInstanceName=name)
    return configuration_item(NOTEBOOK, name, notebook_configuration(described))


def network() -> tuple[str, str, str]:
    """A VPC with one subnet and two security groups: (subnet, approved group, other group)."""
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24")["Subnet"]["SubnetId"]
    approved = ec2.create_security_group(GroupName="notebooks", Description="notebooks", VpcId=vpc)["GroupId"]
    other = ec2.create_security_group(GroupName="ad-hoc", Description="ad hoc", VpcId=vpc)["GroupId"]
    return subnet, approved, other


def test_change_of_a_notebook_in_approved_subnet_and_groups_is_compliant(posted):
    subnet, approved, _ = network()
    item = recorded_notebook("eda", SubnetId=subnet, SecurityGroupIds=[approved], DirectInternetAccess="Disabled")
    # DescribeNotebookInstance says SecurityGroups; the recorded item says SecurityGroupIds.
    assert item["configuration"]["SecurityGroupIds"] == [approved]

    lambda_handler(change_event(item, parameters={"SubnetIds": subnet, "SecurityGroupIds": approved}), None)

    assert posted.results() == [
        (
            NOTEBOOK,
            "eda",
            "COMPLIANT",
            f"The notebook runs in the organization's VPC: SubnetId is {subnet} (approved); its security groups "
            f"{approved} are approved.",
        )
    ]


def test_change_of_a_notebook_without_subnet_is_non_compliant(posted):
    item = recorded_notebook("quick-start")
    assert "SubnetId" not in item["configuration"]

    lambda_handler(change_event(item), None)

    assert posted.results() == [(NOTEBOOK, "quick-start", "NON_COMPLIANT", NO_SUBNET)]


def test_change_of_a_notebook_with_an_unapproved_group_is_non_compliant(posted):
    subnet, approved, other = network()
    item = recorded_notebook("eda", SubnetId=subnet, SecurityGroupIds=[approved, other])

    lambda_handler(change_event(item, parameters={"SecurityGroupIds": approved}), None)

    assert posted.results() == [
        (
            NOTEBOOK,
            "eda",
            "NON_COMPLIANT",
            f"SecurityGroupIds has {other} outside the approved SecurityGroupIds. Security groups cannot be changed: "
            "recreate the notebook with approved groups (CreateNotebookInstance).",
        )
    ]


def test_change_of_a_notebook_outside_the_approved_subnets_is_non_compliant(posted):
    subnet, approved, _ = network()
    item = recorded_notebook("big-tags", SubnetId=subnet, SecurityGroupIds=[approved])
    lambda_handler(change_event(item, parameters={"SubnetIds": "subnet-0123456789abcdef0"}), None)
    assert posted.results() == [
        (
            NOTEBOOK,
            "big-tags",
            "NON_COMPLIANT",
            f"SubnetId {subnet} is outside the approved SubnetIds. SubnetId cannot be changed: recreate the notebook "
            "in an approved subnet (CreateNotebookInstance).",
        )
    ]


@pytest.mark.parametrize(
    ("raw", "name", "problem"),
    [
        ({"SubnetIds": "subnet-12"}, "SubnetIds", "'subnet-12' is not a subnet id"),
        ({"SecurityGroupIds": "sg-0123456789abcdef0,default"}, "SecurityGroupIds", "'default' is not a security group id"),
        ({"SubnetIds": ["subnet-0123456789abcdef0"]}, "SubnetIds", "expected a string"),
    ],
)
def test_bad_parameters_are_rejected_by_name(posted, raw, name, problem):
    item = recorded_notebook("eda")

    with pytest.raises(InvalidRuleParameterError) as raised:
        lambda_handler(change_event(item, parameters=raw), None)

    assert raised.value.parameter == name
    assert problem in str(raised.value)
    assert posted.calls == []


