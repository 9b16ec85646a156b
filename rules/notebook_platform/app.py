"""Lambda entry point of the notebook_platform rule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .check import NOTEBOOK, NotebookPlatformParameters, check, lacking_settings
from smguard.engine import Resource, RuleHandler, SmguardRule
from smguard.resources.facts.notebook_runtime import NOTEBOOK_RUNTIME


class NotebookPlatform(SmguardRule):
    resource_types = (NOTEBOOK,)
    parameters = NotebookPlatformParameters
    facts = NOTEBOOK_RUNTIME
    aws_actions = ("sagemaker:DescribeNotebookInstance",)

    def gather_facts(
        self, resources: Sequence[Resource], parameters: NotebookPlatformParameters, clients: Any
    ) -> dict[str, dict[str, Any] | None]:
        """Describe only the notebooks whose recorded item lacks a setting the check reads."""
        names = [resource.resource_id for resource in resources if lacking_settings(resource.configuration)]
        return NOTEBOOK_RUNTIME.from_aws(names, clients) if names else {}

    check = staticmethod(check)


lambda_handler = RuleHandler(NotebookPlatform())
