"""Lambda entry point of the notebook_root_access rule."""

from __future__ import annotations

from .check import NotebookRootAccessParameters, check
from smguard.engine import RuleHandler, SmguardRule


class NotebookRootAccess(SmguardRule):
    resource_types = ("AWS::SageMaker::NotebookInstance",)
    parameters = NotebookRootAccessParameters

    check = staticmethod(check)


lambda_handler = RuleHandler(NotebookRootAccess())
