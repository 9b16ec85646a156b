"""The real Lambda handler with AWS Config events, AWS in moto (Stubber only for what moto lacks)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from smguard.rules.notebook_direct_internet.app import lambda_handler
from smguard.engine import InvalidEventError, InvalidRuleParameterError
from tests.support.aws import config_client
from tests.support.events import (
    CAPTURE_TIME,
    change_event,
    configuration_item,
    history_response,
    notebook_configuration,
    oversized_event,
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


def test_oversized_notification_reads_the_item_from_config_history(posted):
    item = recorded_notebook("big-tags")
    client = config_client()
    with Stubber(client) as stubber:
        stubber.add_response(
            "get_resource_config_history",
            history_response(item),
            {"resourceType": NOTEBOOK, "resourceId": "big-tags", "limit": 1},
        )
        stubber.add_response("put_evaluations", {"FailedEvaluations": []}, {"Evaluations": ANY, "ResultToken": "TESTMODE", "TestMode": True})

        lambda_handler(oversized_event(item), None)

        stubber.assert_no_pending_responses()
    assert posted.results() == [
        (
            NOTEBOOK,
            "big-tags",
            "NON_COMPLIANT",
            f"DirectInternetAccess is Enabled (the notebook reaches the internet through SageMaker's VPC). {RECREATE}",
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


def test_a_parameter_this_rule_does_not_take_is_rejected_by_name(posted):
    item = recorded_notebook("eda")

    with pytest.raises(InvalidRuleParameterError) as raised:
        lambda_handler(change_event(item, parameters={"SubnetIds": "subnet-0a1b2c3d"}), None)

    assert raised.value.parameter == "SubnetIds"
    assert "'SubnetIds': unknown parameter; this rule accepts: none" in str(raised.value)
    assert posted.calls == []


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda event: {**event, "invokingEvent": "{not json"}, "invokingEvent is not valid JSON"),
        (
            lambda event: {**event, "invokingEvent": json.dumps({"messageType": "ConfigurationItemChangeNotification"})},
            "invokingEvent.configurationItem is missing or not an object",
        ),
        (lambda event: {key: value for key, value in event.items() if key != "resultToken"}, "resultToken is missing"),
    ],
)
def test_malformed_event_is_rejected_with_what_is_wrong(posted, mangle, message):
    event = mangle(change_event(recorded_notebook("eda")))

    with pytest.raises(InvalidEventError, match=message):
        lambda_handler(event, None)

    assert posted.calls == []
