"""An account administrator's playbook against the guardrail (issue 14, findings 1-3, 5, 6 and 8).

Each path is the attacker's sequence of requests, every step evaluated with both smguard SCPs
attached together (next to FullAWSAccess) and the expected decision per step: the path is closed
when some step is denied; a step marked allowed is allowed on purpose (stated why).
"""

from __future__ import annotations

import pytest

from smguard.deploy.naming import names, resource_name

from .evaluator import Decision, scp_decision
from .policy_data import (
    ACCOUNT,
    ACCOUNT_ADMIN,
    CONTROL_TOWER_VALUES,
    GUARDRAIL,
    KMS_KEY,
    OTHER_ACCOUNT,
    SAGEMAKER,
    compliant_context,
    rendered,
    request,
    with_change,
)

DENY, ALLOW = Decision.EXPLICIT_DENY, Decision.ALLOWED
SM = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}"
TAG = {"aws:ResourceTag/smguard:guardrail": "protected"}
MODEL = f"{SM}:model/m"
# An AWS managed key (aws/sagemaker) has an ARN of the account's own form: key/<uuid>, no alias.
AWS_MANAGED_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def _training_job(key: str, value: str) -> dict:
    """A training job compliant in every other respect, with one key changed."""
    return with_change(compliant_context("sagemaker:CreateTrainingJob", ACCOUNT_ADMIN), key, value)


