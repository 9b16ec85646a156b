"""Lambda entry point of the notebook_in_vpc rule."""

from __future__ import annotations

from .check import NotebookInVpcParameters, check
from smguard.engine import RuleHandler, SmguardRule


class NotebookInVpc(SmguardRule):
    resource_types = ("AWS::SageMaker::NotebookInstance",)
    parameters = NotebookInVpcParameters

    check = staticmethod(check)


lambda_handler = RuleHandler(NotebookInVpc())
