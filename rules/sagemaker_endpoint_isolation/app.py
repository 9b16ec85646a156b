"""Lambda entry point of the sagemaker_endpoint_isolation rule."""

from __future__ import annotations

from .check import SagemakerEndpointIsolationParameters, check
from smguard.engine import RuleHandler, SmguardRule


class SagemakerEndpointIsolation(SmguardRule):
    resource_types = ("AWS::SageMaker::EndpointConfig",)
    parameters = SagemakerEndpointIsolationParameters

    check = staticmethod(check)


lambda_handler = RuleHandler(SagemakerEndpointIsolation())
