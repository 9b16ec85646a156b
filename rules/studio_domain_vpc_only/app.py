"""Lambda entry point of the studio_domain_vpc_only rule."""

from __future__ import annotations

from .check import StudioDomainVpcOnlyParameters, check
from smguard.engine import RuleHandler, SmguardRule


class StudioDomainVpcOnly(SmguardRule):
    resource_types = ("AWS::SageMaker::Domain",)
    parameters = StudioDomainVpcOnlyParameters

    check = staticmethod(check)


lambda_handler = RuleHandler(StudioDomainVpcOnly())
