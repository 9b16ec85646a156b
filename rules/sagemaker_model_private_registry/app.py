"""Lambda entry point of the sagemaker_model_private_registry rule."""

from __future__ import annotations

from .check import SagemakerModelPrivateRegistryParameters, check
from smguard.engine import RuleHandler, SmguardRule


class SagemakerModelPrivateRegistry(SmguardRule):
    resource_types = ("AWS::SageMaker::Model",)
    parameters = SagemakerModelPrivateRegistryParameters

    check = staticmethod(check)


lambda_handler = RuleHandler(SagemakerModelPrivateRegistry())
