"""Lambda entry point of the vpc_default_sg rule."""

from __future__ import annotations

from .check import check
from smguard.engine import Remediation, RuleHandler, SmguardRule


class VpcDefaultSecurityGroup(SmguardRule):
    resource_types = ("AWS::EC2::SecurityGroup",)
    remediation = Remediation(
        runbook="AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules",
        resource_id_parameter="GroupId",
        # AWS's list for the runbook's role; its first step refuses a group not named "default".
        actions=(
            "ssm:StartAutomationExecution",
            "ssm:GetAutomationExecution",
            "ec2:DescribeSecurityGroups",
            "ec2:RevokeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress",
        ),
        reference="https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-remove-default-secg-rules.html",
    )

    check = staticmethod(check)


lambda_handler = RuleHandler(VpcDefaultSecurityGroup())
