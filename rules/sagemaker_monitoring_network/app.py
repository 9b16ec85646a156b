"""Lambda entry point of the sagemaker_monitoring_network rule."""

from __future__ import annotations

from .check import NETWORK_CONFIG, SagemakerMonitoringNetworkParameters, check
from smguard.engine import RuleHandler, SmguardRule


class SagemakerMonitoringNetwork(SmguardRule):
    resource_types = tuple(NETWORK_CONFIG)
    parameters = SagemakerMonitoringNetworkParameters

    check = staticmethod(check)


lambda_handler = RuleHandler(SagemakerMonitoringNetwork())
