"""The demo's month of compliance history, played through the deployed rules at its own times.

AWS Config records a resource's compliance history (``AWS::Config::ResourceCompliance`` items)
while its recorder records that type; the demo turns Config on as an account does (a recorder of
every supported type and a delivery channel) and then lets a month pass, each step a real change
in the embedded AWS judged by the real rule handlers at the time it happened:

- ``HISTORY_DAYS`` ago every rule judges the account as built, before the exemption was approved:
  the GPU notebook's root access is a breach, as are the account's other violations (which stay open);
- a week later someone opens the private VPC's default security group (SSH from the corporate
  range), and fixes it ``REOPENED_HOURS`` later;
- ``EXEMPTED_DAYS`` ago the security team approves the GPU notebook's exemption (the central
  register as :func:`smguard.demo.environment.build` wrote it), which ends that breach;
- today every rule judges the account again (the current results).

So an export with ``--from``/``--to`` over the month holds a closed episode, an exempted one and
open ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import boto3

from smguard.demo import environment
from smguard.demo.runner import deploy, invoke, run_rules
from smguard.deploy.naming import rule_of
from smguard.embedded.history_delivery import deliver_compliance_history
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from smguard.embedded.stack import DeployedRule
from smguard.resources.types import vpc
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import SilentProgress
from smguard.sweep.collectors import collect

HISTORY_DAYS = 30
BREACH_DAYS_AGO = 23
REOPENED_HOURS = 52
EXEMPTED_DAYS = 12
RECORDER = "default"
SSH_FROM_CORPORATE = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]


def deploy_with_history(session: boto3.Session, env: environment.DemoEnvironment, now: datetime) -> list[DeployedRule]:
    """The demo account up to ``now``: Config on, template.yaml's account rules deployed, the month
    played; the caller runs every rule at ``now`` and delivers the history (:func:`deliver_history`)."""
    enable_config(session, environment.ACCOUNT_ID, history_bucket(environment.ACCOUNT_ID))
    deployed = deploy(session, env)
    play_history({environment.ACCOUNT_ID: (session, env)}, session, deployed, now)
    return deployed


def history_bucket(account_id: str) -> str:
    """The bucket the demo's delivery channels write configuration history to (one per deploying account)."""
    return f"config-history-{account_id}"


def enable_config(session: boto3.Session, account_id: str, bucket: str, prefix: str | None = None) -> None:
    """Config on, as an account enables it: a recorder of every supported type (AWS::Config::ResourceCompliance
    among them) and a delivery channel to ``bucket`` (created if absent)."""
    s3 = session.client("s3")
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyExists:  # an organization's central bucket, created by the first account
        pass
    config = session.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={"name": RECORDER, "roleARN": f"arn:aws:iam::{account_id}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
                               "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": False}}
    )  # fmt: skip
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket, **({"s3KeyPrefix": prefix} if prefix else {})})
    config.start_configuration_recorder(ConfigurationRecorderName=RECORDER)


def play_history(
    accounts: dict[str, tuple[boto3.Session, environment.DemoEnvironment]],
    register: boto3.Session,
    deployed: Sequence[DeployedRule],
    now: datetime,
) -> None:
    """Play the month before ``now`` in each account (id -> its session and what was built there).

    ``register`` acts in the account whose SSM holds the central exemption register the rules read.
    Afterwards judge every account at ``now`` with :func:`run_rules` (the current results).
    """
    approved = register.client("ssm").get_parameter(Name=environment.EXEMPTIONS_PARAMETER)["Parameter"]["Value"]
    _set_register(register, {**json.loads(approved), "exemptions": []})
    start = now - timedelta(days=HISTORY_DAYS)
    for account_id, (session, _) in sorted(accounts.items()):
        run_rules(session, deployed, account_id=account_id, now=start)
    opened = now - timedelta(days=BREACH_DAYS_AGO)
    for account_id, (session, env) in sorted(accounts.items()):
        ec2 = session.client("ec2")
        group = vpc.default_group(ec2, env.private_vpc)
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=SSH_FROM_CORPORATE)
        judge(session, deployed, "vpc_default_sg", "AWS::EC2::SecurityGroup", {group}, account_id, opened)
        ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=SSH_FROM_CORPORATE)
        fixed = opened + timedelta(hours=REOPENED_HOURS)
        judge(session, deployed, "vpc_default_sg", "AWS::EC2::SecurityGroup", {group}, account_id, fixed)
    _set_register(register, json.loads(approved))
    exempted = now - timedelta(days=EXEMPTED_DAYS)
    for account_id, (session, _) in sorted(accounts.items()):
        judge(session, deployed, environment.EXEMPT_RULE, "AWS::SageMaker::NotebookInstance", {environment.EXEMPT_NOTEBOOK}, account_id, exempted)


def deliver_history(account_ids: Sequence[str], now: datetime) -> None:
    """Config's six-hourly deliveries of the month, up to ``now`` (the current window is not complete yet)."""
    for account_id in account_ids:
        deliver_compliance_history(account_id, environment.REGION, now)


def judge(
    session: boto3.Session,
    deployed: Sequence[DeployedRule],
    rule: str,
    resource_type: str,
    chosen: set[str],
    account_id: str,
    at: datetime,
) -> None:
    """What Config does on a change of the ``chosen`` resources (ids): invoke ``rule``'s Config rule of the
    account with their configuration items, captured ``at``."""
    handlers = {d.function_arn: d for d in deployed}
    config_rule = next(
        r
        for page in session.client("config").get_paginator("describe_config_rules").paginate()
        for r in page["ConfigRules"]
        if r["Source"].get("SourceIdentifier") in handlers and rule_of(r["ConfigRuleName"], [rule]) == rule
    )
    with ThreadPoolExecutor(max_workers=1) as pool:
        resources = collect([resource_type], SweepClients(session), pool, SilentProgress())
    selected = {resource_type: [c for c in resources.get(resource_type, []) if c.resource.resource_id in chosen]}
    handler = handlers[config_rule["Source"]["SourceIdentifier"]].lambda_handler()
    invoke(handler, config_rule, selected, account_id=account_id, region=session.region_name, now=at)


def _set_register(session: boto3.Session, register: dict[str, Any]) -> None:
    session.client("ssm").put_parameter(
        Name=environment.EXEMPTIONS_PARAMETER, Type="String", Value=json.dumps(register, indent=2), Overwrite=True
    )
    SHARED_EXEMPTION_REGISTERS.clear()  # the rules read the register again, as a new Lambda container would
