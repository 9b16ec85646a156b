"""Lambda entry point of the notebook_in_vpc rule."""

from __future__ import annotations

from rules.notebook_in_vpc.check import NotebookInVpcParameters, check
from smguard.engine import RuleHandler, SmguardRule


class NotebookInVpc(SmguardRule):
    name = "notebook_in_vpc"
    resource_types = ("AWS::SageMaker::NotebookInstance",)
    parameters = NotebookInVpcParameters

    check = staticmethod(check)


lambda_handler = RuleHandler(NotebookInVpc())
