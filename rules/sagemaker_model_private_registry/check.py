"""Every container of a model must pull its image from a private registry in the organization's VPC.

``ImageConfig.RepositoryAccessMode`` says where SageMaker pulls a container's image from: ``Vpc``,
a private Docker registry reached through the model's VPC (SageMaker API reference, ImageConfig);
``Platform``, Amazon ECR, any account's, AWS's public images included. Absent ImageConfig means
Platform. Security Hub's SageMaker.16 (primary container) and SageMaker.19 (every container of an
inference pipeline) require Vpc, and so does this rule by default. An organization that keeps its
approved images in Amazon ECR repositories of its own accounts names those accounts in
``EcrAccountIds``: a Platform container whose ``Image`` is an ECR image URI of one of them passes
too (the rule is then looser than the two controls, which the annotation says).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smguard.engine import CsvList, Finding, Resource, RuleParameters, Verdict, describe_ids, describe_typed_value, parameter
from smguard.engine.recorded import ABSENT

ECR_IMAGE = re.compile(r"(\d{12})\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/.+")
"""An Amazon ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]) and its account."""
SHOWN = 2
"""Containers named in an annotation before the rest are counted, to stay within 256 characters."""
FIX = ". Models are immutable: recreate it with RepositoryAccessMode=Vpc on every container (CreateModel, UpdateEndpoint)."


@dataclass(frozen=True)
class SagemakerModelPrivateRegistryParameters(RuleParameters):
    ecr_account_ids: tuple[str, ...] | None = parameter(
        "EcrAccountIds",
        CsvList(r"\d{12}", "an AWS account id"),
        None,
        "Comma-separated ids of the accounts whose Amazon ECR repositories hold approved images; a container pulling "
        "from ECR (RepositoryAccessMode Platform) with an image of one of them passes. Not set: only Vpc passes, as "
        "in SageMaker.16 and SageMaker.19.",
    )


def check(resource: Resource, parameters: SagemakerModelPrivateRegistryParameters, facts: object = None) -> Verdict:
    containers, unreadable = _containers(resource.configuration)
    if not containers and not unreadable:
        return Verdict.non_compliant(
            "Neither PrimaryContainer nor Containers is recorded, so where the model's images come from cannot be shown; "
            "recreate the model with its containers (CreateModel)."
        )
    findings = list(unreadable)
    private, approved_ecr = [], []
    for name, container in containers:
        verdict = _container(name, container, parameters.ecr_account_ids)
        if verdict == "vpc":
            private.append(name)
        elif verdict == "ecr":
            approved_ecr.append(name)
        else:
            findings.append(verdict)
    if findings:
        return Verdict.non_compliant(Finding(tuple(findings), (FIX, ". Recreate the model (CreateModel)."), prefer_parts=True))
    parts = []
    if private:
        parts.append(f"{describe_ids(private, SHOWN)} pull{'s' if len(private) == 1 else ''} from a private registry in the VPC (RepositoryAccessMode Vpc)")
    if approved_ecr:
        parts.append(
            f"{describe_ids(approved_ecr, SHOWN)} pull{'s' if len(approved_ecr) == 1 else ''} from Amazon ECR of an approved "
            "account (EcrAccountIds, looser than SageMaker.16/.19)"
        )
    return Verdict.compliant("; ".join(parts) + ".")


def _containers(configuration: Mapping[str, Any]) -> tuple[list[tuple[str, Any]], list[str]]:
    """(name, container) of every recorded container, and why any part of them cannot be read."""
    found: list[tuple[str, Any]] = []
    unreadable: list[str] = []
    primary = configuration.get("PrimaryContainer", ABSENT)
    if primary is not ABSENT and primary is not None:
        found.append(("PrimaryContainer", primary))
    pipeline = configuration.get("Containers", ABSENT)
    if pipeline is not ABSENT and pipeline is not None:
        if isinstance(pipeline, list):
            for index, container in enumerate(pipeline):
                hostname = container.get("ContainerHostname") if isinstance(container, Mapping) else None
                found.append((f"Containers[{hostname if isinstance(hostname, str) and hostname else index}]", container))
        else:
            unreadable.append(f"Containers is {describe_typed_value(pipeline)}, not a list")
    return found, unreadable


def _container(name: str, container: Any, ecr_accounts: tuple[str, ...] | None) -> str:
    """"vpc", "ecr" (an approved ECR account's image), or the finding about the container."""
    if not isinstance(container, Mapping):
        return f"{name} is {describe_typed_value(container)}, not an object"
    image_config = container.get("ImageConfig", ABSENT)
    if image_config is ABSENT or image_config is None:
        subject, mode = f"{name}.ImageConfig", ABSENT
    elif isinstance(image_config, Mapping):
        subject, mode = f"{name}.ImageConfig.RepositoryAccessMode", image_config.get("RepositoryAccessMode", ABSENT)
    else:
        return f"{name}.ImageConfig is {describe_typed_value(image_config)}, not an object"
    if mode == "Vpc":
        return "vpc"
    if mode is ABSENT:
        shown = "absent (the image comes from Amazon ECR)"
    elif mode == "Platform":
        shown = "Platform (Amazon ECR)"
    else:
        return f"{subject} is {describe_typed_value(mode)}, not Vpc or Platform (values are case-sensitive)"
    image = container.get("Image", ABSENT)
    account = ECR_IMAGE.fullmatch(image) if isinstance(image, str) else None
    if ecr_accounts is not None and account is not None and account.group(1) in ecr_accounts:
        return "ecr"
    finding = f"{subject} is {shown}"
    if ecr_accounts is not None:
        shown_image = "absent" if image is ABSENT else describe_typed_value(image)
        finding += f" and Image {shown_image} is in no approved account's ECR"
    return finding
