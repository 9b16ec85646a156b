"""What each SCP statement denies and allows, evaluated offline.

The tables below are the specification, written from the issue and independently of the JSON files:
which actions each statement must govern, which request violates it (key absent, flag false, flag
omitted, wrong value), and which actions it must leave alone. Every request is evaluated as AWS
would at one target: FullAWSAccess plus the policy (see evaluator.py). A compliant request carries
only the condition keys its action carries according to the support table, so a statement that
tests a key on an action which never sends it shows up as a denied compliant request.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

import pytest

from smguard.deploy.naming import names, resource_name
from smguard.deploy.reevaluation import SCHEDULE_GROUP as SCHEDULE_GROUP_NAME
from smguard.deploy.reevaluation import SCHEDULE_NAME
from smguard.policies import PARAMETERS, PROTECTION_TAG, placeholder_values

from .evaluator import Decision, denying_sids, scp_decision, statement_matches
from .test_documents import UNCONDITIONAL
from .policy_data import (
    ACCEPTED_ADMIN_ROLE_PATTERNS,
    ADMIN_ROLE_PATTERN,
    ACCOUNT,
    ADMIN,
    DATA_SCIENTIST,
    GUARDRAIL,
    OTHER_ACCOUNT,
    POLICIES,
    SAGEMAKER,
    SCP_NAMES,
    SUPPORT_TABLE,
    compliant_context,
    rendered,
    request,
    statement_actions,
    with_change,
)

ABSENT = None  # the caller left the field out, so the key is missing from the request context
SAGEMAKER_RESOURCE = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:training-job/example"


JOB_DEFINITIONS = [
    "sagemaker:CreateDataQualityJobDefinition",
    "sagemaker:CreateModelBiasJobDefinition",
    "sagemaker:CreateModelExplainabilityJobDefinition",
    "sagemaker:CreateModelQualityJobDefinition",
]
AUTOML = ["sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2"]
MONITORING_SCHEDULES = ["sagemaker:CreateMonitoringSchedule", "sagemaker:UpdateMonitoringSchedule"]
FOREIGN_KEY = f"arn:aws:kms:eu-west-1:{OTHER_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALIAS = f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/aws/sagemaker"
KMS_VIOLATIONS: dict[str, str | None] = {"key-absent": ABSENT, "key-of-another-account": FOREIGN_KEY, "alias": ALIAS}


@dataclass(frozen=True)
class Rule:
    """What one SageMaker statement must do."""

    policy: str
    sid: str
    key: str
    governs: list[str]
    violations: dict[str, str | None]
    # Actions the statement must not govern, even with the violation in the request.
    leaves_alone: list[str] = field(default_factory=list)


SAGEMAKER_RULES = [
    Rule(
        SAGEMAKER,
        "DenyWithoutVolumeKmsKey",
        "sagemaker:VolumeKmsKeyArn",
        governs=sorted(
            AUTOML
            + JOB_DEFINITIONS
            + [
                "sagemaker:CreateDomain",
                "sagemaker:CreateEndpointConfig",
                "sagemaker:CreateHyperParameterTuningJob",
                "sagemaker:CreateNotebookInstance",
                "sagemaker:CreateProcessingJob",
                "sagemaker:CreateTrainingJob",
                "sagemaker:CreateTransformJob",
            ]
        ),
        violations=KMS_VIOLATIONS,
        # Human-only labeling jobs carry no volume key; schedules naming a job definition carry none.
        leaves_alone=["sagemaker:CreateModel", "sagemaker:CreateLabelingJob", *MONITORING_SCHEDULES],
    ),
    Rule(
        SAGEMAKER,
        "DenyJobsWithoutOutputKmsKey",
        "sagemaker:OutputKmsKeyArn",
        governs=sorted(
            AUTOML
            + JOB_DEFINITIONS
            + [
                "sagemaker:CreateHyperParameterTuningJob",
                "sagemaker:CreateLabelingJob",
                "sagemaker:CreateProcessingJob",
                "sagemaker:CreateTrainingJob",
                "sagemaker:CreateTransformJob",
            ]
        ),
        violations=KMS_VIOLATIONS,
        leaves_alone=["sagemaker:CreateEndpointConfig", "sagemaker:CreateNotebookInstance", *MONITORING_SCHEDULES],
    ),
    Rule(
        SAGEMAKER,
        "DenyDomainSharingKeyOfAnotherAccount",
        "sagemaker:DomainSharingOutputKmsKeyArn",
        governs=[
            "sagemaker:CreateDomain",
            "sagemaker:CreateUserProfile",
            "sagemaker:UpdateDomain",
            "sagemaker:UpdateUserProfile",
        ],
        # Sharing may be disabled, then no key is sent: only a wrong key is refused.
        violations={"key-of-another-account": FOREIGN_KEY, "alias": ALIAS},
    ),
    Rule(
        SAGEMAKER,
        "DenyJobsWithoutInterContainerEncryption",
        "sagemaker:InterContainerTrafficEncryption",
        governs=sorted(
            AUTOML
            + JOB_DEFINITIONS
            + [
                "sagemaker:CreateHyperParameterTuningJob",
                "sagemaker:CreateProcessingJob",
                "sagemaker:CreateTrainingJob",
            ]
        ),
        violations={"flag-false": "false", "flag-omitted": ABSENT},
        leaves_alone=["sagemaker:CreateTransformJob", "sagemaker:CreateModel", *MONITORING_SCHEDULES],
    ),
    Rule(
        SAGEMAKER,
        "DenyWithoutNetworkIsolation",
        "sagemaker:NetworkIsolation",
        governs=sorted(
            JOB_DEFINITIONS
            + [
                "sagemaker:CreateHyperParameterTuningJob",
                "sagemaker:CreateModel",
                "sagemaker:CreateProcessingJob",
                "sagemaker:CreateTrainingJob",
            ]
        ),
        violations={"flag-false": "false", "flag-omitted": ABSENT},
        leaves_alone=["sagemaker:CreateTransformJob", "sagemaker:CreateAutoMLJob", *MONITORING_SCHEDULES],
    ),
    Rule(
        SAGEMAKER,
        "DenyWithoutVpcSubnets",
        "sagemaker:VpcSubnets",
        governs=sorted(
            AUTOML
            + JOB_DEFINITIONS
            + [
                "sagemaker:CreateCluster",
                "sagemaker:CreateDomain",
                "sagemaker:CreateHyperParameterTuningJob",
                "sagemaker:CreateModel",
                "sagemaker:CreateNotebookInstance",
                "sagemaker:CreateProcessingJob",
                "sagemaker:CreateTrainingJob",
            ]
        ),
        violations={"subnets-absent": ABSENT},
        leaves_alone=[
            "sagemaker:CreateTransformJob",
            "sagemaker:CreateLabelingJob",
            "sagemaker:UpdateDomain",
            "sagemaker:UpdateCluster",
            *MONITORING_SCHEDULES,
        ],
    ),
    Rule(
        SAGEMAKER,
        "DenyTrainingRemoteDebug",
        "sagemaker:EnableRemoteDebug",
        governs=["sagemaker:CreateTrainingJob", "sagemaker:UpdateTrainingJob"],
        violations={"remote-debug-on": "true"},
    ),
    Rule(
        SAGEMAKER,
        "DenyNotebookDirectInternet",
        "sagemaker:DirectInternetAccess",
        governs=["sagemaker:CreateNotebookInstance"],
        violations={"enabled": "Enabled", "omitted-defaults-to-enabled": ABSENT, "wrong-case": "disabled"},
        leaves_alone=["sagemaker:UpdateNotebookInstance", "sagemaker:StartNotebookInstance"],
    ),
    Rule(
        SAGEMAKER,
        "DenyNotebookRootAccessOnCreate",
        "sagemaker:RootAccess",
        governs=["sagemaker:CreateNotebookInstance"],
        violations={"enabled": "Enabled", "omitted-defaults-to-enabled": ABSENT},
        leaves_alone=["sagemaker:StartNotebookInstance"],
    ),
    Rule(
        SAGEMAKER,
        "DenyNotebookRootAccessOnUpdate",
        "sagemaker:RootAccess",
        governs=["sagemaker:UpdateNotebookInstance"],
        violations={"enabled": "Enabled"},
    ),
    Rule(
        SAGEMAKER,
        "DenyNotebookImdsV1OnCreate",
        "sagemaker:MinimumInstanceMetadataServiceVersion",
        governs=["sagemaker:CreateNotebookInstance"],
        # The API reference: when CreateNotebookInstance passes no value, the default is IMDSv1.
        violations={"v1": "1", "omitted-defaults-to-v1": ABSENT},
    ),
    Rule(
        SAGEMAKER,
        "DenyNotebookImdsV1OnUpdate",
        "sagemaker:MinimumInstanceMetadataServiceVersion",
        governs=["sagemaker:UpdateNotebookInstance"],
        violations={"v1": "1"},
    ),
    Rule(
        SAGEMAKER,
        "DenyDomainNotVpcOnlyOnCreate",
        "sagemaker:AppNetworkAccessType",
        governs=["sagemaker:CreateDomain"],
        violations={"public-internet": "PublicInternetOnly", "omitted-defaults-to-public": ABSENT},
        leaves_alone=["sagemaker:CreateUserProfile", "sagemaker:CreateSpace"],
    ),
    Rule(
        SAGEMAKER,
        "DenyDomainPublicInternetOnUpdate",
        "sagemaker:AppNetworkAccessType",
        governs=["sagemaker:UpdateDomain"],
        violations={"public-internet": "PublicInternetOnly"},
    ),
]


def _short(action: str) -> str:
    return action.split(":", 1)[1]


def _statement(policy: str, sid: str) -> dict:
    [statement] = [s for s in rendered(policy)["Statement"] if s["Sid"] == sid]
    return statement


@pytest.mark.parametrize("rule", SAGEMAKER_RULES, ids=lambda rule: rule.sid)
def test_statement_governs_exactly_the_specified_actions(rule):
    assert statement_actions(_statement(rule.policy, rule.sid)) == sorted(rule.governs)


VIOLATIONS = [
    pytest.param(rule, action, value, id=f"{rule.sid}-{_short(action)}-{name}")
    for rule in SAGEMAKER_RULES
    for action in rule.governs
    for name, value in rule.violations.items()
]


@pytest.mark.parametrize(("rule", "action", "value"), VIOLATIONS)
def test_violating_request_is_denied_by_its_statement(rule, action, value):
    context = with_change(compliant_context(action), rule.key, value)
    policy = rendered(rule.policy)
    assert scp_decision([policy], action, SAGEMAKER_RESOURCE, context) is Decision.EXPLICIT_DENY
    assert denying_sids(policy, action, SAGEMAKER_RESOURCE, context) == {rule.sid}


COMPLIANT = [
    pytest.param(rule, action, id=f"{rule.sid}-{_short(action)}")
    for rule in SAGEMAKER_RULES
    for action in rule.governs
]


@pytest.mark.parametrize(("rule", "action"), COMPLIANT)
def test_compliant_request_of_a_data_scientist_is_allowed(rule, action):
    context = compliant_context(action, DATA_SCIENTIST)
    assert scp_decision([rendered(rule.policy)], action, SAGEMAKER_RESOURCE, context) is Decision.ALLOWED


LEFT_ALONE = [
    pytest.param(rule, action, value, id=f"{rule.sid}-{_short(action)}-{name}")
    for rule in SAGEMAKER_RULES
    for action in rule.leaves_alone
    for name, value in rule.violations.items()
]


@pytest.mark.parametrize(("rule", "action", "value"), LEFT_ALONE)
def test_statement_leaves_other_actions_alone(rule, action, value):
    context = with_change(compliant_context(action), rule.key, value)
    assert not statement_matches(_statement(rule.policy, rule.sid), action, SAGEMAKER_RESOURCE, context)


@pytest.mark.parametrize(
    ("action", "key"),
    [
        pytest.param(
            "sagemaker:UpdateNotebookInstance", "sagemaker:RootAccess", id="notebook-update-keeps-root-setting"
        ),
        pytest.param(
            "sagemaker:UpdateDomain", "sagemaker:AppNetworkAccessType", id="domain-update-keeps-network-type"
        ),
        pytest.param(
            "sagemaker:UpdateNotebookInstance",
            "sagemaker:MinimumInstanceMetadataServiceVersion",
            id="notebook-update-keeps-imds-setting",
        ),
        pytest.param(
            "sagemaker:UpdateUserProfile", "sagemaker:DomainSharingOutputKmsKeyArn", id="profile-update-keeps-sharing"
        ),
    ],
)
def test_update_that_does_not_touch_the_setting_is_allowed(action, key):
    """On an update an omitted field keeps its current value, so omission is no violation there.

    A notebook or domain that is already non-compliant is the detective rules' business.
    """
    context = with_change(compliant_context(action), key, ABSENT)
    assert scp_decision([rendered(SAGEMAKER)], action, SAGEMAKER_RESOURCE, context) is Decision.ALLOWED


UNGOVERNED_SAGEMAKER_AND_OTHER = [
    "sagemaker:CreateEndpoint",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "sagemaker:DeleteEndpoint",
    "sagemaker:DescribeTrainingJob",
    "sagemaker:InvokeEndpoint",
    "sagemaker:ListNotebookInstances",
    "sagemaker:StartNotebookInstance",
    "sagemaker:StopTrainingJob",
    "s3:GetObject",
    "kms:Decrypt",
]


@pytest.mark.parametrize("policy", [SAGEMAKER])
@pytest.mark.parametrize("action", UNGOVERNED_SAGEMAKER_AND_OTHER, ids=_short)
def test_actions_outside_the_policy_are_allowed_with_no_condition_keys(policy, action):
    context = request(DATA_SCIENTIST)
    assert scp_decision([rendered(policy)], action, SAGEMAKER_RESOURCE, context) is Decision.ALLOWED


# Guardrail protection: who may touch AWS Config and the rule functions and roles.

RULE_FUNCTION = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{resource_name('sagemaker_kms')}"
RULE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/{names('sagemaker_kms').role('eu-west-1')}"
CONFIG_RULE = f"arn:aws:config:eu-west-1:{ACCOUNT}:config-rule/config-rule-a1b2c3"
RECORDER = f"arn:aws:config:eu-west-1:{ACCOUNT}:configuration-recorder/default/abc123"
# An organization rule's ARN ends in its ID, which the Service Authorization Reference does not tie
# to the rule's name, so the guardrail protects every organization rule, another team's as well.
ORG_CONFIG_RULE = f"arn:aws:config:eu-west-1:{ACCOUNT}:organization-config-rule/{names('notebook_in_vpc').organization_rule}-a1b2c3d4"
OTHER_ORG_CONFIG_RULE = f"arn:aws:config:eu-west-1:{ACCOUNT}:organization-config-rule/team-rule-e5f6g7h8"
# The role organization mode's service-managed StackSet acts through in a member account. AWS
# creates it through a service-linked role, which SCPs do not affect.
STACKSETS_EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/stacksets-exec-0123456789abcdef0123456789abcdef"
# Organizations resources live in the management account. The smguard policies' IDs are random, so
# the guardrail protects every SCP and AI services opt-out policy, and the root's policy types.
MANAGEMENT_ACCOUNT = "999988887777"
ORGANIZATION = f"arn:aws:organizations::{MANAGEMENT_ACCOUNT}"
SCP = f"{ORGANIZATION}:policy/o-a1b2c3d4e5/service_control_policy/p-a1b2c3d4"
AI_OPT_OUT_POLICY = f"{ORGANIZATION}:policy/o-a1b2c3d4e5/aiservices_opt_out_policy/p-e5f6g7h8"
ROOT = f"{ORGANIZATION}:root/o-a1b2c3d4e5/r-ab12"
# An IAM Identity Center role, which the AdministratorRoleArn parameter may name.
SSO_ROLE = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
    "AWSReservedSSO_SmguardAdmin_0123456789abcdef"
)

RULE_LOG_GROUP = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/{resource_name('sagemaker_kms')}"
RULE_ALARM = f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:{resource_name('sagemaker_kms')}-errors"
SCHEDULE = f"arn:aws:scheduler:eu-west-1:{ACCOUNT}:schedule/{SCHEDULE_GROUP_NAME}/{SCHEDULE_NAME}"
SCHEDULE_GROUP = f"arn:aws:scheduler:eu-west-1:{ACCOUNT}:schedule-group/{SCHEDULE_GROUP_NAME}"
ALARM_TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:smguard-alarms"
FAILED_QUEUE = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:smguard-failed-invocations"
REGISTER = f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/smguard/exemptions"
REMEDIATION = f"arn:aws:config:eu-west-1:{ACCOUNT}:remediation-configuration/{names('vpc_flow_logs').config_rule}/a1b2c3d4"
CONFORMANCE_PACK = f"arn:aws:config:eu-west-1:{ACCOUNT}:conformance-pack/smguard/conformance-pack-a1b2c3d4"
RUNBOOK = f"arn:aws:ssm:eu-west-1:{ACCOUNT}:document/smguard-EnableVpcFlowLog"
TAGGED_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0a1b2c3d-0000-1111-2222-333344445555"
TAGGED_SECURITY_GROUP = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:security-group/sg-0123456789abcdef0"
TAGGED_ENDPOINT = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc-endpoint/vpce-0123456789abcdef0"
FULL_AWS_ACCESS_POLICY = "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
CONTROL_TOWER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/AWSControlTowerExecution"

PROTECTED = [
    ("ProtectConfig", "config:StopConfigurationRecorder", RECORDER),
    ("ProtectConfig", "config:DeleteConfigurationRecorder", RECORDER),
    ("ProtectConfig", "config:PutConfigurationRecorder", "*"),
    ("ProtectConfig", "config:DisassociateResourceTypes", RECORDER),
    ("ProtectConfig", "config:DeleteDeliveryChannel", "*"),
    ("ProtectConfig", "config:PutDeliveryChannel", "*"),
    ("ProtectConfig", "config:PutRetentionConfiguration", "*"),
    ("ProtectConfig", "config:DeleteRetentionConfiguration", "*"),
    ("ProtectConfig", "config:DeleteConfigRule", CONFIG_RULE),
    ("ProtectConfig", "config:PutConfigRule", CONFIG_RULE),
    ("ProtectConfig", "config:DeleteEvaluationResults", CONFIG_RULE),
    # Organization mode deploys organization rules, possibly from a Config delegated administrator,
    # which is a member account and so subject to SCPs.
    ("ProtectConfig", "config:PutOrganizationConfigRule", ORG_CONFIG_RULE),
    ("ProtectConfig", "config:DeleteOrganizationConfigRule", ORG_CONFIG_RULE),
    ("ProtectConfig", "config:DeleteOrganizationConfigRule", OTHER_ORG_CONFIG_RULE),
    # Remediation (issue 16): a member administrator could otherwise switch a fix off or point it at
    # another runbook, or deploy a conformance pack, whose service-linked role creates rules and
    # remediations even where PutConfigRule is denied (AWS Config API Reference, PutConformancePack).
    ("ProtectConfig", "config:PutRemediationConfigurations", REMEDIATION),
    ("ProtectConfig", "config:DeleteRemediationConfiguration", REMEDIATION),
    ("ProtectConfig", "config:PutRemediationExceptions", REMEDIATION),
    ("ProtectConfig", "config:PutConformancePack", CONFORMANCE_PACK),
    ("ProtectConfig", "config:DeleteConformancePack", CONFORMANCE_PACK),
    ("ProtectConfig", "config:PutOrganizationConformancePack", "*"),
    ("ProtectConfig", "config:DeleteOrganizationConformancePack", "*"),
    ("ProtectSmguardResources", "ssm:UpdateDocument", RUNBOOK),
    ("ProtectSmguardResources", "ssm:UpdateDocumentDefaultVersion", RUNBOOK),
    ("ProtectSmguardResources", "ssm:DeleteDocument", RUNBOOK),
    ("ProtectSmguardResources", "ssm:ModifyDocumentPermission", RUNBOOK),
    ("ProtectSmguardResources", "lambda:DeleteFunction", RULE_FUNCTION),
    ("ProtectSmguardResources", "lambda:DeleteFunction", RULE_FUNCTION + ":1"),
    ("ProtectSmguardResources", "lambda:UpdateFunctionCode", RULE_FUNCTION),
    ("ProtectSmguardResources", "lambda:UpdateFunctionConfiguration", RULE_FUNCTION),
    ("ProtectSmguardResources", "lambda:PutFunctionConcurrency", RULE_FUNCTION),
    ("ProtectSmguardResources", "lambda:DeleteFunctionConcurrency", RULE_FUNCTION),
    ("ProtectSmguardResources", "lambda:PutFunctionEventInvokeConfig", RULE_FUNCTION),
    ("ProtectSmguardResources", "lambda:UpdateFunctionEventInvokeConfig", RULE_FUNCTION),
    ("ProtectSmguardResources", "lambda:AddPermission", RULE_FUNCTION),
    ("ProtectSmguardResources", "lambda:RemovePermission", RULE_FUNCTION),
    ("ProtectSmguardResources", "lambda:CreateFunctionUrlConfig", RULE_FUNCTION),
    ("ProtectRuleRoles", "iam:CreateRole", RULE_ROLE),
    ("ProtectRuleRoles", "iam:DeleteRole", RULE_ROLE),
    ("ProtectRuleRoles", "iam:UpdateRole", RULE_ROLE),
    ("ProtectRuleRoles", "iam:UpdateAssumeRolePolicy", RULE_ROLE),
    ("ProtectRuleRoles", "iam:AttachRolePolicy", RULE_ROLE),
    ("ProtectRuleRoles", "iam:DetachRolePolicy", RULE_ROLE),
    ("ProtectRuleRoles", "iam:PutRolePolicy", RULE_ROLE),
    ("ProtectRuleRoles", "iam:DeleteRolePolicy", RULE_ROLE),
    ("ProtectRuleRoles", "iam:PutRolePermissionsBoundary", RULE_ROLE),
    ("ProtectRuleRoles", "iam:DeleteRolePermissionsBoundary", RULE_ROLE),
    # A stacksets-exec-* role is exempt from ProtectRuleRoles: whoever controls one controls the
    # smguard roles, the administrator role among them.
    ("ProtectExemptRoles", "iam:CreateRole", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:UpdateAssumeRolePolicy", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:UpdateRole", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:UpdateRoleDescription", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:AttachRolePolicy", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:DetachRolePolicy", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:PutRolePolicy", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:DeleteRolePolicy", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:PutRolePermissionsBoundary", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:DeleteRolePermissionsBoundary", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:DeleteRole", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:TagRole", STACKSETS_EXECUTION_ROLE),
    ("ProtectExemptRoles", "iam:UntagRole", STACKSETS_EXECUTION_ROLE),
    # An Identity Center role may be the administrator: only AWS (through Identity Center's
    # service-linked role) may create or change one.
    ("ProtectExemptRoles", "iam:CreateRole", SSO_ROLE),
    ("ProtectExemptRoles", "iam:UpdateAssumeRolePolicy", SSO_ROLE),
    ("ProtectExemptRoles", "iam:AttachRolePolicy", SSO_ROLE),
    ("ProtectExemptRoles", "iam:PutRolePolicy", SSO_ROLE),
    # A delegated administrator for Organizations policies is a member account: without this, it
    # could detach, hollow out or delete the smguard policies, or switch SCPs off altogether.
    ("ProtectSmguardResources", "organizations:DetachPolicy", SCP),
    ("ProtectSmguardResources", "organizations:UpdatePolicy", SCP),
    ("ProtectSmguardResources", "organizations:DeletePolicy", SCP),
    ("ProtectSmguardResources", "organizations:DetachPolicy", AI_OPT_OUT_POLICY),
    ("ProtectSmguardResources", "organizations:UpdatePolicy", AI_OPT_OUT_POLICY),
    ("ProtectSmguardResources", "organizations:DeletePolicy", AI_OPT_OUT_POLICY),
    ("ProtectSmguardResources", "organizations:DisablePolicyType", ROOT),
    # Detaching AWS's own FullAWSAccess would deny everything below the target.
    ("ProtectSmguardResources", "organizations:DetachPolicy", FULL_AWS_ACCESS_POLICY),
    # What the rules' results depend on, protected by name (issue 14, finding 2).
    ("ProtectSmguardResources", "logs:DeleteLogGroup", RULE_LOG_GROUP),
    ("ProtectSmguardResources", "logs:DeleteLogStream", RULE_LOG_GROUP + ":log-stream:2026/12/06"),
    ("ProtectSmguardResources", "logs:PutRetentionPolicy", RULE_LOG_GROUP),
    ("ProtectSmguardResources", "logs:DisassociateKmsKey", RULE_LOG_GROUP),
    ("ProtectSmguardResources", "logs:AssociateKmsKey", RULE_LOG_GROUP),
    ("ProtectSmguardResources", "cloudwatch:DeleteAlarms", RULE_ALARM),
    ("ProtectSmguardResources", "cloudwatch:DisableAlarmActions", RULE_ALARM),
    ("ProtectSmguardResources", "cloudwatch:PutMetricAlarm", RULE_ALARM),
    ("ProtectSmguardResources", "cloudwatch:SetAlarmState", RULE_ALARM),
    ("ProtectSmguardResources", "scheduler:DeleteSchedule", SCHEDULE),
    ("ProtectSmguardResources", "scheduler:UpdateSchedule", SCHEDULE),
    ("ProtectSmguardResources", "scheduler:DeleteScheduleGroup", SCHEDULE_GROUP),
    ("ProtectSmguardResources", "sns:DeleteTopic", ALARM_TOPIC),
    ("ProtectSmguardResources", "sns:SetTopicAttributes", ALARM_TOPIC),
    ("ProtectSmguardResources", "sns:RemovePermission", ALARM_TOPIC),
    ("ProtectSmguardResources", "sns:Unsubscribe", ALARM_TOPIC + ":0f0e0d0c-0b0a-0908-0706-050403020100"),
    # A filter policy on the alarm topic's subscription drops every alarm; the subscription's ARN is
    # the topic's plus ":<id>" (SNS API Reference, SetSubscriptionAttributes example).
    ("ProtectSmguardResources", "sns:SetSubscriptionAttributes", ALARM_TOPIC + ":0f0e0d0c-0b0a-0908-0706-050403020100"),
    # Receiving and deleting the failed invocations drains the queue as surely as purging it.
    ("ProtectSmguardResources", "sqs:ReceiveMessage", FAILED_QUEUE),
    ("ProtectSmguardResources", "sqs:DeleteMessage", FAILED_QUEUE),
    ("ProtectSmguardResources", "sqs:DeleteQueue", FAILED_QUEUE),
    ("ProtectSmguardResources", "sqs:PurgeQueue", FAILED_QUEUE),
    ("ProtectSmguardResources", "sqs:SetQueueAttributes", FAILED_QUEUE),
    ("ProtectSmguardResources", "sqs:RemovePermission", FAILED_QUEUE),
    ("ProtectSmguardResources", "ssm:PutParameter", REGISTER),
    ("ProtectSmguardResources", "ssm:DeleteParameter", REGISTER),
    ("ProtectSmguardResources", "ssm:DeleteParameters", REGISTER),
    ("ProtectSmguardResources", "ssm:LabelParameterVersion", REGISTER),
    ("ProtectSmguardResources", "ssm:UnlabelParameterVersion", REGISTER),
    ("ProtectSmguardResources", "lambda:TagResource", RULE_FUNCTION),
    ("ProtectSmguardResources", "lambda:UntagResource", RULE_FUNCTION),
    # Passing a rule role to one's own function would make one the rule (finding 6).
    ("ProtectRuleRoles", "iam:PassRole", RULE_ROLE),
    ("ProtectRuleRoles", "iam:TagRole", RULE_ROLE),
    ("ProtectRuleRoles", "iam:UntagRole", RULE_ROLE),
    ("ProtectExemptRoles", "iam:UpdateAssumeRolePolicy", CONTROL_TOWER_ROLE),
    ("ProtectExemptRoles", "iam:PassRole", STACKSETS_EXECUTION_ROLE),
    # Resources with generated names or owned by the user: protected by the tag.
    ("ProtectTaggedResources", "kms:DisableKey", TAGGED_KEY),
    ("ProtectTaggedResources", "kms:ScheduleKeyDeletion", TAGGED_KEY),
    ("ProtectTaggedResources", "kms:PutKeyPolicy", TAGGED_KEY),
    ("ProtectTaggedResources", "kms:DisableKeyRotation", TAGGED_KEY),
    ("ProtectTaggedResources", "kms:TagResource", TAGGED_KEY),
    ("ProtectTaggedResources", "kms:UntagResource", TAGGED_KEY),
    ("ProtectTaggedResources", "ec2:RevokeSecurityGroupEgress", TAGGED_SECURITY_GROUP),
    ("ProtectTaggedResources", "ec2:ModifySecurityGroupRules", TAGGED_SECURITY_GROUP),
    ("ProtectTaggedResources", "ec2:DeleteSecurityGroup", TAGGED_SECURITY_GROUP),
    ("ProtectTaggedResources", "ec2:CreateTags", TAGGED_SECURITY_GROUP),
    ("ProtectTaggedResources", "ec2:DeleteTags", TAGGED_SECURITY_GROUP),
    ("ProtectTaggedResources", "ec2:DeleteVpcEndpoints", TAGGED_ENDPOINT),
    ("ProtectTaggedResources", "ec2:ModifyVpcEndpoint", TAGGED_ENDPOINT),
    ("DenyLeaveOrganization", "organizations:LeaveOrganization", "*"),
]

TAGGED = {TAGGED_KEY, TAGGED_SECURITY_GROUP, TAGGED_ENDPOINT}


def _context(principal: str, resource: str) -> dict[str, str | list[str]]:
    """The request: the principal, and the protection tag when the resource carries it."""
    tag = {f"aws:ResourceTag/{PROTECTION_TAG[0]}": PROTECTION_TAG[1]} if resource in TAGGED else {}
    return {**request(principal), **tag}

# Test IDs name the resource where one action is tested on more than one.
_RESOURCE_LABELS = {
    RULE_FUNCTION + ":1": "-qualified",
    STACKSETS_EXECUTION_ROLE: "-stacksets-exec",
    SSO_ROLE: "-sso",
    OTHER_ORG_CONFIG_RULE: "-other-team",
    AI_OPT_OUT_POLICY: "-ai-opt-out",
}


def _protected_id(sid: str, action: str, resource: str) -> str:
    return f"{sid}-{_short(action)}{_RESOURCE_LABELS.get(resource, '')}"


NOT_ADMINISTRATORS = {
    "data-scientist": DATA_SCIENTIST,
    "account-admin": f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole",
    "longer-name": f"arn:aws:iam::{ACCOUNT}:role/smguard-admin-2",
    "other-path": f"arn:aws:iam::{ACCOUNT}:role/team/smguard-admin",
}


@pytest.mark.parametrize(
    ("sid", "action", "resource", "principal"),
    [
        pytest.param(sid, action, resource, principal, id=f"{_protected_id(sid, action, resource)}-{who}")
        for sid, action, resource in PROTECTED
        for who, principal in NOT_ADMINISTRATORS.items()
    ],
)
def test_guardrail_denies_everyone_but_the_administrator(sid, action, resource, principal):
    context = _context(principal, resource)
    policy = rendered(GUARDRAIL)
    assert scp_decision([policy], action, resource, context) is Decision.EXPLICIT_DENY
    assert denying_sids(policy, action, resource, context) == {sid}


ADMINISTRATORS = {
    "admin": ADMIN,
    "admin-in-other-member-account": "arn:aws:iam::444455556666:role/smguard-admin",
}


@pytest.mark.parametrize(
    ("action", "resource", "principal"),
    [
        pytest.param(action, resource, principal, id=f"{_protected_id(sid, action, resource)}-{who}")
        for sid, action, resource in PROTECTED
        for who, principal in ADMINISTRATORS.items()
        if sid not in UNCONDITIONAL
    ],
)
def test_guardrail_allows_the_administrator(action, resource, principal):
    context = _context(principal, resource)
    assert scp_decision([rendered(GUARDRAIL)], action, resource, context) is Decision.ALLOWED


@pytest.mark.parametrize(
    ("sid", "action", "resource"),
    [pytest.param(sid, action, resource, id=_protected_id(sid, action, resource)) for sid, action, resource in PROTECTED],
)
def test_the_stacksets_execution_role_manages_only_the_rule_roles(sid, action, resource):
    """Organization mode's service-managed StackSet creates the member accounts' execution role
    through a stacksets-exec-* role: it may manage the smguard roles, and nothing else protected,
    not even a stacksets-exec-* role (its own included)."""
    context = _context(STACKSETS_EXECUTION_ROLE, resource)
    expected = Decision.ALLOWED if sid == "ProtectRuleRoles" else Decision.EXPLICIT_DENY
    assert scp_decision([rendered(GUARDRAIL)], action, resource, context) is expected


def test_detaching_any_policy_from_the_root_is_left_to_the_administrator():
    """A side effect, documented: DisablePolicyType can only be scoped to the root, and DetachPolicy
    names its target as a resource too, so detaching a policy of any type from the root is refused
    to everyone but the administrator; detaching it from an OU is not."""
    context = {"aws:PrincipalArn": DATA_SCIENTIST}
    ou = f"{ORGANIZATION}:ou/o-a1b2c3d4e5/ou-ab12-cdef3456"
    decisions = [
        scp_decision([rendered(GUARDRAIL)], "organizations:DetachPolicy", target, context) for target in (ROOT, ou)
    ]
    assert decisions == [Decision.EXPLICIT_DENY, Decision.ALLOWED]


# Exempt principals: every ArnNotLike pattern of the guardrail names principals that may do what
# the statement denies. If anyone else could create such a role, or take one over, the exemption
# would be theirs. These are the calls that hand a role to someone: create it with a trust policy
# of one's choosing, rewrite its trust policy, or give it more permissions.
TAKEOVER_ACTIONS = ["iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy"]


def _exempt_patterns(policy: dict) -> set[str]:
    patterns = set()
    for statement in policy["Statement"]:
        for block in statement.get("Condition", {}).values():
            value = block.get("aws:PrincipalArn", [])
            patterns |= set([value] if isinstance(value, str) else value)
    return patterns


def _role_matching(pattern: str) -> str:
    """One concrete role ARN that the ArnLike pattern matches: partition aws, this account."""
    arn, partition, service, region, account, resource = pattern.split(":", 5)
    partition = "aws" if partition == "*" else partition
    account = ACCOUNT if account == "*" else account
    return ":".join([arn, partition, service, region, account, resource.replace("*", "x")])


def unprotected_exemptions(policy: dict) -> set[tuple[str, str]]:
    """(exempt pattern, takeover action) pairs that some ordinary principal is allowed."""
    return {
        (pattern, action)
        for pattern in _exempt_patterns(policy)
        for action in TAKEOVER_ACTIONS
        for principal in NOT_ADMINISTRATORS.values()
        if scp_decision([policy], action, _role_matching(pattern), {"aws:PrincipalArn": principal})
        is Decision.ALLOWED
    }


def test_the_guardrail_exempts_the_administrator_and_the_stacksets_execution_role():
    assert _exempt_patterns(rendered(GUARDRAIL)) == {
        "arn:aws:iam::*:role/smguard-admin",
        "arn:*:iam::*:role/stacksets-exec-*",
    }


@pytest.mark.parametrize("administrator", ACCEPTED_ADMIN_ROLE_PATTERNS, ids=lambda v: v[:70])
def test_no_ordinary_principal_can_create_or_take_over_an_exempt_role(administrator):
    """Whatever administrator role the parameter accepts, no one else can make themselves it."""
    assert _allowed_by_the_parameter(administrator)
    policy = POLICIES[GUARDRAIL].rendered(placeholder_values(administrator, control_tower=False))
    assert unprotected_exemptions(policy) == set()


def _allowed_by_the_parameter(value: str) -> bool:
    spec = PARAMETERS["AdministratorRoleArn"]
    return len(value) <= spec["MaxLength"] and re.fullmatch(spec["AllowedPattern"], value) is not None


def test_the_takeover_check_finds_the_stacksets_hole_without_protect_exempt_roles():
    """The check above has teeth: without ProtectExemptRoles (the policy as first written) anyone
    could create or re-trust a stacksets-exec-* role."""
    policy = rendered(GUARDRAIL)
    policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "ProtectExemptRoles"]
    assert unprotected_exemptions(policy) == {
        ("arn:*:iam::*:role/stacksets-exec-*", action) for action in TAKEOVER_ACTIONS
    }


def test_the_stacksets_bypass_chain_is_closed_at_its_first_step():
    """The chain the audit found: an ordinary principal gets a stacksets-exec-* role (creates one,
    or re-trusts or extends an existing one), acts through it to re-trust the administrator role,
    and acts as the administrator to stop the recorder. The later steps are allowed by design, so
    the first one must be denied in every form."""
    policy = rendered(GUARDRAIL)
    new_role = f"arn:aws:iam::{ACCOUNT}:role/stacksets-exec-mine"
    first_steps = [
        ("iam:CreateRole", new_role),
        ("iam:UpdateAssumeRolePolicy", STACKSETS_EXECUTION_ROLE),
        ("iam:AttachRolePolicy", STACKSETS_EXECUTION_ROLE),
        ("iam:PutRolePolicy", STACKSETS_EXECUTION_ROLE),
    ]
    as_data_scientist = {"aws:PrincipalArn": DATA_SCIENTIST}
    assert [denying_sids(policy, action, role, as_data_scientist) for action, role in first_steps] == [
        {"ProtectExemptRoles"}
    ] * len(first_steps)
    # ADMIN is the administrator role's ARN, so it is also the resource of calls on that role.
    as_stacksets, as_admin = {"aws:PrincipalArn": new_role}, {"aws:PrincipalArn": ADMIN}
    retrust_admin = scp_decision([policy], "iam:UpdateAssumeRolePolicy", ADMIN, as_stacksets)
    stop_recorder = scp_decision([policy], "config:StopConfigurationRecorder", RECORDER, as_admin)
    assert (retrust_admin, stop_recorder) == (Decision.ALLOWED, Decision.ALLOWED)


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        pytest.param("lambda:InvokeFunction", RULE_FUNCTION, id="config-invokes-rule-function"),
        pytest.param("lambda:GetFunction", RULE_FUNCTION, id="read-rule-function"),
        pytest.param(
            "lambda:DeleteFunction", f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:team-etl", id="other-function"
        ),
        pytest.param("iam:DeleteRole", f"arn:aws:iam::{ACCOUNT}:role/team-etl", id="other-role"),
        pytest.param("iam:GetRole", RULE_ROLE, id="read-rule-role"),
        pytest.param("iam:GetRole", STACKSETS_EXECUTION_ROLE, id="read-stacksets-exec-role"),
        pytest.param("iam:ListRoleTags", STACKSETS_EXECUTION_ROLE, id="read-stacksets-exec-role-tags"),
        pytest.param("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/stacksets-team", id="create-other-role"),
        pytest.param("config:PutEvaluations", "*", id="rule-reports-results"),
        pytest.param("config:StartConfigRulesEvaluation", CONFIG_RULE, id="re-evaluate-rule"),
        pytest.param("config:StartConfigurationRecorder", RECORDER, id="start-recorder"),
        pytest.param("config:DescribeConfigRules", "*", id="read-rules"),
        pytest.param("config:GetComplianceDetailsByConfigRule", CONFIG_RULE, id="read-results"),
        pytest.param("config:DescribeOrganizationConfigRules", "*", id="read-organization-rules"),
        pytest.param(
            "config:GetOrganizationConfigRuleDetailedStatus", ORG_CONFIG_RULE, id="read-organization-rule-status"
        ),
        pytest.param("config:DescribeRetentionConfigurations", "*", id="read-retention"),
        # Attaching a policy can only take permissions away; other policy types are not smguard's.
        pytest.param("organizations:AttachPolicy", SCP, id="attach-scp"),
        pytest.param("organizations:DescribePolicy", SCP, id="read-scp"),
        pytest.param("organizations:EnablePolicyType", ROOT, id="enable-policy-type"),
        pytest.param(
            "organizations:UpdatePolicy",
            f"{ORGANIZATION}:policy/o-a1b2c3d4e5/tag_policy/p-i9j0k1l2",
            id="update-tag-policy",
        ),
        pytest.param(
            "organizations:DetachPolicy",
            f"{ORGANIZATION}:policy/o-a1b2c3d4e5/backup_policy/p-m3n4o5p6",
            id="detach-backup-policy",
        ),
        pytest.param("sagemaker:CreateTrainingJob", SAGEMAKER_RESOURCE, id="unrelated-service"),
    ],
)
def test_guardrail_leaves_other_actions_and_resources_alone(action, resource):
    context = {"aws:PrincipalArn": DATA_SCIENTIST}
    assert scp_decision([rendered(GUARDRAIL)], action, resource, context) is Decision.ALLOWED


def test_guardrail_table_covers_every_action_pattern():
    """Each Action entry (some are wildcards) is exercised by at least one row of PROTECTED."""
    tested = {action for _, action, _ in PROTECTED}
    for statement in rendered(GUARDRAIL)["Statement"]:
        for pattern in statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]:
            assert fnmatch.filter(tested, pattern), f"{statement['Sid']}: no test request for {pattern}"


# No listed action is denied unconditionally.


def _concrete_requests(statement: dict) -> list[tuple[str, str]]:
    """(action, resource) pairs that exercise every Action and Resource entry of the statement.

    A wildcard action stands for the concrete actions of the guardrail table that it matches; each
    resource pattern is filled in to one ARN it matches.
    """
    patterns = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
    resources = [pattern.replace("*", "x") if pattern != "*" else SAGEMAKER_RESOURCE for pattern in patterns]
    requests = []
    for entry in statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]:
        if entry in SUPPORT_TABLE["action_wildcards"]:
            actions = SUPPORT_TABLE["action_wildcards"][entry]
        elif "*" in entry:
            actions = sorted(fnmatch.filter({action for _, action, _ in PROTECTED}, entry))
        else:
            actions = [entry]
        assert actions, f"{statement['Sid']}: no concrete action for {entry}"
        requests += [(action, resource) for action in actions for resource in resources]
    return requests


FULLY_COMPLIANT = [
    pytest.param(action, resource, id=f"{name.removeprefix('smguard-')}-{statement['Sid']}-{_short(action)}")
    for name in SCP_NAMES
    for statement in rendered(name)["Statement"]
    if statement["Sid"] not in UNCONDITIONAL
    for action, resource in _concrete_requests(statement)
]


@pytest.mark.parametrize(("action", "resource"), FULLY_COMPLIANT)
def test_no_listed_action_is_denied_unconditionally(action, resource):
    """The administrator, sending every condition key its action carries with a compliant value,
    gets through all the SCPs attached together."""
    scps = [rendered(name) for name in SCP_NAMES]
    assert scp_decision(scps, action, resource, compliant_context(action, ADMIN)) is Decision.ALLOWED


def test_the_unconditional_check_catches_a_key_the_action_never_carries():
    """The check above has teeth: CreateTransformJob never carries sagemaker:NetworkIsolation."""
    scp = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Broken",
                "Effect": "Deny",
                "Action": "sagemaker:CreateTransformJob",
                "Resource": "*",
                "Condition": {"BoolIfExists": {"sagemaker:NetworkIsolation": "false"}},
            }
        ],
    }
    context = compliant_context("sagemaker:CreateTransformJob", ADMIN)
    assert scp_decision([scp], "sagemaker:CreateTransformJob", "*", context) is Decision.EXPLICIT_DENY


def test_in_control_tower_mode_no_ordinary_principal_can_take_over_control_towers_role():
    """Control Tower mode exempts AWSControlTowerExecution from the Config statements; no one but the
    administrator and that role itself may create, re-trust or extend a role of that name."""
    policy = POLICIES[GUARDRAIL].rendered(placeholder_values(ADMIN_ROLE_PATTERN, control_tower=True))
    assert "arn:*:iam::*:role/AWSControlTowerExecution" in _exempt_patterns(policy)
    assert unprotected_exemptions(policy) == set()


# Statements whose keys are ANDed: the exact set of statements each request triggers.
MODEL_LESS = "DenyModelLessEndpointConfigWithoutIsolation"
OUTSIDE_VPC = "DenyModelLessEndpointConfigOutsideVpc"
CONFIG = "sagemaker:CreateEndpointConfig"
KEY = {"sagemaker:VolumeKmsKeyArn": compliant_context(CONFIG)["sagemaker:VolumeKmsKeyArn"]}
MODEL_ARN = {"sagemaker:ModelArn": f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model/m"}


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        pytest.param({**KEY, **MODEL_ARN}, set(), id="model-based-config-judged-by-its-model"),
        pytest.param({**KEY, **MODEL_ARN, "sagemaker:NetworkIsolation": "false"}, set(), id="model-based-explicit-false"),
        pytest.param(
            {**KEY, "sagemaker:NetworkIsolation": "true", "sagemaker:VpcSubnets": ["subnet-1"]}, set(),
            id="model-less-isolated-in-vpc",
        ),
        pytest.param({**KEY, "sagemaker:VpcSubnets": ["subnet-1"]}, {MODEL_LESS}, id="model-less-isolation-omitted"),
        pytest.param(
            {**KEY, "sagemaker:VpcSubnets": ["subnet-1"], "sagemaker:NetworkIsolation": "false"}, {MODEL_LESS},
            id="model-less-isolation-false",
        ),
        pytest.param({**KEY, "sagemaker:NetworkIsolation": "true"}, {OUTSIDE_VPC}, id="model-less-outside-vpc"),
        pytest.param(KEY, {MODEL_LESS, OUTSIDE_VPC}, id="model-less-neither"),
    ],
)
def test_endpoint_configurations_are_judged_by_whether_they_name_a_model(keys, expected):
    context = {**request(DATA_SCIENTIST), **keys}
    assert denying_sids(rendered(SAGEMAKER), CONFIG, SAGEMAKER_RESOURCE, context) == expected


OFFLINE, ONLINE = "DenyOfflineStoreWithoutKmsKey", "DenyOnlineStoreWithoutKmsKey"
OWN_KEY = compliant_context("sagemaker:CreateFeatureGroup")["sagemaker:FeatureGroupOfflineStoreKmsKeyArn"]
FOREIGN = f"arn:aws:kms:eu-west-1:{OTHER_ACCOUNT}:key/k"


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        pytest.param({}, set(), id="no-store-configured"),
        pytest.param({"sagemaker:FeatureGroupEnableOnlineStore": "false"}, set(), id="online-store-off"),
        pytest.param({"sagemaker:FeatureGroupOfflineStoreConfig": "true"}, {OFFLINE}, id="offline-without-key"),
        pytest.param(
            {"sagemaker:FeatureGroupOfflineStoreConfig": "true", "sagemaker:FeatureGroupOfflineStoreKmsKeyArn": FOREIGN},
            {OFFLINE}, id="offline-foreign-key",
        ),
        pytest.param(
            {"sagemaker:FeatureGroupOfflineStoreConfig": "true", "sagemaker:FeatureGroupOfflineStoreKmsKeyArn": OWN_KEY},
            set(), id="offline-own-key",
        ),
        pytest.param({"sagemaker:FeatureGroupEnableOnlineStore": "true"}, {ONLINE}, id="online-without-key"),
        pytest.param(
            {"sagemaker:FeatureGroupEnableOnlineStore": "true", "sagemaker:FeatureGroupOnlineStoreKmsKeyArn": OWN_KEY},
            set(), id="online-own-key",
        ),
    ],
)
def test_feature_groups_need_a_key_of_the_account_for_each_store_they_have(keys, expected):
    context = {**request(DATA_SCIENTIST), **keys}
    assert denying_sids(rendered(SAGEMAKER), "sagemaker:CreateFeatureGroup", SAGEMAKER_RESOURCE, context) == expected
