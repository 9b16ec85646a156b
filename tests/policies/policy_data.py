"""What the policy tests share: the policies as deployed, the support table, compliant requests.

The policies are read through smguard.policies, the same loader the template generator uses, and
rendered with the placeholder values below, as CloudFormation's Fn::Sub would render them.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from smguard.policies import POLICIES_DIR, SERVICE_CONTROL_POLICY, Policy, load_policies, placeholder_values

from .evaluator import Context

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
# The template's default: the role of that name in every member account.
ADMIN_ROLE_PATTERN = "arn:aws:iam::*:role/smguard-admin"
PLACEHOLDER_VALUES = placeholder_values(ADMIN_ROLE_PATTERN, control_tower=False)
CONTROL_TOWER_VALUES = placeholder_values(ADMIN_ROLE_PATTERN, control_tower=True)
# Administrator role patterns that the AdministratorRoleArn parameter must accept, one of each shape.
ACCEPTED_ADMIN_ROLE_PATTERNS = [
    ADMIN_ROLE_PATTERN,
    "arn:aws:iam::111122223333:role/smguard-admin",
    "arn:aws-us-gov:iam::*:role/smguard-admin",
    "arn:aws:iam::*:role/smguard-admin-ops*",
    "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SmguardAdmin_????????????????",
    "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SmguardAdmin_0123456789abcdef",
    "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Smguard_Admin_????????????????",
]
# Patterns the parameter must refuse: each would exempt roles that someone else can act as.
REFUSED_ADMIN_ROLE_PATTERNS = {
    "every-rule-role": "arn:aws:iam::*:role/smguard-*",
    "rule-roles-s": "arn:aws:iam::*:role/smguard-s*",
    "rule-roles-n": "arn:aws:iam::*:role/smguard-n*",
    "reevaluation-role": "arn:aws:iam::*:role/smguard-r*",
    "flow-log-rule-roles": "arn:aws:iam::*:role/smguard-v*",
    "execution-role": "arn:aws:iam::*:role/smguard-rule-execution",
    "every-sso-role-a": "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_A*",
    "other-permission-sets": "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*",
    "path": "arn:aws:iam::*:role/team/smguard-admin",
}

# aws:PrincipalArn of a role session is the role's ARN, not the session's.
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/smguard-admin"
DATA_SCIENTIST = f"arn:aws:iam::{ACCOUNT}:role/data-scientist"
ACCOUNT_ADMIN = f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"
CONTROL_TOWER_EXECUTION = f"arn:aws:iam::{ACCOUNT}:role/AWSControlTowerExecution"

POLICIES: dict[str, Policy] = {policy.name: policy for policy in load_policies()}
SCP_NAMES = [name for name, policy in POLICIES.items() if policy.type == SERVICE_CONTROL_POLICY]
SAGEMAKER = "smguard-sagemaker"
GUARDRAIL = "smguard-guardrail-protection"

SUPPORT_TABLE: dict[str, Any] = json.loads(
    (POLICIES_DIR / "condition-key-support.json").read_text(encoding="utf-8")
)

# A value that satisfies each SageMaker condition key the SCPs test.
KMS_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
COMPLIANT_VALUES: dict[str, str | list[str]] = {
    "sagemaker:VolumeKmsKeyArn": KMS_KEY,
    "sagemaker:OutputKmsKeyArn": KMS_KEY,
    "sagemaker:InterContainerTrafficEncryption": "true",
    "sagemaker:NetworkIsolation": "true",
    "sagemaker:VpcSubnets": ["subnet-0123456789abcdef0"],
    "sagemaker:DirectInternetAccess": "Disabled",
    "sagemaker:RootAccess": "Disabled",
    "sagemaker:AppNetworkAccessType": "VpcOnly",
    "sagemaker:ModelArn": f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model/example",
    "sagemaker:FeatureGroupOfflineStoreConfig": "true",
    "sagemaker:FeatureGroupOfflineStoreKmsKeyArn": KMS_KEY,
    "sagemaker:FeatureGroupEnableOnlineStore": "true",
    "sagemaker:FeatureGroupOnlineStoreKmsKeyArn": KMS_KEY,
    "sagemaker:DomainSharingOutputKmsKeyArn": KMS_KEY,
    "sagemaker:EnableRemoteDebug": "false",
    "sagemaker:MinimumInstanceMetadataServiceVersion": "2",
}


def rendered(name: str, values: dict[str, str] | None = None) -> dict[str, Any]:
    """The policy document as Organizations receives it from the template (default: not Control Tower mode)."""
    return POLICIES[name].rendered(PLACEHOLDER_VALUES if values is None else values)


def expand(action: str) -> list[str]:
    """The actions an Action entry stands for: itself, or a declared wildcard's actions."""
    wildcards: dict[str, list[str]] = SUPPORT_TABLE["action_wildcards"]
    return wildcards[action] if action in wildcards else [action]


def statement_actions(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    return sorted(concrete for entry in actions for concrete in expand(entry))


def keys_supported_by(action: str) -> list[str]:
    """The service condition keys the support table says ``action`` carries."""
    return [key for key, entry in SUPPORT_TABLE["keys"].items() if action in entry["actions"]]


def request(principal: str = DATA_SCIENTIST, **keys: str | list[str]) -> dict[str, str | list[str]]:
    """A request context: the principal, its account, and the given condition keys."""
    return {"aws:PrincipalArn": principal, "aws:PrincipalAccount": principal.split(":")[4], **keys}


def compliant_context(action: str, principal: str = DATA_SCIENTIST) -> dict[str, str | list[str]]:
    """A request that satisfies every control: only the keys ``action`` carries, each compliant.

    A key the action does not carry is left out, as AWS leaves it out of the request context; a
    statement that tests such a key on such an action would therefore deny this request.
    """
    context = request(principal)
    for key in keys_supported_by(action):
        if key in COMPLIANT_VALUES:
            context[key] = COMPLIANT_VALUES[key]
    return context


def with_change(context: Context, key: str, value: str | list[str] | None) -> dict[str, str | list[str]]:
    """A copy of ``context`` with ``key`` set; None removes it, as when the caller omits the field."""
    changed = dict(context)
    if value is None:
        changed.pop(key, None)
    else:
        changed[key] = value
    return changed


def matches_any(pattern: str, actions: list[str]) -> list[str]:
    return fnmatch.filter(actions, pattern)
