"""The template grants every AWS call each rule makes: its IAM policy is held to the calls recorded
while the rules' own handler tests run (moto), not to what the rule says it calls.

The root conftest records, around every test of a rule folder, the calls made inside that rule's
handler, and fails the test at teardown when template.yaml (account-mode role or member execution
role) does not grant one of them. The tests below prove that this check exists, sees every rule
folder, records a real handler's calls and only those, and reports an undeclared call.
"""

from __future__ import annotations

import boto3

from smguard.rules.vpc_default_sg.app import lambda_handler as default_sg
from smguard.catalogue import discover
from tests.support.aws_calls import is_rule_folder_test, recording_rule_calls
from tests.support.events import change_event, configuration_item
from tests.template.grants import granted_by_mode, missing_grants


def test_every_rule_folders_tests_are_held_to_the_template(template):
    granted = granted_by_mode(template)
    for entry in discover():
        handler_tests = entry.folder / "tests" / "test_handler.py"
        assert handler_tests.is_file(), f"{entry.name} has no handler tests to record its calls"
        assert is_rule_folder_test(handler_tests)
        assert "config:PutEvaluations" in granted["Account"][entry.name]
        assert "config:PutEvaluations" in granted["Organization"][entry.name]


def test_tests_outside_rule_folders_are_not_recorded():
    assert not is_rule_folder_test(discover()[0].folder.parent.parent / "tests" / "engine" / "test_handler.py")


def test_a_handlers_calls_are_recorded_and_the_tests_set_up_calls_are_not(posted):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    item = configuration_item("AWS::EC2::SecurityGroup", "sg-0a1b2c3d", {"groupName": "default", "groupId": "sg-0a1b2c3d", "vpcId": vpc})
    with recording_rule_calls() as calls:
        ec2.describe_vpcs()
        default_sg(change_event(item), None)
    assert calls == {"vpc_default_sg": {"config:PutEvaluations"}}
    assert len(posted.calls) == 1


def test_an_undeclared_call_is_reported():
    recorded = {"vpc_flow_logs": {"config:PutEvaluations", "ec2:DescribeFlowLogs"}}
    granted = {"vpc_flow_logs": {"config:PutEvaluations"}}
    assert missing_grants(recorded, granted) == {"vpc_flow_logs": {"ec2:DescribeFlowLogs"}}


def test_engine_calls_granted_by_their_own_statements_are_not_reported():
    recorded = {"vpc_flow_logs": {"config:PutEvaluations", "sts:AssumeRole", "ssm:GetParameter"}}
    assert missing_grants(recorded, {"vpc_flow_logs": {"config:PutEvaluations"}}) == {}
