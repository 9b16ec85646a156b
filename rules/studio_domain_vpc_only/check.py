"""Studio domains must send all traffic through the organization's VPC, and encrypt shared notebooks.

``AppNetworkAccessType`` PublicInternetOnly, SageMaker's default, routes Studio apps' non-EFS
traffic through a SageMaker-managed VPC with internet access, outside every control of the
organization. VpcOnly sends it through the domain's own subnets, so those subnets and the security
groups of users, spaces and domain-level apps decide what Studio can reach; ``SubnetIds`` and
``SecurityGroupIds`` hold them to the approved ones.

Notebook sharing is not allowed when ``SharingSettings`` is absent. When it is set,
``NotebookOutputOption`` (default Disabled) says whether shared notebooks carry their cell output,
which can hold the data itself. The SageMaker API reference (SharingSettings) applies
``S3OutputPath`` and ``S3KmsKeyId`` only when NotebookOutputOption is Allowed: the rule requires the
key exactly then, so that cell output written to S3 is encrypted with a key the organization
controls. A value other than Allowed or Disabled (they are case-sensitive) cannot be shown to keep
output out, so it needs the key too.
https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_SharingSettings.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smguard.engine import CsvList, Resource, RuleParameters, Verdict, describe_ids, describe_typed_value, parameter
from smguard.engine.recorded import ABSENT, SECURITY_GROUP_ID, SUBNET_ID, id_list_problem

SECURITY_GROUP_PROPERTIES = (
    ("DefaultUserSettings", "SecurityGroups"),
    ("DomainSettings", "SecurityGroupIds"),
    ("DefaultSpaceSettings", "SecurityGroups"),
)
"""Where a domain records security groups: user apps, domain-level apps (e.g. RStudio), shared spaces."""

SHOWN_IDS = 2
"""Ids named in an annotation before the rest are counted, to stay within 256 characters."""

SET_VPC_ONLY = "set VpcOnly with UpdateDomain while no apps run"
FIX = "fix with UpdateDomain"
SET_APPROVED = "set approved ones with UpdateDomain"
SET_SHARING_KEY = "set S3KmsKeyId or NotebookOutputOption Disabled with UpdateDomain"
NONE_SHOWN = ", so none is shown to be approved"


@dataclass(frozen=True)
class StudioDomainVpcOnlyParameters(RuleParameters):
    subnet_ids: tuple[str, ...] | None = parameter(
        "SubnetIds",
        CsvList(SUBNET_ID, "a subnet id"),
        None,
        "Comma-separated ids of the subnets Studio domains may use (subnet-...). Not set: subnets are not checked.",
    )
    security_group_ids: tuple[str, ...] | None = parameter(
        "SecurityGroupIds",
        CsvList(SECURITY_GROUP_ID, "a security group id"),
        None,
        "Comma-separated ids of the security groups Studio users, spaces and domain-level apps may use (sg-...). Not set: security groups are not checked.",
    )


def check(resource: Resource, parameters: StudioDomainVpcOnlyParameters, facts: object = None) -> Verdict:
    configuration = resource.configuration
    findings = _network_access_findings(configuration.get("AppNetworkAccessType", ABSENT))
    if parameters.subnet_ids is not None:
        findings += _subnet_findings(configuration.get("SubnetIds", ABSENT), parameters.subnet_ids)
    if parameters.security_group_ids is not None:
        findings += _security_group_findings(configuration, parameters.security_group_ids)
    sharing, sharing_findings = _sharing(configuration.get("DefaultUserSettings", ABSENT))
    findings += sharing_findings
    if findings:
        # A malformed DefaultUserSettings is found by both the group and the sharing checks: report it once.
        return Verdict.non_compliant(*dict.fromkeys(findings))
    approved = [
        name
        for name, checked in (("subnets", parameters.subnet_ids), ("security groups", parameters.security_group_ids))
        if checked is not None
    ]
    vpc = configuration.get("VpcId")
    return Verdict.compliant(
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through "
        f"{vpc if isinstance(vpc, str) and vpc else 'the domain VPC'}"
        f"{' (' + ' and '.join(approved) + ' approved)' if approved else ''}; {sharing}."
    )


def _network_access_findings(access: Any) -> list[str]:
    if access == "VpcOnly":
        return []
    if access is ABSENT:
        shown = "absent (defaults to PublicInternetOnly)"
    elif access == "PublicInternetOnly":
        shown = "PublicInternetOnly (direct internet access)"
    elif isinstance(access, str) and access:
        shown = f"{describe_typed_value(access)}, not VpcOnly or PublicInternetOnly (values are case-sensitive)"
    else:
        shown = f"{describe_typed_value(access)}, not VpcOnly or PublicInternetOnly"
    return [f"AppNetworkAccessType is {shown}; {SET_VPC_ONLY}."]


def _subnet_findings(subnets: Any, approved: tuple[str, ...]) -> list[str]:
    problem = id_list_problem(subnets, "subnet ids", when_missing=NONE_SHOWN)
    if problem:
        return [f"SubnetIds {problem}; {SET_APPROVED}."]
    outside = [subnet for subnet in subnets if subnet not in approved]
    if not outside:
        return []
    return [
        f"SubnetIds has {describe_ids(outside, SHOWN_IDS)} outside the approved list; remove it with UpdateDomain while no apps run."
    ]


def _security_group_findings(configuration: Mapping[str, Any], approved: tuple[str, ...]) -> list[str]:
    findings = []
    recorded_any = False
    for parent, child in SECURITY_GROUP_PROPERTIES:
        settings = configuration.get(parent, ABSENT)
        if settings is ABSENT:
            continue
        if not isinstance(settings, Mapping):
            findings.append(f"{parent} is {describe_typed_value(settings)}, not an object; {FIX}.")
            continue
        groups = settings.get(child, ABSENT)
        if groups is ABSENT or groups == []:
            continue
        recorded_any = True
        problem = id_list_problem(groups, "security group ids")
        if problem:
            findings.append(f"{parent}.{child} {problem}; {SET_APPROVED}.")
            continue
        outside = [group for group in groups if group not in approved]
        if outside:
            findings.append(
                f"{parent}.{child} has {describe_ids(outside, SHOWN_IDS)} outside the approved list; replace it with UpdateDomain."
            )
    if not recorded_any and not findings:
        findings.append(
            "No security group is recorded (DefaultUserSettings.SecurityGroups), so none is shown to be approved; "
            f"{SET_APPROVED}."
        )
    return findings


def _sharing(user_settings: Any) -> tuple[str, list[str]]:
    """How notebook sharing stands (for a compliant annotation) and the findings about it."""
    if user_settings is ABSENT:
        return "notebook sharing is off", []
    if not isinstance(user_settings, Mapping):
        return "", [f"DefaultUserSettings is {describe_typed_value(user_settings)}, not an object; {FIX}."]
    sharing = user_settings.get("SharingSettings")
    if sharing is None:
        # AWS leaves SharingSettings out when sharing is off; a recorded null says the same.
        return "notebook sharing is off", []
    if not isinstance(sharing, Mapping):
        return "", [f"SharingSettings is {describe_typed_value(sharing)}, not an object; {SET_SHARING_KEY}."]
    key = sharing.get("S3KmsKeyId", ABSENT)
    if isinstance(key, str) and key:
        return f"shared notebooks are encrypted with {key}", []
    output = sharing.get("NotebookOutputOption", ABSENT)
    if output is ABSENT or output == "Disabled":
        shown = "absent (defaults to Disabled)" if output is ABSENT else "Disabled"
        return f"shared notebooks carry no cell output (NotebookOutputOption {shown})", []
    shown_key = "absent" if key is ABSENT else describe_typed_value(key)
    if output == "Allowed":
        why = "NotebookOutputOption is Allowed"
    else:
        why = f"NotebookOutputOption is {describe_typed_value(output)}, not Allowed or Disabled (values are case-sensitive)"
    return "", [f"SharingSettings.S3KmsKeyId is {shown_key} while {why}; {SET_SHARING_KEY}."]
