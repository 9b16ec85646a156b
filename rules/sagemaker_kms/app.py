"""Lambda entry point of the sagemaker_kms rule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .check import TYPE_KEYS, SagemakerKmsParameters, check, key_references
from smguard.engine import Resource, RuleHandler, SmguardRule
from smguard.resources.facts.kms_keys import KMS_KEYS, KeyFacts


class SagemakerKms(SmguardRule):
    resource_types = tuple(TYPE_KEYS)
    parameters = SagemakerKmsParameters
    facts = KMS_KEYS
    aws_actions = ("kms:DescribeKey",)

    def gather_facts(
        self, resources: Sequence[Resource], parameters: SagemakerKmsParameters, clients: Any
    ) -> dict[str, KeyFacts | None]:
        """Describe each distinct key reference once; only when a parameter needs key details."""
        if not parameters.needs_key_lookup:
            return {}
        references = {ref for resource in resources for ref in key_references(resource)}
        if not references:
            return {}
        return KMS_KEYS.from_aws(references, clients)

    check = staticmethod(check)


lambda_handler = RuleHandler(SagemakerKms())
