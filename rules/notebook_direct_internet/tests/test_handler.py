"""The real Lambda handler with AWS Config events, AWS in moto."""

from __future__ import annotations

import boto3

from smguard.rules.notebook_direct_internet.app import lambda_handler
from tests.support.events import (
    CAPTURE_TIME,
    change_event,
    configuration_item,
    notebook_configuration,
)

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-notebook"
RECREATE = (
    "It cannot be changed after creation: recreate the notebook with a SubnetId and "
    "DirectInternetAccess=Disabled (CreateNotebookInstance)."
)


def recorded_notebook(name: str, **create: object) -> dict:
    """Create the notebook in moto and return its configuration item as AWS Config records it."""
    sagemaker = boto3.client("sagemaker")
    sagemaker.create_notebook_instance(NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE, **create)
    described = sagemaker.describe_notebook_instance(NotebookInstanceName=name)
    return configuration_item(NOTEBOOK, name, notebook_configuration(described))


def private_subnet() -> tuple[str, str]:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="notebooks", Description="notebooks", VpcId=vpc)["GroupId"]
    return subnet, group


def test_change_of_a_notebook_without_internet_access_is_compliant(posted):
    subnet, group = private_subnet()
    item = recorded_notebook("eda", SubnetId=subnet, SecurityGroupIds=[group], DirectInternetAccess="Disabled")
    assert item["configuration"]["DirectInternetAccess"] == "Disabled"

    lambda_handler(change_event(item), None)

    assert posted.results() == [
        (
            NOTEBOOK,
            "eda",
            "COMPLIANT",
            "DirectInternetAccess is Disabled: the notebook has no SageMaker-provided internet route and reaches "
            f"networks only through subnet {subnet} of the organization's VPC.",
        )
    ]
    assert posted.evaluations[0]["OrderingTimestamp"] == CAPTURE_TIME


def test_change_of_a_notebook_created_with_defaults_is_non_compliant(posted):
    item = recorded_notebook("quick-start")
    # DescribeNotebookInstance reports the API default, Enabled, when the create call did not set it.
    assert item["configuration"]["DirectInternetAccess"] == "Enabled"

    lambda_handler(change_event(item), None)

    assert posted.results() == [
        (
            NOTEBOOK,
            "quick-start",
            "NON_COMPLIANT",
            f"DirectInternetAccess is Enabled (the notebook reaches the internet through SageMaker's VPC). {RECREATE}",
        )
    ]


def test_recorded_item_without_the_property_is_non_compliant(posted):
    item = configuration_item(NOTEBOOK, "legacy", {"NotebookInstanceName": "legacy", "InstanceType": "ml.t2.medium"})

    lambda_handler(change_event(item), None)

    assert posted.results() == [
        (NOTEBOOK, "legacy", "NON_COMPLIANT", f"DirectInternetAccess is absent (defaults to Enabled). {RECREATE}")
    ]


