"""The real Lambda handler with AWS Config events, AWS in moto (Stubber only for what moto lacks)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from smguard.rules.notebook_in_vpc.app import lambda_handler
from smguard.engine import InvalidEventError, InvalidRuleParameterError
from tests.support.aws import config_client
from tests.support.events import (
    change_event,
    configuration_item,
    history_response,
    notebook_configuration,
    oversized_event,
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


def test_oversized_notification_reads_the_item_from_config_history(posted):
    subnet, approved, _ = network()
    item = recorded_notebook("big-tags", SubnetId=subnet, SecurityGroupIds=[approved])
    with Stubber(config_client()) as stubber:
        stubber.add_response(
            "get_resource_config_history",
            history_response(item),
            {"resourceType": NOTEBOOK, "resourceId": "big-tags", "limit": 1},
        )
        stubber.add_response("put_evaluations", {"FailedEvaluations": []}, {"Evaluations": ANY, "ResultToken": "TESTMODE", "TestMode": True})

        lambda_handler(oversized_event(item, parameters={"SubnetIds": "subnet-0123456789abcdef0"}), None)

        stubber.assert_no_pending_responses()
    assert posted.results() == [
        (
            NOTEBOOK,
            "big-tags",
            "NON_COMPLIANT",
            f"SubnetId {subnet} is outside the approved SubnetIds. SubnetId cannot be changed: recreate the notebook "
            "in an approved subnet (CreateNotebookInstance).",
        )
    ]


def test_deleted_notebook_is_not_applicable(posted):
    item = configuration_item(NOTEBOOK, "gone", None, status="ResourceDeleted")

    lambda_handler(change_event(item), None)

    assert posted.results() == [(NOTEBOOK, "gone", "NOT_APPLICABLE", "The resource is ResourceDeleted.")]


def test_notebook_that_left_the_scope_is_not_applicable(posted):
    item = recorded_notebook("moved")

    lambda_handler(change_event(item, left_scope=True), None)

    assert posted.results() == [(NOTEBOOK, "moved", "NOT_APPLICABLE", "The resource left the rule's scope.")]


@pytest.mark.parametrize(
    ("raw", "name", "problem"),
    [
        ({"SubnetIds": "subnet-12"}, "SubnetIds", "'subnet-12' is not a subnet id"),
        ({"SecurityGroupIds": "sg-0123456789abcdef0,default"}, "SecurityGroupIds", "'default' is not a security group id"),
        ({"SubnetIds": ["subnet-0123456789abcdef0"]}, "SubnetIds", "expected a string"),
        ({"AllowedSubnets": "subnet-0123456789abcdef0"}, "AllowedSubnets", "unknown parameter"),
    ],
)
def test_bad_parameters_are_rejected_by_name(posted, raw, name, problem):
    item = recorded_notebook("eda")

    with pytest.raises(InvalidRuleParameterError) as raised:
        lambda_handler(change_event(item, parameters=raw), None)

    assert raised.value.parameter == name
    assert problem in str(raised.value)
    assert posted.calls == []


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda event: {**event, "invokingEvent": "{not json"}, "invokingEvent is not valid JSON"),
        (
            lambda event: {**event, "invokingEvent": json.dumps({"messageType": "ConfigurationItemChangeNotification"})},
            "invokingEvent.configurationItem is missing or not an object",
        ),
        (lambda event: {**event, "ruleParameters": "[]"}, "ruleParameters must be a JSON object"),
    ],
)
def test_malformed_event_is_rejected_with_what_is_wrong(posted, mangle, message):
    event = mangle(change_event(recorded_notebook("eda")))

    with pytest.raises(InvalidEventError, match=message):
        lambda_handler(event, None)

    assert posted.calls == []
