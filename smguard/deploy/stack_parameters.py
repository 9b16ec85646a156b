"""What a user sets when deploying: the stack-wide parameters, conditions and deploy-time checks.

Rule parameters are added per rule (:func:`rule_parameters`, see ``parameters.py`` for their
validation). Engine-level parameters (``EngineParameters``) are set here, and a parameter the engine
accepts that this module does not know stops the generator, so a new engine feature is never
silently left unset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.deploy.parameters import free_text_max_lengths, template_parameter, template_parameter_name
from smguard.engine.handler import EngineParameters

EXECUTION_ROLE_PARAMETER = "ExecutionRoleName"
REEVALUATION_CONDITION = "ReevaluateForExemptionExpiry"
"""Account mode with an exemption register: the daily re-evaluation (smguard/deploy/reevaluation.py)."""
EXEMPTIONS_PARAMETER = "ExemptionsParameterName"
ENGINE_PARAMETER_MAX_LENGTHS = {EXECUTION_ROLE_PARAMETER: 64, EXEMPTIONS_PARAMETER: 128}
"""MaxLength of the engine's template parameters, which every rule's InputParameters carries: IAM's
role-name limit, and for the register's SSM name (SSM allows 1,011) enough for a path such as
/smguard/security/exemptions with room to spare, since the rest of the 1,024 characters goes to the
rules' own parameters."""
KNOWN_ENGINE_PARAMETERS = frozenset(ENGINE_PARAMETER_MAX_LENGTHS)
EXECUTION_ROLE_NAME_PATTERN = "^smguard-(?!admin)[A-Za-z0-9+=,.@_-]{1,56}$"

LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]


class UnknownEngineParameterError(ValueError):
    """The engine accepts a parameter the template does not know how to set."""


def engine_parameter_names() -> list[str]:
    names = [spec.name for spec in EngineParameters.specs()]
    unknown = sorted(set(names) - KNOWN_ENGINE_PARAMETERS)
    if unknown:
        raise UnknownEngineParameterError(
            f"the engine accepts {', '.join(unknown)}, which smguard/deploy/template.py does not set; "
            "add a template parameter for it there"
        )
    return names


