"""Preventive controls: the Organizations policies in ``policies/``, and their CloudFormation.

``policies/`` is the single source of truth. Each policy is a plain JSON document that can be read,
linted and pasted into the Organizations console as it is; ``policies/manifest.json`` adds what the
document cannot carry (name, policy type, description, CloudFormation logical ID). The template
generator merges :func:`template_fragment` into ``template.yaml``, and a test compares the template
with these files, so the deployed content cannot drift from what was reviewed and tested.

A document may hold ``${Name}`` placeholders: template parameters (``${AdministratorRoleArn}``)
and values derived from them (``${ControlTowerExecutionRoleArn}``, see :data:`DERIVED`). The
fragment hands such a document to ``Fn::Sub`` as one minified string, so CloudFormation fills the
values in and Organizations receives exactly the characters that the size tests measured, plus the
substituted values. IAM policy variables (``${aws:PrincipalAccount}``) are kept for AWS to resolve
at request time: the fragment escapes them as ``${!aws:...}``, which Fn::Sub turns back into
``${aws:...}``.

Standard library only: the template generator imports this module at build time.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POLICIES_DIR = Path(__file__).resolve().parent.parent / "policies"
MANIFEST_FILE = "manifest.json"

SERVICE_CONTROL_POLICY = "SERVICE_CONTROL_POLICY"
AISERVICES_OPT_OUT_POLICY = "AISERVICES_OPT_OUT_POLICY"

# Organizations counts characters of the document as stored; the fragment stores them minified.
SIZE_LIMITS: Mapping[str, int] = {
    SERVICE_CONTROL_POLICY: 5120,
    AISERVICES_OPT_OUT_POLICY: 2500,
}

DEPLOY_CONDITION = "DeployPreventiveControls"
# TargetIds defaults to empty so that stacks without preventive controls need not set it. With no
# targets the policies are created but attached nowhere (a way to review them before attaching),
# instead of failing the stack on an empty target ID.
TARGETS_CONDITION = "PreventiveControlsHaveTargets"

# Same syntax as Fn::Sub, which is what substitutes them. The loader rejects every other "${" but
# the policy variables below, which the fragment escapes: unescaped, Fn::Sub would try to resolve an
# IAM policy variable such as ${aws:username} and fail the deployment.
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")
_POLICY_VARIABLE = re.compile(r"\$\{(aws:[A-Za-z]+)\}")
# The IAM policy variables a document may use: AWS fills them in per request, in SCPs as elsewhere.
POLICY_VARIABLES = frozenset({"aws:PrincipalAccount"})

# Organizations target IDs, as the AttachPolicy API defines them: a root, an OU or an account.
# The empty alternative lets the parameter default to "" for stacks that deploy no policies.
_TARGET_ID_PATTERN = r"^(|r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|[0-9]{12})$"

# The administrator role, as an ArnLike pattern in any partition. The account may be "*" so that one
# SCP exempts the role of that name in every member account. Only two shapes are accepted, both
# roles that no one but the administrator (or AWS) can create or re-trust once the guardrail is
# attached, and neither able to match a role smguard itself creates, so exempting them opens no back
# door:
# - role/smguard-admin<suffix> with no path: ProtectRuleRoles covers role/smguard-*, and no role of
#   smguard's own is named smguard-admin* (the rule roles are smguard-<rule>-<region>, no rule name
#   starts with "admin", and ExecutionRoleName refuses smguard-admin*; a test checks all three). "*"
#   may follow "smguard-admin" only: "smguard-s*", "smguard-n*" would match rule roles that Lambda
#   assumes, and so anyone who can run code as a rule function.
# - an IAM Identity Center role of one permission set,
#   role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<permission set>_<suffix>, where
#   the suffix is Identity Center's 16 hexadecimal characters or sixteen "?" (one character each in
#   ArnLike), never "*": "AWSReservedSSO_A*" would match every permission set starting with A, and
#   "AWSReservedSSO_Admin_*" the permission set "Admin_Team" too. AWS marks these roles as modifiable
#   only by AWS, and ProtectExemptRoles covers that path too.
# Explicit classes instead of \w: CloudFormation evaluates the pattern with Java, where \w differs.
_ROLE_ARN_PATTERN = (
    r"^arn:aws[a-z-]*:iam::([0-9]{12}|\*):role/("
    r"smguard-admin[A-Za-z0-9_+=,.@*-]{0,50}"
    r"|aws-reserved/sso\.amazonaws\.com/([a-z0-9-]+/|\*/)?AWSReservedSSO_[A-Za-z0-9_+=,.@-]{1,32}_([0-9a-f]{16}|\?{16})"
    r")$"
)
# The longest ARN either shape can name is 148 characters (partition aws-us-gov, a 14-character
# region, a 64-character role name). 160 leaves room for a longer region name and keeps the guardrail
# SCP, which repeats the ARN in most statements, under 5,120 characters once it is substituted (a
# test measures it).
_ROLE_ARN_MAX_LENGTH = 160

CONTROL_TOWER_PARAMETER = "ControlTowerMode"
CONTROL_TOWER_CONDITION = "ControlTowerModeOn"
# AWS Control Tower enrols accounts and updates the landing zone through this role (its StackSets run
# as it in every enrolled account), so in Control Tower mode the guardrail lets it manage AWS Config.
CONTROL_TOWER_EXECUTION_ROLE = "arn:*:iam::*:role/AWSControlTowerExecution"

# Values the documents may use that are no template parameter: name -> CloudFormation expression.
# Outside Control Tower mode the Control Tower placeholder repeats the administrator role, which
# exempts no one more.
DERIVED: Mapping[str, Any] = {
    "ControlTowerExecutionRoleArn": {
        "Fn::If": [CONTROL_TOWER_CONDITION, CONTROL_TOWER_EXECUTION_ROLE, {"Ref": "AdministratorRoleArn"}]
    },
}

# The tag that marks a resource smguard deploys under a generated name (the KMS key) or that the
# user owns (the functions' security groups and VPC endpoints) as protected by the guardrail.
PROTECTION_TAG = ("smguard:guardrail", "protected")

PARAMETERS: Mapping[str, Mapping[str, Any]] = {
    DEPLOY_CONDITION: {
        "Type": "String",
        "AllowedValues": ["true", "false"],
        "Default": "false",
        "Description": (
            "Create the smguard service control policies and the AI services opt-out policy. "
            "Needs a stack in the Organizations management account or a delegated administrator, "
            "and both policy types enabled on the root."
        ),
    },
    "TargetIds": {
        "Type": "CommaDelimitedList",
        "Default": "",
        "AllowedPattern": _TARGET_ID_PATTERN,
        "ConstraintDescription": (
            "each value must be a root ID (r-...), an OU ID (ou-...-...) or a 12-digit account ID"
        ),
        "Description": (
            "Root, OU or account IDs the policies are attached to. Use the root ID to opt the whole "
            "organization out of AI service data use. Empty: the policies are created, not attached."
        ),
    },
    CONTROL_TOWER_PARAMETER: {
        "Type": "String",
        "AllowedValues": ["true", "false"],
        "Default": "false",
        "Description": (
            "true in an AWS Control Tower landing zone: the guardrail then also lets Control Tower's "
            "AWSControlTowerExecution role manage AWS Config and its own role, so enrolling accounts and "
            "updating the landing zone keep working (docs/preventive-controls.md)."
        ),
    },
    "AdministratorRoleArn": {
        "Type": "String",
        "Default": "arn:aws:iam::*:role/smguard-admin",
        "AllowedPattern": _ROLE_ARN_PATTERN,
        "MaxLength": _ROLE_ARN_MAX_LENGTH,
        "ConstraintDescription": (
            "must be the ARN of a role named smguard-admin<suffix> (no path; * allowed in the suffix) or "
            "of one IAM Identity Center permission set's role (role/aws-reserved/sso.amazonaws.com/"
            "[<region>/]AWSReservedSSO_<permission set>_<16 hex digits or 16 ?>); the account may be *"
        ),
        "Description": (
            "The only role allowed to stop or change AWS Config, the smguard functions, roles, logs, "
            "alarms, register and protected resources, and the organization's SCPs and AI opt-out "
            "policies (ArnLike pattern). Only smguard-admin* roles and Identity Center roles are "
            "accepted: the guardrail protects both from everyone else."
        ),
    },
}


class PolicySourceError(ValueError):
    """A policy in ``policies/`` cannot be loaded or rendered as CloudFormation would render it."""


@dataclass(frozen=True)
class Policy:
    """One Organizations policy: its document from ``policies/`` and its manifest entry."""

    name: str
    type: str
    description: str
    logical_id: str
    file: str
    content: dict[str, Any]

    def minified(self) -> str:
        """The document as Organizations stores it through the template: no insignificant spaces."""
        return json.dumps(self.content, separators=(",", ":"))

    def placeholders(self) -> set[str]:
        """Names of the template parameters and derived values the document refers to."""
        return set(_PLACEHOLDER.findall(self.minified()))

    def policy_variables(self) -> set[str]:
        """The IAM policy variables (``aws:...``) the document leaves for AWS to resolve."""
        return set(_POLICY_VARIABLE.findall(self.minified()))

    def rendered(self, values: Mapping[str, str]) -> dict[str, Any]:
        """The document after substitution, as Fn::Sub would produce it from ``values``.

        Substitutes in the JSON text, like Fn::Sub does, escaping each value as a JSON string.
        """
        missing = self.placeholders() - values.keys()
        if missing:
            raise PolicySourceError(f"{self.file}: no value given for {sorted(missing)}")

        def substitute(match: re.Match[str]) -> str:
            return json.dumps(values[match.group(1)])[1:-1]

        return json.loads(_PLACEHOLDER.sub(substitute, self.minified()))

    def cfn_content(self) -> str | dict[str, Any]:
        """The ``Content`` property: the minified text, through Fn::Sub when it has placeholders.

        Fn::Sub gets the derived values the document uses as its variable map, and every policy
        variable escaped (``${!aws:...}``), which it renders back as ``${aws:...}``.
        """
        text = self.minified()
        if not self.placeholders():
            return text
        escaped = _POLICY_VARIABLE.sub(lambda match: "${!" + match.group(1) + "}", text)
        derived = {name: copy.deepcopy(DERIVED[name]) for name in sorted(self.placeholders() & DERIVED.keys())}
        return {"Fn::Sub": [escaped, derived] if derived else escaped}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise PolicySourceError(f"{path} does not exist") from error
    except json.JSONDecodeError as error:
        raise PolicySourceError(f"{path} is not valid JSON: {error}") from error


def _check_placeholders(policy: Policy) -> None:
    text = policy.minified()
    unknown = policy.placeholders() - PARAMETERS.keys() - DERIVED.keys()
    if unknown:
        raise PolicySourceError(
            f"{policy.file}: placeholders {sorted(unknown)} are neither template parameters nor derived values"
        )
    unsupported = policy.policy_variables() - POLICY_VARIABLES
    if unsupported:
        raise PolicySourceError(
            f"{policy.file}: policy variables {sorted(unsupported)} are not among {sorted(POLICY_VARIABLES)}"
        )
    if text.count("${") != len(_PLACEHOLDER.findall(text)) + len(_POLICY_VARIABLE.findall(text)):
        raise PolicySourceError(
            f"{policy.file}: contains '${{' that is neither a ${{Parameter}} placeholder nor a supported "
            "policy variable; Fn::Sub would try to resolve it and fail the deployment"
        )


def longest_values() -> dict[str, str]:
    """Each placeholder at the longest value CloudFormation lets through: the size limit's worst case.

    A parameter counts at its MaxLength; a derived value at the longest of its alternatives.
    """
    values = {name: "x" * spec["MaxLength"] for name, spec in PARAMETERS.items() if "MaxLength" in spec}
    values["ControlTowerExecutionRoleArn"] = "x" * max(
        len(CONTROL_TOWER_EXECUTION_ROLE), PARAMETERS["AdministratorRoleArn"]["MaxLength"]
    )
    return values


def placeholder_values(administrator: str, control_tower: bool) -> dict[str, str]:
    """The values Fn::Sub substitutes for one deployment, as :data:`DERIVED` computes them."""
    return {
        "AdministratorRoleArn": administrator,
        "ControlTowerExecutionRoleArn": CONTROL_TOWER_EXECUTION_ROLE if control_tower else administrator,
    }


def load_policies(directory: Path = POLICIES_DIR) -> list[Policy]:
    """The policies listed in ``directory/manifest.json``, in manifest order."""
    manifest = _read_json(directory / MANIFEST_FILE)
    policies = []
    for entry in manifest["policies"]:
        if entry["type"] not in SIZE_LIMITS:
            raise PolicySourceError(f"{entry['file']}: unknown policy type {entry['type']!r}")
        policy = Policy(
            name=entry["name"],
            type=entry["type"],
            description=entry["description"],
            logical_id=entry["logical_id"],
            file=entry["file"],
            content=_read_json(directory / entry["file"]),
        )
        _check_placeholders(policy)
        policies.append(policy)
    return policies


def template_fragment(directory: Path = POLICIES_DIR) -> dict[str, dict[str, Any]]:
    """CloudFormation for the policies: their parameters, conditions and one resource per policy.

    Returns ``{"Parameters": ..., "Conditions": ..., "Resources": ...}`` for the template generator
    to merge. Every resource carries the DeployPreventiveControls condition, so a stack outside the
    management account deploys without them.
    """
    resources = {
        policy.logical_id: {
            "Type": "AWS::Organizations::Policy",
            "Condition": DEPLOY_CONDITION,
            "Properties": {
                "Name": policy.name,
                "Description": policy.description,
                "Type": policy.type,
                "Content": policy.cfn_content(),
                "TargetIds": {
                    "Fn::If": [TARGETS_CONDITION, {"Ref": "TargetIds"}, {"Ref": "AWS::NoValue"}]
                },
            },
        }
        for policy in load_policies(directory)
    }
    return {
        "Parameters": copy.deepcopy(dict(PARAMETERS)),
        "Conditions": {
            DEPLOY_CONDITION: {"Fn::Equals": [{"Ref": DEPLOY_CONDITION}, "true"]},
            CONTROL_TOWER_CONDITION: {"Fn::Equals": [{"Ref": CONTROL_TOWER_PARAMETER}, "true"]},
            TARGETS_CONDITION: {
                "Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "TargetIds"}]}, ""]}]
            },
        },
        "Resources": resources,
    }
