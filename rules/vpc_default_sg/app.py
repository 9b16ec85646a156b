"""Lambda entry point of the vpc_default_sg rule."""

from __future__ import annotations

from .check import check
from smguard.engine import RuleHandler, SmguardRule


class VpcDefaultSecurityGroup(SmguardRule):
    resource_types = ("AWS::EC2::SecurityGroup",)

    check = staticmethod(check)


lambda_handler = RuleHandler(VpcDefaultSecurityGroup())
