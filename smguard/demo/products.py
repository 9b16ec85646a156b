"""The demo's self-service part: a data-science team account where only the Service Catalog products
of products/ are launched, judged by the same rules (docs/products.md).

The demo account becomes the management account of an organization and creates the team's account
(as in :mod:`smguard.demo.organization`); the team launches, in order, the data-science environment,
the notebook, the Studio domain and a Studio user, each provisioned as CloudFormation creates it
(:mod:`smguard.embedded.provision`); template.yaml's account rules are deployed there with the demo's
rule parameters (a customer managed key required, flow logs to the central bucket) and every rule is
invoked as Config invokes it. Every result must be COMPLIANT, or NOT_APPLICABLE where the rule does
not judge the resource (a security group that is not a VPC's default group).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import boto3
from rich.console import Group, RenderableType
from rich.text import Text

from smguard.catalogue import discover
from smguard.cli.tables import ResultRow, results_table, short_type
from smguard.demo import environment
from smguard.demo.accounts import assumed_credentials
from smguard.demo.dashboard import read_dashboard
from smguard.demo.environment import _delete_default_vpc as delete_default_vpc
from smguard.demo.organization import _act_as as act_as
from smguard.demo.organization import _create_account as create_account
from smguard.demo.runner import RuleRun, run_rules
from smguard.deploy.portfolio import PRODUCTS_DIR
from smguard.embedded.provision import ProvisionedStack, provision
from smguard.embedded.stack import deploy_config_rules, stack_parameters

TEAM_ACCOUNT_NAME = "data-science-team"
LAUNCHES: tuple[tuple[str, dict[str, str]], ...] = (
    ("data-science-environment", {}),
    ("sagemaker-notebook", {"NotebookInstanceName": "team-notebook"}),
    ("sagemaker-studio", {}),
    ("sagemaker-studio-user", {"UserProfileName": "alice"}),
)
"""What the team launches, in the order the products' imports need (docs/products.md)."""
EXPECTED_RESULTS = frozenset({"COMPLIANT", "NOT_APPLICABLE"})


@dataclass(frozen=True)
class LaunchedProducts:
    account_id: str
    session: boto3.Session
    """Acts in the team account."""
    stacks: dict[str, ProvisionedStack]
    runs: list[RuleRun]


def launch_and_evaluate(management: boto3.Session, now: datetime) -> LaunchedProducts:
    """Create the team account, launch the products there, deploy and run the rules there.

    Afterwards this process's environment credentials are the team account's, where the rule
    functions ran."""
    s3 = management.client("s3")
    try:  # the central log archive the environment's flow logs deliver to; the demo account's build made it
        s3.create_bucket(Bucket=environment.CENTRAL_LOG_BUCKET)
    except (s3.exceptions.BucketAlreadyExists, s3.exceptions.BucketAlreadyOwnedByYou):
        pass
    organizations = management.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    account_id = create_account(organizations, TEAM_ACCOUNT_NAME)
    credentials = assumed_credentials(management, account_id)
    session = credentials.session(management.region_name)
    delete_default_vpc(session.client("ec2"))  # AWS creates a new account with one; regulated accounts delete it
    stacks: dict[str, ProvisionedStack] = {}
    exports: dict[str, str] = {}
    for index, (product, parameters) in enumerate(LAUNCHES):
        stack = provision(
            session,
            PRODUCTS_DIR / f"{product}.yaml",
            stack_name=f"SC-{account_id}-pp-{index + 1:013d}",
            account_id=account_id,
            parameters=parameters,
            imports=exports,
        )
        stacks[product] = stack
        exports.update(stack.exports)
    entries = discover()
    demo_values = environment.rule_parameters(environment.DemoEnvironment(), [entry.name for entry in entries])
    # The team account holds no exemption register: no exemption applies to what a product creates.
    wanted = {name: {key: value for key, value in values.items() if key != "ExemptionsParameterName"} for name, values in demo_values.items()}
    act_as(credentials)
    deployed = deploy_config_rules(session, {"DeploymentScope": "Account", **stack_parameters(wanted, entries)}, account_id=account_id)
    return LaunchedProducts(account_id, session, stacks, run_rules(session, deployed, account_id=account_id, now=now))


def describe_launches(launched: LaunchedProducts) -> str:
    lines = [f"[bold]Self-service products[/] (products/), launched in the team account {launched.account_id} ({TEAM_ACCOUNT_NAME}):"]
    for product, stack in launched.stacks.items():
        created = len(stack.physical_ids)
        skipped = f"; not created by the embedded AWS: {', '.join(sorted(set(stack.skipped.values())))}" if stack.skipped else ""
        lines.append(f"  - {product}: {created} resource(s) created{skipped}")
    return "\n".join(lines)


def results(launched: LaunchedProducts) -> list[ResultRow]:
    """Every result of every rule in the team account."""
    statuses = read_dashboard(launched.session.client("config"), [run.config_rule_name for run in launched.runs])
    rows = [
        ResultRow(status.rule, (short_type(result.resource_type), result.resource_id), result.compliance, result.annotation)
        for status in statuses
        for result in status.results
    ]
    # By rule, type and result, not by the generated ids: the same order in every run.
    return sorted(rows, key=lambda row: (row.rule, row.resource[0], row.result, row.resource[1]))


def render(rows: list[ResultRow]) -> RenderableType:
    unexpected = [row for row in rows if row.result not in EXPECTED_RESULTS]
    verdict = (
        Text(f"Every result on what the products created is COMPLIANT or NOT_APPLICABLE ({len(rows)} results).")
        if not unexpected
        else Text(f"{len(unexpected)} result(s) on what the products created are neither COMPLIANT nor NOT_APPLICABLE.", style="bold red")
    )
    return Group(results_table("Rules on the launched products (the team account)", rows), verdict)
