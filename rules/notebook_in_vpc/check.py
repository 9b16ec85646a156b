"""Notebook instances must run in the organization's VPC, in approved subnets and security groups.

Without ``SubnetId`` a notebook has only its interface in SageMaker's own VPC: none of the
organization's network controls (security groups, VPC endpoints, flow logs) applies to it. With
``SubnetIds`` and ``SecurityGroupIds`` the rule also holds notebooks to the subnets and groups the
security team designed, e.g. private subnets whose only egress is VPC endpoints. Subnet and
security groups cannot be changed on an existing notebook, so every finding says to recreate it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smguard.engine import CsvList, Resource, RuleParameters, Verdict, describe_ids, describe_typed_value, parameter
from smguard.engine.recorded import ABSENT, SECURITY_GROUP_ID, SUBNET_ID, id_list_problem

SHOWN_GROUPS = 2
"""Security groups named in an annotation before the rest are counted, to stay within 256 characters."""


@dataclass(frozen=True)
class NotebookInVpcParameters(RuleParameters):
    subnet_ids: tuple[str, ...] | None = parameter(
        "SubnetIds",
        CsvList(SUBNET_ID, "a subnet id"),
        None,
        "Comma-separated ids of the subnets notebooks may run in (subnet-...). Not set: any subnet of a customer VPC is accepted.",
    )
    security_group_ids: tuple[str, ...] | None = parameter(
        "SecurityGroupIds",
        CsvList(SECURITY_GROUP_ID, "a security group id"),
        None,
        "Comma-separated ids of the security groups notebooks may use (sg-...). Not set: security groups are not checked.",
    )


def check(resource: Resource, parameters: NotebookInVpcParameters, facts: object = None) -> Verdict:
    configuration = resource.configuration
    subnet = configuration.get("SubnetId", ABSENT)
    where = " in an approved subnet" if parameters.subnet_ids is not None else " with a SubnetId"
    if subnet is ABSENT or subnet == "":
        return Verdict.non_compliant(
            f"SubnetId is {'absent' if subnet is ABSENT else 'empty'}: the notebook runs in SageMaker's own VPC, "
            f"outside the organization's network. SubnetId cannot be changed: recreate the notebook{where} "
            "(CreateNotebookInstance)."
        )
    if not isinstance(subnet, str):
        return Verdict.non_compliant(
            f"SubnetId is {describe_typed_value(subnet)}, not a subnet id: the notebook cannot be shown to run in the "
            f"organization's VPC. Recreate the notebook{where} (CreateNotebookInstance)."
        )
    subnet_finding = (
        f"SubnetId {subnet} is outside the approved SubnetIds"
        if parameters.subnet_ids is not None and subnet not in parameters.subnet_ids
        else None
    )
    groups = configuration.get("SecurityGroupIds", ABSENT)
    group_finding = (
        _group_finding(groups, parameters.security_group_ids) if parameters.security_group_ids is not None else None
    )
    if subnet_finding and group_finding:
        return Verdict.non_compliant(
            f"{subnet_finding}; {group_finding}. Neither can be changed: recreate the notebook "
            "(CreateNotebookInstance)."
        )
    if subnet_finding:
        return Verdict.non_compliant(
            f"{subnet_finding}. SubnetId cannot be changed: recreate the notebook in an approved subnet "
            "(CreateNotebookInstance)."
        )
    if group_finding:
        return Verdict.non_compliant(
            f"{group_finding}. Security groups cannot be changed: recreate the notebook with approved groups "
            "(CreateNotebookInstance)."
        )
    approved_subnet = " (approved)" if parameters.subnet_ids is not None else ""
    approved_groups = (
        f"; its security groups {describe_ids(groups, SHOWN_GROUPS)} are approved" if parameters.security_group_ids is not None else ""
    )
    return Verdict.compliant(
        f"The notebook runs in the organization's VPC: SubnetId is {subnet}{approved_subnet}{approved_groups}."
    )


def _group_finding(groups: Any, approved: tuple[str, ...]) -> str | None:
    """Why the notebook's security groups are not shown to be approved, or None when they are."""
    problem = id_list_problem(groups, "security group ids", when_missing=", so no approved group is shown")
    if problem:
        return f"SecurityGroupIds {problem}"
    outside = [group for group in groups if group not in approved]
    if not outside:
        return None
    return f"SecurityGroupIds has {describe_ids(outside, SHOWN_GROUPS)} outside the approved SecurityGroupIds"