def global_parameters(engine_parameters: Sequence[str]) -> dict[str, Any]:
    parameters: dict[str, Any] = {
        "DeploymentScope": {
            "Type": "String",
            "AllowedValues": ["Account", "Organization"],
            "Default": "Account",
            "Description": (
                "Account: the smguard conformance pack (rules and remediations) in this account only. Organization: "
                "an organization conformance pack in every member account (deploy in the management account or the "
                "Config delegated administrator), and a StackSet creating the execution and remediation roles in "
                "each member account."
            ),
        },
        "OrganizationId": {
            "Type": "String",
            "Default": "",
            "AllowedPattern": "^(|o-[a-z0-9]{10,32})$",
            "ConstraintDescription": "must be empty or an organization ID (o-...)",
            "Description": (
                "Organization mode (required there): the organization ID. The functions may assume the "
                "execution role only in accounts of this organization."
            ),
        },
        "StackSetTargetOuIds": {
            "Type": "CommaDelimitedList",
            "Default": "",
            "AllowedPattern": "^(|r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$",
            "ConstraintDescription": "each value must be the root ID (r-...) or an OU ID (ou-...-...)",
            "Description": (
                "Organization mode (required there): the root or OUs whose accounts get the execution role "
                "(the root ID covers every member account). Accounts joining later get it too."
            ),
        },
        "StackSetCallAs": {
            "Type": "String",
            "AllowedValues": ["DELEGATED_ADMIN", "SELF"],
            "Default": "DELEGATED_ADMIN",
            "Description": (
                "Organization mode: DELEGATED_ADMIN when this account is a CloudFormation StackSets delegated "
                "administrator, SELF in the management account."
            ),
        },
        "ExcludedAccounts": {
            "Type": "CommaDelimitedList",
            "Default": "",
            "AllowedPattern": "^(|[0-9]{12})$",
            "ConstraintDescription": "each value must be a 12-digit account ID",
            "Description": (
                "Organization mode: accounts the organization conformance pack skips. Add the management account "
                "when the stack runs elsewhere: service-managed StackSets do not create the execution role there."
            ),
        },
        EXECUTION_ROLE_PARAMETER: {
            "Type": "String",
            "Default": "smguard-rule-execution",
            # smguard-admin* is the administrator role's name space (smguard/policies.py): the guardrail
            # exempts it, so a role that Lambda functions assume must never fall into it.
            "AllowedPattern": EXECUTION_ROLE_NAME_PATTERN,
            "MaxLength": ENGINE_PARAMETER_MAX_LENGTHS[EXECUTION_ROLE_PARAMETER],
            "ConstraintDescription": (
                "must be an IAM role name starting with smguard- (the guardrail SCP protects smguard-*) "
                "but not smguard-admin (reserved for the administrator role)"
            ),
            "Description": (
                "Organization mode: name of the role the StackSet creates in every member account and the "
                "functions assume there. Use a different name per region when deploying to several regions."
            ),
        },
        "FunctionReservedConcurrency": {
            # A String with a pattern, not a Number: 0 must be written exactly "0" to mean "no reservation"
            # (the condition compares text), since a reservation of 0 would throttle every invocation.
            "Type": "String",
            "Default": "5",
            "AllowedPattern": "^(0|[1-9][0-9]{0,2}|1000)$",
            "ConstraintDescription": "must be a whole number from 0 to 1000, without leading zeros",
            "Description": (
                "Reserved concurrency of each rule function: bounds the load on the AWS APIs and keeps capacity "
                "for the rules whatever else runs in the account; throttled invocations are retried. Lambda keeps "
                "100 of the account's concurrency unreserved, so reserving needs a quota of 100 plus this times the "
                "number of rules. 0: no reservation (the functions share the unreserved pool)."
            ),
        },
        "LogRetentionInDays": {
            "Type": "Number",
            "Default": 400,
            "AllowedValues": LOG_RETENTION_DAYS,
            "Description": "How long the rule functions' logs are kept (evidence of every evaluation and failure).",
        },
        "AlarmEmail": {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^(|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})$",
            "ConstraintDescription": "must be empty or an e-mail address",
            "Description": "Optional e-mail address subscribed to the alarm topic (confirm the subscription e-mail).",
        },
        "SubnetIds": {
            "Type": "CommaDelimitedList",
            "Default": "",
            "AllowedPattern": "^(|subnet-[0-9a-f]{8,17})$",
            "ConstraintDescription": "each value must be a subnet ID",
            "Description": (
                "Optional: private subnets for the rule functions (accounts without internet access). They then "
                "need VPC endpoints; see docs/deployment.md. Empty: the functions run outside any VPC."
            ),
        },
        "SecurityGroupIds": {
            "Type": "CommaDelimitedList",
            "Default": "",
            "AllowedPattern": "^(|sg-[0-9a-f]{8,17})$",
            "ConstraintDescription": "each value must be a security group ID",
            "Description": "With SubnetIds: security groups of the functions (HTTPS out to the VPC endpoints).",
        },
    }
    if EXEMPTIONS_PARAMETER in engine_parameters:
        parameters[EXEMPTIONS_PARAMETER] = {
            "Type": "String",
            "Default": "",
            # A name under /smguard/ ("/smguard/exemptions"): the IAM resource ARN is then parameter<name>,
            # and the guardrail SCP lets only the administrator role write or delete parameter/smguard/*.
            "AllowedPattern": "^(|/smguard/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){0,13})$",
            "MaxLength": ENGINE_PARAMETER_MAX_LENGTHS[EXEMPTIONS_PARAMETER],
            "ConstraintDescription": (
                "must be empty or an SSM parameter name under /smguard/ (e.g. /smguard/exemptions), "
                f"at most {ENGINE_PARAMETER_MAX_LENGTHS[EXEMPTIONS_PARAMETER]} characters"
            ),
            "Description": (
                "Optional: SSM parameter (in this account and region) holding the exemption register, see "
                "docs/exemptions.md. The functions read it with their own role. Empty: no exemptions."
            ),
        }
        parameters["ExemptionsParameterKeyArn"] = {
            "Type": "String",
            "Default": "",
            "AllowedPattern": "^(|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+)$",
            "ConstraintDescription": "must be empty or a KMS key ARN",
            "Description": (
                "When the exemption register is a SecureString encrypted with a customer managed key: that key's "
                "ARN (the functions get kms:Decrypt through SSM only). Empty: String, or SecureString with aws/ssm."
            ),
        }
    return parameters