# (step, action, resource, extra keys, expected)
PATHS: dict[str, list[tuple[str, str, str, dict, Decision]]] = {
    "1-inference-component-outside-isolation": [
        ("endpoint config naming no model, isolation omitted, no VPC", "sagemaker:CreateEndpointConfig",
         f"{SM}:endpoint-config/c", {"sagemaker:VolumeKmsKeyArn": KMS_KEY}, DENY),
        ("endpoint config naming no model, isolation false, in a VPC", "sagemaker:CreateEndpointConfig",
         f"{SM}:endpoint-config/c", {"sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:NetworkIsolation": "false",
                                     "sagemaker:VpcSubnets": ["subnet-1"]}, DENY),
        # Allowed on purpose: the containers then run under the configuration's isolation and VPC.
        ("isolated endpoint config in a VPC, then a component naming a container", "sagemaker:CreateEndpointConfig",
         f"{SM}:endpoint-config/c", {"sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:NetworkIsolation": "true",
                                     "sagemaker:VpcSubnets": ["subnet-1"]}, ALLOW),
        # The next three carry none of the network keys and are allowed (docs/preventive-controls.md,
        # finding 1): the only configuration they can ride on is the isolated one in a VPC above, the
        # attacker's own having been denied at the first two steps.
        ("create the endpoint on that configuration", "sagemaker:CreateEndpoint", f"{SM}:endpoint/e", {}, ALLOW),
        ("a component naming a container image directly, no model", "sagemaker:CreateInferenceComponent",
         f"{SM}:inference-component/ic", {}, ALLOW),
        ("swap the component's container", "sagemaker:UpdateInferenceComponent", f"{SM}:inference-component/ic", {}, ALLOW),
    ],
    "2-silence-the-detective-rules": [
        ("write a made-up approval into the register", "ssm:PutParameter",
         f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/smguard/exemptions", {}, DENY),
        ("delete the register", "ssm:DeleteParameter", f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/smguard/exemptions", {}, DENY),
        ("disable the smguard key", "kms:DisableKey", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k", TAG, DENY),
        ("schedule the key's deletion", "kms:ScheduleKeyDeletion", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k", TAG, DENY),
        ("untag the key first", "kms:UntagResource", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k", TAG, DENY),
        ("delete a rule's log group", "logs:DeleteLogGroup",
         f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/{resource_name('notebook_in_vpc')}", {}, DENY),
        ("shorten its retention", "logs:PutRetentionPolicy",
         f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/{resource_name('notebook_in_vpc')}", {}, DENY),
        ("disable an alarm", "cloudwatch:DisableAlarmActions",
         f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:{resource_name('notebook_in_vpc')}-errors", {}, DENY),
        ("delete the failed-invocations alarm", "cloudwatch:DeleteAlarms",
         f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:smguard-failed-invocations", {}, DENY),
        ("delete the re-evaluation schedule", "scheduler:DeleteSchedule",
         f"arn:aws:scheduler:eu-west-1:{ACCOUNT}:schedule/smguard/smguard-exemption-expiry", {}, DENY),
        ("cut the functions' egress (tagged security group)", "ec2:RevokeSecurityGroupEgress",
         f"arn:aws:ec2:eu-west-1:{ACCOUNT}:security-group/sg-1", TAG, DENY),
        ("delete the tagged VPC endpoint", "ec2:DeleteVpcEndpoints", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc-endpoint/vpce-1", TAG, DENY),
        ("filter every alarm out of the topic's subscription", "sns:SetSubscriptionAttributes",
         f"arn:aws:sns:eu-west-1:{ACCOUNT}:smguard-alarms:0f0e0d0c-0b0a-0908-0706-050403020100", {}, DENY),
        ("drain the failed-invocations queue message by message", "sqs:ReceiveMessage",
         f"arn:aws:sqs:eu-west-1:{ACCOUNT}:smguard-failed-invocations", {}, DENY),
        ("stop the recorder", "config:StopConfigurationRecorder", "*", {}, DENY),
    ],
    "3-leave-the-organization": [
        ("leave", "organizations:LeaveOrganization", "*", {}, DENY),
    ],
    "5-unused-keys": [
        ("HyperPod cluster outside a VPC", "sagemaker:CreateCluster", f"{SM}:cluster/c", {}, DENY),
        ("feature group offline store without a key", "sagemaker:CreateFeatureGroup", f"{SM}:feature-group/f",
         {"sagemaker:FeatureGroupOfflineStoreConfig": "true"}, DENY),
        ("feature group online store with another account's key", "sagemaker:CreateFeatureGroup", f"{SM}:feature-group/f",
         {"sagemaker:FeatureGroupEnableOnlineStore": "true",
          "sagemaker:FeatureGroupOnlineStoreKmsKeyArn": f"arn:aws:kms:eu-west-1:{OTHER_ACCOUNT}:key/k"}, DENY),
        ("domain sharing key of another account", "sagemaker:UpdateDomain", f"{SM}:domain/d",
         {"sagemaker:DomainSharingOutputKmsKeyArn": f"arn:aws:kms:eu-west-1:{OTHER_ACCOUNT}:key/k"}, DENY),
        ("remote IDE session to a space", "sagemaker:StartSession", f"{SM}:space/d-1/s", {}, DENY),
        ("training job with remote debug", "sagemaker:UpdateTrainingJob", f"{SM}:training-job/t",
         {"sagemaker:EnableRemoteDebug": "true"}, DENY),
        ("notebook with IMDSv1 by omission", "sagemaker:CreateNotebookInstance", f"{SM}:notebook-instance/n",
         {"sagemaker:VolumeKmsKeyArn": KMS_KEY, "sagemaker:VpcSubnets": ["subnet-1"],
          "sagemaker:DirectInternetAccess": "Disabled", "sagemaker:RootAccess": "Disabled"}, DENY),
    ],
    "8-kms-keys-other-than-the-account's-own": [
        # Allowed, as documented ("Keys of this account only"): an AWS managed key's ARN cannot be
        # told apart from a customer key's; the detective twin sagemaker_kms reports it.
        ("training job output under the AWS managed key, named by its ARN", "sagemaker:CreateTrainingJob",
         f"{SM}:training-job/t", _training_job("sagemaker:OutputKmsKeyArn", AWS_MANAGED_KEY), ALLOW),
        ("training job output under another account's key", "sagemaker:CreateTrainingJob", f"{SM}:training-job/t",
         _training_job("sagemaker:OutputKmsKeyArn", f"arn:aws:kms:eu-west-1:{OTHER_ACCOUNT}:key/k"), DENY),
    ],
    "6-become-the-guardrail-administrator": [
        ("pass a rule role to one's own function", "iam:PassRole",
         f"arn:aws:iam::{ACCOUNT}:role/{names('notebook_in_vpc').role('eu-west-1')}", {}, DENY),
        ("pass the organization-mode execution role", "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/smguard-rule-execution", {}, DENY),
        ("re-trust a rule role", "iam:UpdateAssumeRolePolicy",
         f"arn:aws:iam::{ACCOUNT}:role/{names('notebook_in_vpc').role('eu-west-1')}", {}, DENY),
        ("tag a rule role", "iam:TagRole", f"arn:aws:iam::{ACCOUNT}:role/{names('notebook_in_vpc').role('eu-west-1')}", {}, DENY),
        ("detach FullAWSAccess", "organizations:DetachPolicy",
         "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", {}, DENY),
    ],
}

STEPS = [
    pytest.param(path, step, action, resource, keys, expected, id=f"{path}:{step}")
    for path, steps in PATHS.items()
    for step, action, resource, keys, expected in steps
]


@pytest.mark.parametrize(("path", "step", "action", "resource", "keys", "expected"), STEPS)
def test_each_step_of_each_path_is_decided_as_intended(path, step, action, resource, keys, expected):
    scps = [rendered(SAGEMAKER), rendered(GUARDRAIL)]
    assert scp_decision(scps, action, resource, {**request(ACCOUNT_ADMIN), **keys}) is expected


@pytest.mark.parametrize("path", PATHS)
def test_every_path_is_closed_at_some_step(path):
    assert any(expected is DENY for *_, expected in PATHS[path])


def test_control_tower_mode_lets_control_tower_manage_config_and_nothing_smguard():
    scps = [rendered(SAGEMAKER), rendered(GUARDRAIL, CONTROL_TOWER_VALUES)]
    control_tower = request(f"arn:aws:iam::{ACCOUNT}:role/AWSControlTowerExecution")
    decisions = [
        scp_decision(scps, "config:PutConfigurationRecorder", "*", control_tower),
        scp_decision(scps, "config:PutConfigRule", "*", control_tower),
        scp_decision(scps, "lambda:DeleteFunction", f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:smguard-x", control_tower),
        scp_decision(scps, "config:PutConfigRule", "*", request(ACCOUNT_ADMIN)),
    ]
    assert decisions == [ALLOW, ALLOW, DENY, DENY]
    # Outside Control Tower mode the role is locked out like everyone else.
    plain = [rendered(SAGEMAKER), rendered(GUARDRAIL)]
    assert scp_decision(plain, "config:PutConfigRule", "*", control_tower) is DENY
