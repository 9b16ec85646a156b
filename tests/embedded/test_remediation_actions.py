"""Each runbook the embedded AWS runs calls only the AWS actions its rule's Remediation declares (the
actions its role is granted): the calls are recorded on the session the runbook is given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from smguard.catalogue import discover
from smguard.deploy.remediation import SMGUARD_RUNBOOKS
from smguard.embedded.remediation import AWS_RUNBOOKS, run_document
from tests.embedded.conftest import ACCOUNT, REGION, Account
from tests.embedded.test_remediation import automation_role

BUCKET = "central-flow-logs"


def assumed(role_arn: str) -> boto3.Session:
    """The runbook's session: its AutomationAssumeRole's credentials, as Automation runs it."""
    credentials = boto3.client("sts", region_name=REGION).assume_role(RoleArn=role_arn, RoleSessionName="runbook")["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def called_actions(session: boto3.Session) -> list[str]:
    """``service:Operation`` of every call a client of ``session`` makes, as IAM names the action."""
    calls: list[str] = []

    def record(model: Any, **_: Any) -> None:
        calls.append(f"{model.service_model.signing_name}:{model.name}")

    session.events.register("before-call", record)
    return calls


def open_default_group(session: boto3.Session) -> dict[str, str]:
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    [group] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return {"GroupId": group["GroupId"]}


def notebook_with_root_access(session: boto3.Session) -> dict[str, str]:
    session.client("sagemaker").create_notebook_instance(
        NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/x", RootAccess="Enabled"
    )
    return {"NotebookInstanceName": "nb", "StartInstanceAfterUpdate": "true"}


def vpc_without_flow_log(session: boto3.Session) -> dict[str, str]:
    session.client("s3").create_bucket(Bucket=BUCKET)
    vpc = session.client("ec2").create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    return {"VpcId": vpc, "TrafficType": "ALL", "MaxAggregationInterval": "600", "LogDestination": f"arn:aws:s3:::{BUCKET}"}


RESOURCES: dict[str, Callable[[boto3.Session], dict[str, str]]] = {
    "vpc_default_sg": open_default_group,
    "notebook_root_access": notebook_with_root_access,
    "vpc_flow_logs": vpc_without_flow_log,
}
CALLED = {
    "vpc_default_sg": ["ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"],
    "notebook_root_access": [
        "sagemaker:DescribeNotebookInstance", "sagemaker:StopNotebookInstance", "sagemaker:UpdateNotebookInstance", "sagemaker:StartNotebookInstance"
    ],
    "vpc_flow_logs": ["ec2:CreateFlowLogs", "ec2:DescribeFlowLogs"],
}  # fmt: skip
"""What each runbook calls on the way through (every branch: rules in both directions, a running notebook)."""

REMEDIATED = [entry for entry in discover() if entry.rule.remediation is not None]


def test_every_rule_with_a_fix_is_exercised() -> None:
    assert sorted(entry.name for entry in REMEDIATED) == sorted(RESOURCES)


@pytest.mark.parametrize("entry", REMEDIATED, ids=lambda entry: entry.name)
def test_a_runbook_calls_only_what_its_role_is_granted(account: Account, entry: Any) -> None:
    remediation = entry.rule.remediation
    role_arn = automation_role(account)
    parameters = {"AutomationAssumeRole": role_arn, **RESOURCES[entry.name](account.session)}
    session = assumed(role_arn)
    calls = called_actions(session)
    if remediation.is_smguard_runbook:
        build, _ = SMGUARD_RUNBOOKS[remediation.runbook]
        run_document(build(), session, parameters)
    else:
        AWS_RUNBOOKS[remediation.runbook](session, parameters)
    assert calls == CALLED[entry.name]
    assert set(calls) <= set(remediation.actions)
