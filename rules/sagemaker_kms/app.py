"""Lambda entry point of the sagemaker_kms rule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .check import (
    DOMAIN,
    ENDPOINT_CONFIG,
    NOTEBOOK,
    KeyFacts,
    SagemakerKmsParameters,
    check,
    key_references,
)
from smguard.engine import Resource, RuleHandler, SmguardRule


class SagemakerKms(SmguardRule):
    resource_types = (ENDPOINT_CONFIG, NOTEBOOK, DOMAIN)
    parameters = SagemakerKmsParameters
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
        kms = clients.build_client("kms")
        return {reference: describe_key(kms, reference) for reference in sorted(references)}

    check = staticmethod(check)


def describe_key(kms: Any, reference: str) -> KeyFacts | None:
    try:
        metadata = kms.describe_key(KeyId=reference)["KeyMetadata"]
    except kms.exceptions.NotFoundException:
        return None
    return KeyFacts(arn=metadata["Arn"], manager=metadata["KeyManager"], state=metadata["KeyState"])


lambda_handler = RuleHandler(SagemakerKms())
