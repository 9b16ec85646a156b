"""Notebook instances must run on a supported platform and require IMDSv2.

``PlatformIdentifier`` names the notebook's operating system and JupyterLab version. A platform
past its support ends gets no security patches; Security Hub's SageMaker.8 holds it to
``notebook-al2023-v1`` (its parameter, "not customizable"), the default of ``SupportedPlatforms``.
``InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion`` 2 makes the
instance metadata service answer session-token (IMDSv2) requests only, so a request forged
through the notebook (SSRF) cannot read the execution role's credentials; absent means 1 (both
versions), the API default at creation. Neither property is in AWS Config's resource-schema file
for the type: when the recorded item lacks one, the rule reads it with DescribeNotebookInstance
and the annotation says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smguard.engine import CsvList, Finding, MissingFactError, Resource, RuleParameters, Verdict, describe_typed_value, parameter
from smguard.engine.recorded import ABSENT

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
PLATFORM = "PlatformIdentifier"
IMDS = "InstanceMetadataServiceConfiguration"
DESCRIBED = " (read with DescribeNotebookInstance)"
GONE: Any = object()
"""The notebook could not be described: it no longer exists."""
PLATFORM_FIX = "the platform cannot be changed: recreate the notebook on a supported one (CreateNotebookInstance)"
IMDS_FIX = "set MinimumInstanceMetadataServiceVersion 2 (UpdateNotebookInstance)"


@dataclass(frozen=True)
class NotebookPlatformParameters(RuleParameters):
    supported_platforms: tuple[str, ...] = parameter(
        "SupportedPlatforms",
        CsvList(r"notebook-[a-z0-9]+(-[a-z0-9]+)*", "a notebook platform identifier"),
        ("notebook-al2023-v1",),
        "Comma-separated platform identifiers notebooks may run on (notebook-al2023-v1...). Default: the one "
        "Security Hub's SageMaker.8 accepts.",
    )


def lacking_settings(configuration: Mapping[str, Any]) -> bool:
    """Whether the recorded item lacks a setting the check reads (so the rule describes the notebook)."""
    return PLATFORM not in configuration or IMDS not in configuration


def check(resource: Resource, parameters: NotebookPlatformParameters, facts: Any = None) -> Verdict:
    configuration = resource.configuration
    findings: list[str] = []
    fixes: list[str] = []
    platform, platform_note = _setting(resource, PLATFORM, facts)
    supported = parameters.supported_platforms
    if not (isinstance(platform, str) and platform in supported):
        if platform is ABSENT:
            shown = "absent from the recorded item and from DescribeNotebookInstance"
        elif platform is GONE:
            shown = f"unknown (DescribeNotebookInstance found no notebook {resource.resource_id})"
        else:
            shown = describe_typed_value(platform) + platform_note
        findings.append(f"{PLATFORM} is {shown}, not a supported platform ({', '.join(supported)})")
        fixes.append(PLATFORM_FIX)
    imds, imds_note = _setting(resource, IMDS, facts)
    version = _imds_version(imds)
    if version != "2":
        findings.append(f"MinimumInstanceMetadataServiceVersion is {version}{imds_note}, so IMDSv1 is served")
        fixes.append(IMDS_FIX)
    if findings:
        fix = "; ".join(fixes)
        return Verdict.non_compliant(Finding(tuple(findings), (f". {fix[:1].upper()}{fix[1:]}.", ". Recreate or update the notebook."), prefer_parts=True))
    notes = "".join(dict.fromkeys(note for note in (platform_note, imds_note) if note))
    return Verdict.compliant(f"{PLATFORM} is {platform} (supported) and the instance metadata service requires IMDSv2{notes}.")


def _setting(resource: Resource, key: str, facts: Any) -> tuple[Any, str]:
    """The setting from the recorded item, else from DescribeNotebookInstance with a note saying so
    (GONE when the notebook could not be described)."""
    if key in resource.configuration:
        return resource.configuration[key], ""
    if not isinstance(facts, Mapping) or resource.resource_id not in facts:
        raise MissingFactError(f"{key} of notebook {resource.resource_id} is not in the recorded item and was not described")
    described = facts[resource.resource_id]
    if described is None:
        return GONE, ""
    return described.get(key, ABSENT), DESCRIBED


def _imds_version(imds: Any) -> str:
    """How the recorded minimum IMDS version reads in a finding, or "2"."""
    if imds is GONE:
        return "unknown (the notebook could not be described)"
    if imds is ABSENT:
        return "absent (defaults to 1)"
    if not isinstance(imds, Mapping):
        return f"unreadable ({IMDS} is {describe_typed_value(imds)}, not an object)"
    version = imds.get("MinimumInstanceMetadataServiceVersion", ABSENT)
    if version == "2":
        return "2"
    if version is ABSENT:
        return "absent (defaults to 1)"
    return describe_typed_value(version)
