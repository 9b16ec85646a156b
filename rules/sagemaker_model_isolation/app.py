"""Lambda entry point of the sagemaker_model_isolation rule."""

from __future__ import annotations

from .check import SagemakerModelIsolationParameters, check
from smguard.engine import RuleHandler, SmguardRule


class SagemakerModelIsolation(SmguardRule):
    resource_types = ("AWS::SageMaker::Model",)
    parameters = SagemakerModelIsolationParameters

    check = staticmethod(check)


lambda_handler = RuleHandler(SagemakerModelIsolation())
