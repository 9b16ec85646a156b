"""Lambda entry point of the notebook_direct_internet rule."""

from __future__ import annotations

from .check import check
from smguard.engine import RuleHandler, SmguardRule


class NotebookDirectInternet(SmguardRule):
    resource_types = ("AWS::SageMaker::NotebookInstance",)

    check = staticmethod(check)


lambda_handler = RuleHandler(NotebookDirectInternet())
