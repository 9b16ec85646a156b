"""What the demo tells: the environment it built, what it sent the rules, the dashboards."""

from __future__ import annotations

from collections.abc import Sequence

import boto3
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from smguard.cli.tables import rule_and_resource, styled_result
from smguard.demo import environment
from smguard.demo.dashboard import read_dashboard, render
from smguard.demo.pack_score import describe_score, read_score
from smguard.demo.remediation import RemediationRun
from smguard.demo.runner import RuleRun

def describe_environment(env: environment.DemoEnvironment) -> str:
    return "\n".join(
        [
            "[bold]Reference environment[/] (a regulated data-science account):",
            f"  - VPC {env.private_vpc} (ds-private), private subnets {', '.join(env.private_subnets)}",
            "  - endpoints: SageMaker API and runtime, STS, CloudWatch Logs (interface), S3 (gateway)",
            f"  - flow logs (ALL) to s3://{environment.CENTRAL_LOG_BUCKET}; default security group closed",
            f"  - KMS key {env.key_arn} (alias/data-science)",
            "  - notebook ds-research: KMS key, root disabled, no direct internet, in the VPC, Amazon Linux 2023, IMDSv2",
            "  - endpoint configuration fraud-scoring-v3 with the key; model fraud-scoring (image from the private registry)",
            "  - endpoint configuration genai-components for inference components: key, network isolation, in the VPC",
            f"  - Studio domain ds-studio ({env.compliant_domain}): VpcOnly, KMS key",
            "  - Model Monitor: fraud-scoring-{data-quality,bias,explainability,quality} job definitions and the schedule",
            "    fraud-scoring-daily (inline job): keys, network isolation, encryption between instances, in the VPC;",
            "    fraud-scoring-weekly-quality names its job definition",
            "  - feature group customer-features and shadow test fraud-scoring-shadow with the key",
            "  - a training, processing, transform, tuning, AutoML and labeling job (*-approved) with the keys, "
            "isolation, encryption and VPC the SCPs require",
            "[bold]Violations[/] (as found in real accounts):",
            "  - notebook ds-scratch: root access, direct internet, no KMS key, not in a VPC, old platform, IMDSv1",
            "  - endpoint configuration churn-v1 without a KMS key",
            "  - model churn-experiment: image from Amazon ECR, no VPC, no network isolation",
            "  - endpoint configuration genai-sandbox for inference components: no key, no isolation, no VPC, SSM shell",
            f"  - VPC {env.legacy_vpc} (legacy-analytics): open default security group, no flow logs, no endpoints",
            f"  - Studio domain marketing-studio ({env.public_domain}): PublicInternetOnly",
            "  - churn-{data-quality,bias,explainability,quality}, churn-daily, marketing-features, churn-shadow:",
            "    SageMaker's defaults (no keys, no network settings)",
            "  - the same six jobs run before the SCPs were attached (*-before-scp): none of it",
            f"[bold]Exemption[/] (central register, SSM {environment.EXEMPTIONS_PARAMETER}):",
            f"  - notebook gpu-driver-build keeps root access: ticket {environment.EXEMPTION_TICKET}, "
            f"until {env.exemption_expires.isoformat()}\n",
        ]
    )


def describe_runs(runs: Sequence[RuleRun], scope: str = "Account") -> str:
    changes = sum(run.change_notifications for run in runs)
    scheduled = sum(run.scheduled_notifications for run in runs)
    accounts = len({run.account_id for run in runs})
    rules = f"{len(runs)} Config rules" if accounts == 1 else f"{len(runs)} member-account Config rules in {accounts} accounts"
    return (
        f"Deployed template.yaml with DeploymentScope={scope}: its conformance pack created {rules}; invoked their Lambda handlers with "
        f"{changes} configuration-change and {scheduled} scheduled notifications, each with its result token; "
        "PutEvaluations stored the results.\n"
    )


def describe_remediations(fixes: Sequence[RemediationRun]) -> RenderableType:
    """What the operator's Remediate did: one row per resource, readable from 80 columns up."""
    if not fixes:
        return Text("Remediation: no NON_COMPLIANT resource of a rule with a remediation.\n")
    table = Table(
        title=(
            "Remediation (RemediationMode=Manual, the template's default): the operator pressed Remediate in the "
            "Config console for each NON_COMPLIANT resource whose fix interrupts no one; AWS Config ran the rule's "
            "runbook. Then every rule ran again."
        ),
        title_justify="left",
        show_lines=True,
    )
    table.add_column("Rule and resource", no_wrap=True)
    table.add_column("Runbook and result", overflow="fold")
    for fix in fixes:
        table.add_row(
            rule_and_resource(fix.rule, (fix.resource_id,)),
            Text.assemble(fix.runbook, "\n", styled_result(fix.state), f" ({fix.detail})"),
        )
    return table


def dashboard(session: boto3.Session, runs: Sequence[RuleRun], after: str | None = None) -> RenderableType:
    """The Config dashboard of ``session``'s account for the rules of ``runs`` (shown again ``after``
    something): the conformance pack's compliance score, then the rules."""
    config = session.client("config")
    statuses = read_dashboard(config, [run.config_rule_name for run in runs])
    account_id = session.client("sts").get_caller_identity()["Account"]
    return Group(
        describe_score(*read_score(config), statuses, after=after),
        render(statuses, account_id=account_id, region=session.region_name, after=after),
    )