def conditions(engine_parameters: Sequence[str]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "AccountScope": {"Fn::Equals": [{"Ref": "DeploymentScope"}, "Account"]},
        "OrganizationScope": {"Fn::Equals": [{"Ref": "DeploymentScope"}, "Organization"]},
        "AttachToVpc": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "SubnetIds"}]}, ""]}]},
        "ReserveConcurrency": {"Fn::Not": [{"Fn::Equals": [{"Ref": "FunctionReservedConcurrency"}, "0"]}]},
        "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
        "HasStackSetTargets": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "StackSetTargetOuIds"}]}, ""]}]},
        "HasExcludedAccounts": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "ExcludedAccounts"}]}, ""]}]},
    }
    if EXEMPTIONS_PARAMETER in engine_parameters:
        result["HasExemptionsParameter"] = {"Fn::Not": [{"Fn::Equals": [{"Ref": EXEMPTIONS_PARAMETER}, ""]}]}
        result["HasExemptionsKey"] = {
            "Fn::And": [
                {"Condition": "HasExemptionsParameter"},
                {"Fn::Not": [{"Fn::Equals": [{"Ref": "ExemptionsParameterKeyArn"}, ""]}]},
            ]
        }
        result[REEVALUATION_CONDITION] = {
            "Fn::And": [{"Condition": "AccountScope"}, {"Condition": "HasExemptionsParameter"}]
        }
    return result


def template_rules() -> dict[str, Any]:
    """Deploy-time checks that one parameter alone cannot express."""
    organization = {"Fn::Equals": [{"Ref": "DeploymentScope"}, "Organization"]}
    return {
        "OrganizationModeNeedsOrganizationId": {
            "RuleCondition": organization,
            "Assertions": [
                {
                    "Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": "OrganizationId"}, ""]}]},
                    "AssertDescription": "DeploymentScope=Organization needs OrganizationId.",
                }
            ],
        },
        "OrganizationModeNeedsTargets": {
            "RuleCondition": organization,
            "Assertions": [
                {
                    "Assert": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "StackSetTargetOuIds"}]}, ""]}]},
                    "AssertDescription": "DeploymentScope=Organization needs StackSetTargetOuIds (the root ID or OU IDs).",
                }
            ],
        },
        "VpcAttachmentNeedsSecurityGroups": {
            "RuleCondition": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "SubnetIds"}]}, ""]}]},
            "Assertions": [
                {
                    "Assert": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "SecurityGroupIds"}]}, ""]}]},
                    "AssertDescription": "SubnetIds needs SecurityGroupIds.",
                }
            ],
        },
    }


def rule_parameters(entry: RuleEntry, engine_parameters: Sequence[str]) -> dict[str, Any]:
    specs = entry.rule.parameters.specs()
    # Every engine parameter counts, ExecutionRoleName too: organization mode passes it to every rule.
    max_lengths = free_text_max_lengths(
        entry.name, specs, {name: ENGINE_PARAMETER_MAX_LENGTHS[name] for name in engine_parameters}
    )
    result = {}
    for spec in specs:
        result[template_parameter_name(entry.name, spec.name)] = template_parameter(
            spec, max_lengths.get(spec.name)
        )
    return result
