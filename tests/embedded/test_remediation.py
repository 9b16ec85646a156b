"""The embedded AWS's remediation: configurations on Config rules, and the runbooks run against its resources."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from smguard.deploy.remediation import flow_log_document
from smguard.embedded.remediation import RunbookFailedError, run_document
from tests.embedded.conftest import ACCOUNT, REGION, T0, Account

RULE = "smguard-vpc-default-sg"


def automation_role(account: Account, name: str = "remediation") -> str:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    return account.session.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def configuration(target: str, resource_parameter: str, role_arn: str, **static: str) -> dict:
    parameters = {
        "AutomationAssumeRole": {"StaticValue": {"Values": [role_arn]}},
        resource_parameter: {"ResourceValue": {"Value": "RESOURCE_ID"}},
        **{name: {"StaticValue": {"Values": [value]}} for name, value in static.items()},
    }
    return {"ConfigRuleName": RULE, "TargetType": "SSM_DOCUMENT", "TargetId": target, "Parameters": parameters, "Automatic": False}


def remediate(account: Account, resource_type: str, resource_id: str) -> dict:
    account.config.start_remediation_execution(ConfigRuleName=RULE, ResourceKeys=[{"resourceType": resource_type, "resourceId": resource_id}])
    [status] = account.config.describe_remediation_execution_status(ConfigRuleName=RULE)["RemediationExecutionStatuses"]
    return status


@pytest.fixture
def open_default_group(account: Account) -> str:
    ec2 = account.session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    [group] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return group["GroupId"]


def test_aws_default_group_runbook_removes_every_rule(account: Account, open_default_group: str) -> None:
    account.create_rule(RULE, ("AWS::EC2::SecurityGroup",))
    account.config.put_remediation_configurations(
        RemediationConfigurations=[configuration("AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "GroupId", automation_role(account))]
    )
    status = remediate(account, "AWS::EC2::SecurityGroup", open_default_group)
    assert (status["State"], [step["Name"] for step in status["StepDetails"]]) == (
        "SUCCEEDED",
        ["CheckDefaultSecurityGroup", "RemoveRulesFromDefaultSecurityGroup"],
    )
    [group] = account.session.client("ec2").describe_security_groups(GroupIds=[open_default_group])["SecurityGroups"]
    assert (group["IpPermissions"], group["IpPermissionsEgress"]) == ([], [])


def test_the_default_group_runbook_refuses_another_group(account: Account) -> None:
    ec2 = account.session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    other = ec2.create_security_group(GroupName="workload", Description="x", VpcId=vpc)["GroupId"]
    account.create_rule(RULE, ("AWS::EC2::SecurityGroup",))
    account.config.put_remediation_configurations(
        RemediationConfigurations=[configuration("AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "GroupId", automation_role(account))]
    )
    status = remediate(account, "AWS::EC2::SecurityGroup", other)
    assert status["State"] == "FAILED"
    assert status["StepDetails"][-1]["ErrorMessage"] == f"the security group {other} is not named default"
    assert ec2.describe_security_groups(GroupIds=[other])["SecurityGroups"][0]["IpPermissionsEgress"] != []


def test_a_runbook_without_its_role_fails_and_changes_nothing(account: Account, open_default_group: str) -> None:
    account.create_rule(RULE, ("AWS::EC2::SecurityGroup",))
    missing = f"arn:aws:iam::{ACCOUNT}:role/not-created"
    account.config.put_remediation_configurations(
        RemediationConfigurations=[configuration("AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "GroupId", missing)]
    )
    status = remediate(account, "AWS::EC2::SecurityGroup", open_default_group)
    assert (status["State"], status["StepDetails"][-1]["ErrorMessage"]) == ("FAILED", f"the role {missing} does not exist")


def test_the_notebook_runbook_stops_updates_and_restarts(account: Account) -> None:
    sagemaker = account.session.client("sagemaker")
    sagemaker.create_notebook_instance(
        NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/x", RootAccess="Enabled"
    )
    account.create_rule(RULE)
    account.config.put_remediation_configurations(
        RemediationConfigurations=[
            configuration("AWS-DisableSageMakerNotebookRootAccess", "NotebookInstanceName", automation_role(account), StartInstanceAfterUpdate="true")
        ]
    )
    status = remediate(account, "AWS::SageMaker::NotebookInstance", "nb")
    assert [step["Name"] for step in status["StepDetails"]] == [
        "CheckNotebookInstanceStatus", "StopNotebookInstance", "UpdateNotebookInstance", "StartNotebookInstance"
    ]  # fmt: skip
    notebook = sagemaker.describe_notebook_instance(NotebookInstanceName="nb")
    assert (notebook["RootAccess"], notebook["NotebookInstanceStatus"]) == ("Disabled", "InService")


def test_a_running_notebook_cannot_be_updated(account: Account) -> None:
    sagemaker = account.session.client("sagemaker")
    sagemaker.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/x")
    with pytest.raises(ClientError, match=r"Status \(InService\) not in"):
        sagemaker.update_notebook_instance(NotebookInstanceName="nb", RootAccess="Disabled")


def test_smguards_flow_log_document_creates_the_flow_log_the_rule_requires(account: Account) -> None:
    ec2 = account.session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    account.session.client("s3").create_bucket(Bucket="central-flow-logs")
    account.session.client("ssm").create_document(
        Name="smguard-EnableVpcFlowLog", Content=json.dumps(flow_log_document()), DocumentType="Automation", DocumentFormat="JSON"
    )
    account.create_rule(RULE, ("AWS::EC2::VPC",))
    account.config.put_remediation_configurations(
        RemediationConfigurations=[
            configuration(
                "smguard-EnableVpcFlowLog", "VpcId", automation_role(account),
                TrafficType="REJECT", MaxAggregationInterval="60", LogDestination="arn:aws:s3:::central-flow-logs",
            )
        ]
    )  # fmt: skip
    status = remediate(account, "AWS::EC2::VPC", vpc)
    assert (status["State"], [s["Name"] for s in status["StepDetails"]]) == ("SUCCEEDED", ["CreateFlowLog", "VerifyFlowLog"])
    [flow_log] = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]
    assert (flow_log["TrafficType"], flow_log["LogDestination"], flow_log["MaxAggregationInterval"]) == (
        "REJECT", "arn:aws:s3:::central-flow-logs", 60
    )  # fmt: skip


def test_a_missing_document_or_rule_is_refused(account: Account) -> None:
    role = automation_role(account)
    with pytest.raises(ClientError, match="NoSuchConfigRuleException"):
        account.config.put_remediation_configurations(RemediationConfigurations=[configuration("AWS-DisableSageMakerNotebookRootAccess", "NotebookInstanceName", role)])
    account.create_rule(RULE)
    with pytest.raises(ClientError, match="The SSM document smguard-Nothing does not exist in this account"):
        account.config.put_remediation_configurations(RemediationConfigurations=[configuration("smguard-Nothing", "VpcId", role)])


def test_remediation_cannot_be_put_on_an_organization_rules_member_copy(account: Account) -> None:
    account.create_rule(RULE)
    from moto.config.models import config_backends

    config_backends[ACCOUNT][REGION].config_rules[RULE].created_by = "config-multiaccountsetup.amazonaws.com"
    with pytest.raises(ClientError, match="InsufficientPermissionsException"):
        account.config.put_remediation_configurations(
            RemediationConfigurations=[configuration("AWS-DisableSageMakerNotebookRootAccess", "NotebookInstanceName", automation_role(account))]
        )


def flow_log_configuration(account: Account, **overrides: object) -> dict:
    account.session.client("ssm").create_document(
        Name="smguard-EnableVpcFlowLog", Content=json.dumps(flow_log_document()), DocumentType="Automation", DocumentFormat="JSON"
    )
    account.create_rule(RULE, ("AWS::EC2::VPC",))
    return {
        **configuration(
            "smguard-EnableVpcFlowLog", "VpcId", automation_role(account),
            TrafficType="ALL", MaxAggregationInterval="600", LogDestination="arn:aws:s3:::central-flow-logs",
        ),
        **overrides,
    }  # fmt: skip


def test_the_flow_log_document_fails_at_its_verify_step_when_create_flow_logs_reports_the_vpc_unsuccessful(account: Account) -> None:
    ec2 = account.session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    # No bucket: EC2 (moto as AWS) answers 200 with the VPC in Unsuccessful, which does not fail an aws:executeAwsApi step.
    account.config.put_remediation_configurations(RemediationConfigurations=[flow_log_configuration(account)])
    status = remediate(account, "AWS::EC2::VPC", vpc)
    assert status["State"] == "FAILED"
    assert [(step["Name"], step["State"], step.get("ErrorMessage")) for step in status["StepDetails"]] == [
        ("CreateFlowLog", "SUCCEEDED", None),
        (
            "VerifyFlowLog",
            "FAILED",
            "$.FlowLogs[0].FlowLogStatus of the DescribeFlowLogs response is nothing, not one of the desired values ACTIVE",
        ),
    ]
    assert ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"] == []


def automatic(config: dict, attempts: int, seconds: int) -> dict:
    return {**config, "Automatic": True, "MaximumAutomaticAttempts": attempts, "RetryAttemptSeconds": seconds}


def post_non_compliant(account: Account, resource_type: str, resource_id: str) -> None:
    account.config.put_evaluations(
        Evaluations=[{"ComplianceResourceType": resource_type, "ComplianceResourceId": resource_id, "ComplianceType": "NON_COMPLIANT", "OrderingTimestamp": T0}],
        ResultToken=account.token(RULE),
    )


def statuses(account: Account) -> list[dict]:
    return account.config.describe_remediation_execution_status(ConfigRuleName=RULE)["RemediationExecutionStatuses"]


def test_automatic_remediation_fixes_a_resource_when_its_non_compliant_result_is_stored(account: Account, open_default_group: str) -> None:
    account.create_rule(RULE, ("AWS::EC2::SecurityGroup",))
    account.config.put_remediation_configurations(
        RemediationConfigurations=[automatic(configuration("AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "GroupId", automation_role(account)), 3, 300)]
    )
    assert statuses(account) == []
    post_non_compliant(account, "AWS::EC2::SecurityGroup", open_default_group)
    [status] = statuses(account)
    assert (status["ResourceKey"], status["State"], [step["Name"] for step in status["StepDetails"]]) == (
        {"resourceType": "AWS::EC2::SecurityGroup", "resourceId": open_default_group},
        "SUCCEEDED",
        ["CheckDefaultSecurityGroup", "RemoveRulesFromDefaultSecurityGroup"],
    )
    [group] = account.session.client("ec2").describe_security_groups(GroupIds=[open_default_group])["SecurityGroups"]
    assert (group["IpPermissions"], group["IpPermissionsEgress"]) == ([], [])


def test_a_compliant_result_or_a_manual_configuration_runs_nothing(account: Account, open_default_group: str) -> None:
    account.create_rule(RULE, ("AWS::EC2::SecurityGroup",))
    role = automation_role(account)
    account.config.put_remediation_configurations(
        RemediationConfigurations=[automatic(configuration("AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "GroupId", role), 3, 300)]
    )
    account.config.put_evaluations(
        Evaluations=[{"ComplianceResourceType": "AWS::EC2::SecurityGroup", "ComplianceResourceId": open_default_group, "ComplianceType": "COMPLIANT", "OrderingTimestamp": T0}],
        ResultToken=account.token(RULE),
    )
    assert statuses(account) == []
    account.config.put_remediation_configurations(
        RemediationConfigurations=[configuration("AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "GroupId", role)]  # Automatic False
    )
    post_non_compliant(account, "AWS::EC2::SecurityGroup", open_default_group)
    assert statuses(account) == []
    [group] = account.session.client("ec2").describe_security_groups(GroupIds=[open_default_group])["SecurityGroups"]
    assert len(group["IpPermissions"]) == 1


def test_failed_automatic_attempts_stop_at_the_maximum_within_the_retry_window(account: Account) -> None:
    ec2 = account.session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    other = ec2.create_security_group(GroupName="workload", Description="x", VpcId=vpc)["GroupId"]  # the runbook refuses it
    account.create_rule(RULE, ("AWS::EC2::SecurityGroup",))
    account.config.put_remediation_configurations(
        RemediationConfigurations=[automatic(configuration("AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "GroupId", automation_role(account)), 2, 2)]
    )
    invoked = []
    for _ in range(3):
        post_non_compliant(account, "AWS::EC2::SecurityGroup", other)
        [status] = statuses(account)
        assert (status["State"], status["StepDetails"][-1]["ErrorMessage"]) == ("FAILED", f"the security group {other} is not named default")
        invoked.append(status["InvocationTime"])
    assert invoked[0] < invoked[1] == invoked[2]  # the third result came after two failed attempts within 2 seconds
    time.sleep(2.1)
    post_non_compliant(account, "AWS::EC2::SecurityGroup", other)
    [status] = statuses(account)
    assert status["InvocationTime"] > invoked[2]  # a new window


def test_bounds_come_from_the_api_model(account: Account) -> None:
    account.create_rule(RULE, ("AWS::EC2::SecurityGroup",))
    role = automation_role(account)
    too_many = automatic(configuration("AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "GroupId", role), 26, 60)
    with pytest.raises(ClientError) as refused:
        account.config.put_remediation_configurations(RemediationConfigurations=[too_many])
    assert (refused.value.response["Error"]["Code"], refused.value.response["Error"]["Message"]) == (
        "ValidationException",
        "1 validation error detected: Value '26' at 'remediationConfigurations.1.member.maximumAutomaticAttempts' "
        "failed to satisfy constraint: Member must have value less than or equal to 25",
    )
    keys = [{"resourceType": "AWS::EC2::SecurityGroup", "resourceId": f"sg-{n:017x}"} for n in range(101)]
    with pytest.raises(ClientError, match="Member must have length between 1 and 100"):
        account.config.start_remediation_execution(ConfigRuleName=RULE, ResourceKeys=keys)


def test_a_document_step_whose_call_the_sdk_refuses_fails_the_run_naming_it(account: Account) -> None:
    document = flow_log_document()
    document["mainSteps"][0]["inputs"]["ResourceIds"] = "{{ VpcId }}"  # a string where the API takes a list
    vpc = account.session.client("ec2").create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    parameters = {"AutomationAssumeRole": "arn:aws:iam::123456789012:role/r", "VpcId": vpc, "LogDestination": "arn:aws:s3:::b"}
    with pytest.raises(RunbookFailedError) as failed:
        run_document(document, account.session, parameters)
    assert (failed.value.step, failed.value.completed) == ("CreateFlowLog", ())
    assert str(failed.value).startswith("Parameter validation failed:\nInvalid type for parameter ResourceIds")


def test_making_a_configuration_automatic_remediates_the_rules_non_compliant_resources(account: Account, open_default_group: str) -> None:
    account.create_rule(RULE, ("AWS::EC2::SecurityGroup",))
    role = automation_role(account)
    manual = configuration("AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules", "GroupId", role)
    account.config.put_remediation_configurations(RemediationConfigurations=[manual])
    post_non_compliant(account, "AWS::EC2::SecurityGroup", open_default_group)
    assert statuses(account) == []
    account.config.put_remediation_configurations(RemediationConfigurations=[automatic(manual, 3, 300)])
    [status] = statuses(account)
    assert (status["ResourceKey"]["resourceId"], status["State"]) == (open_default_group, "SUCCEEDED")
    [group] = account.session.client("ec2").describe_security_groups(GroupIds=[open_default_group])["SecurityGroups"]
    assert (group["IpPermissions"], group["IpPermissionsEgress"]) == ([], [])
