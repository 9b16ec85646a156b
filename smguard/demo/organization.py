"""The demo organization: template.yaml deployed in organization mode, as a security team runs it.

AWS Config Developer Guide ("Managing AWS Config rules across all accounts in your organization",
"Using delegated admin for AWS Config") and AWS Organizations User Guide: the management account
creates the organization and the accounts, enables trusted access for AWS Config
(``config-multiaccountsetup.amazonaws.com`` for organization rules and conformance packs,
``config.amazonaws.com`` for aggregators) and registers the security account as delegated
administrator for both. The security account deploys the stack with ``DeploymentScope=Organization``:
the rule functions run there, the organization conformance pack puts its copy
``OrgConformsPack-smguard-<suffix>`` and its rules in every account but the excluded management
account, and an organization aggregator collects their results. The template's StackSet creates the
execution role and the remediation roles in each account: the embedded deployment creates its stack
instances in the accounts the demo built.

Each workload account gets the demo's reference environment and violations
(:func:`smguard.demo.environment.build`) and the month of compliance history the account demo plays
(:mod:`smguard.demo.history`); every account's Config delivers its history files to a central bucket
of the security account, under the organization's id. Organization mode reads the exemption register with the
functions' own role, in the security account, so the security team's register there holds the
exemptions of every workload account (:func:`_organization_register`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

import boto3

from smguard.catalogue import discover
from smguard.demo import environment
from smguard.demo.accounts import AccountCredentials, assumed_credentials, operator_credentials
from smguard.demo.history import deliver_history, enable_config, history_bucket, play_history
from smguard.demo.runner import RuleRun, run_rules
from smguard.embedded.organizations import AGGREGATOR_SERVICE_PRINCIPAL, ORGANIZATION_RULES_SERVICE_PRINCIPAL
from smguard.embedded.stack import deploy_config_rules, smguard_template, stack_parameters
from smguard.engine.handler import SHARED_CLIENTS
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS

SECURITY_ACCOUNT_NAME = "security"
WORKLOAD_ACCOUNT_NAMES = ("data-science-prod", "data-science-dev")
AGGREGATOR = "smguard-organization"
AGGREGATOR_ROLE = "smguard-config-aggregator"
EXECUTION_ROLE_PARAMETER = "ExecutionRoleName"


@dataclass(frozen=True)
class DemoOrganization:
    """What was built, for the announcement and the narrative."""

    organization_id: str
    management_account_id: str
    security: AccountCredentials
    """The deploying account, and an access key of it."""
    workloads: dict[str, str]
    """Account name -> id of the member accounts with SageMaker and VPC resources."""
    sessions: dict[str, boto3.Session]
    """Account id -> a session acting in it, for every account holding the member rules."""
    runs: list[RuleRun]


def build_organization(management: boto3.Session, now: datetime) -> DemoOrganization:
    """Create the organization, deploy template.yaml's organization conformance pack from the security account
    with an organization aggregator, and invoke every member account's rules.

    ``management`` acts in the account that becomes the management account. Afterwards this process's
    environment credentials are the security account's, as the rule functions run there.
    """
    region = management.region_name
    management_account_id = management.client("sts").get_caller_identity()["Account"]
    organizations = management.client("organizations")
    organization_id = organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root_id = organizations.list_roots()["Roots"][0]["Id"]
    security_id = _create_account(organizations, SECURITY_ACCOUNT_NAME)
    workloads = {name: _create_account(organizations, name) for name in WORKLOAD_ACCOUNT_NAMES}
    for principal in (ORGANIZATION_RULES_SERVICE_PRINCIPAL, AGGREGATOR_SERVICE_PRINCIPAL):
        organizations.enable_aws_service_access(ServicePrincipal=principal)
        organizations.register_delegated_administrator(AccountId=security_id, ServicePrincipal=principal)

    sessions = {account_id: assumed_credentials(management, account_id).session(region) for account_id in workloads.values()}
    environments = [environment.build(session, now.date()) for session in sessions.values()]
    now = max(now, datetime.now(timezone.utc))  # the rules run once it is built: its SageMaker jobs were created before
    security_credentials = operator_credentials(assumed_credentials(management, security_id).session(region), security_id)
    security = sessions[security_id] = security_credentials.session(region)
    _organization_register(security, {account_id: sessions[account_id] for account_id in workloads.values()})
    parameters = _organization_parameters(environments[0], organization_id, root_id, management_account_id)

    _act_as(security_credentials)
    # The StackSet targets the root: every account but the management account gets its stack instance.
    deployed = deploy_config_rules(security, parameters, account_id=security_id, stack_set_accounts=sessions)
    security.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName=AGGREGATOR,
        OrganizationAggregationSource={"RoleArn": _aggregator_role(security), "AllAwsRegions": True},
    )
    # Config on in every account, delivering to the security account's central bucket; the month played in each workload.
    security.client("s3").create_bucket(Bucket=history_bucket(security_id))
    for account_id, session in sorted(sessions.items()):
        enable_config(session, account_id, history_bucket(security_id), organization_id)
    built = dict(zip(workloads.values(), environments))
    play_history({account_id: (sessions[account_id], env) for account_id, env in built.items()}, security, deployed, now)
    runs = [run for account_id, session in sorted(sessions.items()) for run in run_rules(session, deployed, account_id=account_id, now=now)]
    deliver_history(sorted(sessions), now)
    return DemoOrganization(organization_id, management_account_id, security_credentials, workloads, sessions, runs)


def _create_account(organizations: object, name: str) -> str:
    status = organizations.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]  # type: ignore[attr-defined]
    if status["State"] != "SUCCEEDED":
        raise RuntimeError(f"CreateAccount {name}: {status['State']} ({status.get('FailureReason', 'no reason given')})")
    return str(status["AccountId"])


def _organization_register(security: boto3.Session, workloads: Mapping[str, boto3.Session]) -> None:
    """The central register in the security account: each workload account's exemptions, for its resources.

    :func:`environment.build` writes its register into the account it builds, naming the resources
    in ``environment.ACCOUNT_ID``, the single-account demo's account; in the organization they
    are the workload account's (an ARN's fifth field is its account).
    """
    exemptions = []
    for account_id, session in sorted(workloads.items()):
        written = session.client("ssm").get_parameter(Name=environment.EXEMPTIONS_PARAMETER)["Parameter"]["Value"]
        register = json.loads(written)
        for exemption in register["exemptions"]:
            fields = exemption["resource"].split(":", 5)
            if fields[4] != environment.ACCOUNT_ID:
                raise RuntimeError(f"the demo environment's exemption {exemption['resource']} is not in {environment.ACCOUNT_ID}")
            exemptions.append({**exemption, "resource": ":".join([*fields[:4], account_id, fields[5]])})
    security.client("ssm").put_parameter(
        Name=environment.EXEMPTIONS_PARAMETER,
        Type="String",
        Value=json.dumps({**register, "exemptions": exemptions}, indent=2),
    )


def _organization_parameters(
    env: environment.DemoEnvironment, organization_id: str, root_id: str, management_account_id: str
) -> dict[str, str]:
    """The stack parameters of the organization deployment: the demo's rule parameters, the
    organization, its root as StackSet target, and the management account excluded, as the
    template's ExcludedAccounts advises when the stack runs in a delegated administrator."""
    entries = discover()
    wanted = environment.rule_parameters(env, [entry.name for entry in entries])
    declared = smguard_template().document["Parameters"]
    return {
        **stack_parameters(wanted, entries),
        "DeploymentScope": "Organization",
        "OrganizationId": organization_id,
        "StackSetTargetOuIds": root_id,
        "ExcludedAccounts": management_account_id,
        EXECUTION_ROLE_PARAMETER: str(declared[EXECUTION_ROLE_PARAMETER]["Default"]),
    }


def _aggregator_role(session: boto3.Session) -> str:
    """The role an organization aggregator reads the organization with (AWS Config Developer Guide,
    "Setting up an aggregator": trusted by config.amazonaws.com)."""
    return str(session.client("iam").create_role(
        RoleName=AGGREGATOR_ROLE,
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            }
        ),
    )["Role"]["Arn"])


def _act_as(credentials: AccountCredentials) -> None:
    """This process's credentials become ``credentials``: the rule functions run in the security account."""
    os.environ["AWS_ACCESS_KEY_ID"] = credentials.access_key_id
    os.environ["AWS_SECRET_ACCESS_KEY"] = credentials.secret_access_key
    os.environ.pop("AWS_SESSION_TOKEN", None)
    SHARED_CLIENTS.clear()
    SHARED_EXEMPTION_REGISTERS.clear()
