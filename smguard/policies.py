"""Preventive controls: the Organizations policies in ``policies/``, and their CloudFormation.

``policies/`` is the single source of truth. Each policy is a plain JSON document that can be read,
linted and pasted into the Organizations console as it is; ``policies/manifest.json`` adds what the
document cannot carry (name, policy type, description, CloudFormation logical ID). The template
generator merges :func:`template_fragment` into ``template.yaml``, and a test compares the template
with these files, so the deployed content cannot drift from what was reviewed and tested.

A document may hold ``${ParameterName}`` placeholders for template parameters (today only
``${AdministratorRoleArn}``). The fragment hands such a document to ``Fn::Sub`` as one minified
string, so CloudFormation fills the value in and Organizations receives exactly the characters
that the size tests measured, plus the substituted value.

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

# Same syntax as Fn::Sub, which is what substitutes them. The loader rejects every other "${": Fn::Sub
# would try to resolve an IAM policy variable such as ${aws:username} and fail the deployment.
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")

# Organizations target IDs, as the AttachPolicy API defines them: a root, an OU or an account.
# The empty alternative lets the parameter default to "" for stacks that deploy no policies.
_TARGET_ID_PATTERN = r"^(|r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|[0-9]{12})$"

# The administrator role, as an ArnLike pattern in any partition. The account may be "*" so that one
# SCP exempts the role of that name in every member account. Only two shapes are accepted, both
# roles that no one but the administrator (or AWS) can create or re-trust once the guardrail is
# attached, so exempting them opens no back door:
# - role/smguard-<name> with no path: ProtectRuleRoles covers role/smguard-*. A path would take the
#   role out of that pattern, so none is allowed.
# - an IAM Identity Center role, role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<set>_*:
#   AWS marks these roles as modifiable only by AWS, and ProtectExemptRoles covers that path too.
# The name may use "*" (Identity Center names end in a random suffix) but only after one literal
# character, so "smguard-*" (every rule role) and "AWSReservedSSO_*" (every user) are refused.
# Explicit classes instead of \w: CloudFormation evaluates the pattern with Java, where \w differs.
_ROLE_NAME_TAIL = r"[A-Za-z0-9_+=,.@-][A-Za-z0-9_+=,.@*-]*"
_ROLE_ARN_PATTERN = (
    r"^arn:aws[a-z-]*:iam::([0-9]{12}|\*):role/("
    rf"smguard-{_ROLE_NAME_TAIL}"
    rf"|aws-reserved/sso\.amazonaws\.com/([A-Za-z0-9*-]+/)?AWSReservedSSO_{_ROLE_NAME_TAIL}"
    r")$"
)
# The longest ARN either shape can name is about 150 characters (partition aws-us-gov, a 15-character
# region, a 64-character role name). 256 leaves room and keeps the guardrail SCP, which repeats the
# ARN in every statement, under 5,120 characters once it is substituted (a test checks that).
_ROLE_ARN_MAX_LENGTH = 256

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
    "AdministratorRoleArn": {
        "Type": "String",
        "Default": "arn:aws:iam::*:role/smguard-admin",
        "AllowedPattern": _ROLE_ARN_PATTERN,
        "MaxLength": _ROLE_ARN_MAX_LENGTH,
        "ConstraintDescription": (
            "must be the ARN of a role named smguard-<name> (no path) or of an IAM Identity Center role "
            "(role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<name>); the account may "
            "be * and the name may contain * after its first character"
        ),
        "Description": (
            "The only role allowed to stop or change AWS Config, the smguard rule functions and roles, "
            "and the organization's SCPs and AI opt-out policies (ArnLike pattern). Only smguard-* "
            "roles and IAM Identity Center roles are accepted: the guardrail protects both from "
            "everyone else."
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
        """Names of the template parameters the document refers to."""
        return set(_PLACEHOLDER.findall(self.minified()))

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

    def cfn_content(self) -> str | dict[str, str]:
        """The ``Content`` property: the minified text, through Fn::Sub when it has placeholders."""
        text = self.minified()
        return {"Fn::Sub": text} if self.placeholders() else text


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise PolicySourceError(f"{path} does not exist") from error
    except json.JSONDecodeError as error:
        raise PolicySourceError(f"{path} is not valid JSON: {error}") from error


def _check_placeholders(policy: Policy) -> None:
    text = policy.minified()
    unknown = policy.placeholders() - PARAMETERS.keys()
    if unknown:
        raise PolicySourceError(f"{policy.file}: placeholders {sorted(unknown)} are not template parameters")
    if text.count("${") != len(_PLACEHOLDER.findall(text)):
        raise PolicySourceError(
            f"{policy.file}: contains '${{' that is not a ${{Parameter}} placeholder; Fn::Sub would "
            "try to resolve it, so policy variables cannot be used in these documents"
        )


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
            TARGETS_CONDITION: {
                "Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "TargetIds"}]}, ""]}]
            },
        },
        "Resources": resources,
    }
