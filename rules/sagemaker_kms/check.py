"""SageMaker data at rest must be encrypted with a KMS key the organization controls.

Without ``KmsKeyId`` SageMaker encrypts notebook, endpoint and Studio volumes with a key that
AWS owns or manages, which the organization can neither audit nor revoke. With ``KmsKeyArns`` the
key must be one of the approved keys; since a resource may name its key by id, ARN, alias or alias
ARN, the key is resolved (kms:DescribeKey) before comparing, so equal keys match.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from smguard.engine import Boolean, CsvList, MissingFactError, Resource, RuleParameters, Verdict, describe_value, parameter
from smguard.resources.facts.kms_keys import KeyFacts

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
DOMAIN = "AWS::SageMaker::Domain"

KMS_KEY_ARN = r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[a-zA-Z0-9-]+"

HOW_TO_SET_KEY = {
    NOTEBOOK: "KmsKeyId cannot be changed: create a new notebook instance with KmsKeyId and move the work to it.",
    ENDPOINT_CONFIG: "create a new endpoint configuration with KmsKeyId and update the endpoint.",
    DOMAIN: "KmsKeyId cannot be changed: create a new domain with KmsKeyId and migrate the user profiles.",
}


@dataclass(frozen=True)
class SagemakerKmsParameters(RuleParameters):
    kms_key_arns: tuple[str, ...] | None = parameter(
        "KmsKeyArns",
        CsvList(KMS_KEY_ARN, "a KMS key ARN"),
        None,
        "Comma-separated ARNs of the approved KMS keys. Not set: any key is accepted.",
    )
    require_customer_managed_key: bool = parameter(
        "RequireCustomerManagedKey",
        Boolean(),
        False,
        "true: the key must exist, be customer managed and be Enabled (checked with kms:DescribeKey).",
    )

    @property
    def needs_key_lookup(self) -> bool:
        return self.kms_key_arns is not None or self.require_customer_managed_key


KeyLookup = Mapping[str, "KeyFacts | None"]
"""Key reference as written on the resource -> its facts, or None when KMS does not know it."""


@cache
def local_storage_families() -> frozenset[str]:
    data = json.loads((Path(__file__).with_name("local_storage_instance_families.json")).read_text())
    return frozenset(data["families"])


def key_references(resource: Resource) -> list[str]:
    """Every KMS key reference the resource uses that the check looks at (to describe them in one go)."""
    configuration = resource.configuration
    references = [configuration.get("KmsKeyId")]
    if resource.resource_type == ENDPOINT_CONFIG:
        capture = configuration.get("DataCaptureConfig")
        if isinstance(capture, Mapping):
            references.append(capture.get("KmsKeyId"))
    return [ref for ref in references if isinstance(ref, str) and ref]


def check(resource: Resource, parameters: SagemakerKmsParameters, keys: KeyLookup | None) -> Verdict:
    configuration = resource.configuration
    findings: list[str] = []
    is_endpoint_config = resource.resource_type == ENDPOINT_CONFIG
    # SageMaker refuses a KmsKeyId when a variant has local NVMe storage: the hardware encrypts it.
    local_storage = _local_storage_variants(configuration.get("ProductionVariants")) if is_endpoint_config else []
    key = configuration.get("KmsKeyId")
    if local_storage:
        pass
    elif key is None or key == "":
        findings.append(
            f"KmsKeyId is {describe_value(key)} (volumes use an AWS managed key); "
            f"{HOW_TO_SET_KEY[resource.resource_type]}"
        )
    else:
        findings += _key_findings("KmsKeyId", key, parameters, keys)
    if is_endpoint_config:
        findings += _data_capture_findings(configuration.get("DataCaptureConfig"), parameters, keys)
    if findings:
        return Verdict.non_compliant(*findings)
    if local_storage:
        return Verdict.not_applicable(
            f"ProductionVariants use instance types with local NVMe storage ({', '.join(local_storage)}), "
            "encrypted by the instance hardware; SageMaker refuses a KmsKeyId for them."
        )
    return Verdict.compliant(f"KmsKeyId is {key}{_approval(parameters)}.")


def _local_storage_variants(variants: Any) -> list[str]:
    if not isinstance(variants, list):
        return []
    found = []
    for variant in variants:
        instance_type = variant.get("InstanceType") if isinstance(variant, Mapping) else None
        if isinstance(instance_type, str) and instance_type.rsplit(".", 1)[0] in local_storage_families():
            found.append(instance_type)
    return found


def _data_capture_findings(capture: Any, parameters: SagemakerKmsParameters, keys: KeyLookup | None) -> list[str]:
    if capture is None or capture == {}:
        return []  # no capture configured (moto and some APIs return an empty object for "none")
    if not isinstance(capture, Mapping):
        return [f"DataCaptureConfig is {describe_value(capture)}, not an object; recreate the endpoint configuration."]
    if capture.get("EnableCapture") is False:
        return []
    key = capture.get("KmsKeyId")
    if key is None or key == "":
        return [
            "DataCaptureConfig.KmsKeyId is absent with data capture enabled; set it in a new endpoint configuration."
        ]
    return _key_findings("DataCaptureConfig.KmsKeyId", key, parameters, keys)


def _key_findings(prop: str, key: Any, parameters: SagemakerKmsParameters, keys: KeyLookup | None) -> list[str]:
    if not isinstance(key, str):
        return [f"{prop} is {describe_value(key)}, not a KMS key identifier; set it to a key ARN."]
    if not parameters.needs_key_lookup:
        return []
    if keys is None or key not in keys:
        raise MissingFactError(f"the KMS key {key} named by {prop} was not described")
    facts = keys[key]
    if facts is None:
        return [f"{prop} {key} does not exist or cannot be described; use an existing customer managed key."]
    findings = []
    if parameters.kms_key_arns is not None and facts.arn not in parameters.kms_key_arns:
        findings.append(f"{prop} {key} is key {facts.arn}, not in KmsKeyArns; use an approved key.")
    if parameters.require_customer_managed_key:
        if facts.manager != "CUSTOMER":
            findings.append(f"{prop} {key} is an AWS managed key; use a customer managed key.")
        if facts.state != "Enabled":
            findings.append(f"{prop} {key} is in state {facts.state}; use an Enabled customer managed key.")
    return findings


def _approval(parameters: SagemakerKmsParameters) -> str:
    if parameters.kms_key_arns is not None:
        return ", an approved key"
    if parameters.require_customer_managed_key:
        return ", an enabled customer managed key"
    return ""
