"""The same resources, deployed and scanned, get the same result and annotation from every rule.

The demo's regulated account (smguard/demo/environment.py) is built with boto3 in moto and
evaluated through ``smguard evaluate``'s Python API (collectors, the rules' gather_facts and
check, periodic rules' own sweep); tests/scan/templates/demo_account.yaml declares the same
resources and is scanned. Ids differ (``vpc-0ab...`` deployed, ``!Ref PrivateVpc`` in the
template), so both sides are normalised to logical ids before comparing.

Two differences are expected and asserted as such, not hidden:
- a VPC's default security group is created by AWS, not by the template: the scan reports it
  NOT_APPLICABLE (the template cannot decide it), the account reports its actual rules;
- moto records EnableNetworkIsolation as false whatever CreateModel asked (the demo says so in
  its notes), so the isolated model fraud-scoring is NON_COMPLIANT only on the deployed side;
- a template holds no DeliverLogsStatus, so the scan says the flow log's delivery was not checked
  where the account says it is delivering;
- CloudFormation has no resource type for a SageMaker job, so rules on job types (sagemaker_jobs)
  have results on the account only: every job the demo ran, without the window the Lambda run
  records on the account (``smguard evaluate`` reads every job, it has no window).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone

import boto3
import pytest

from smguard import embedded
from smguard.catalogue import discover
from smguard.demo.environment import CENTRAL_LOG_BUCKET, REGION, DemoEnvironment, build
from smguard.resources.facts.vpc_flow_logs import VPC_FLOW_LOGS
from smguard.resources.types import model as model_type
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import SilentProgress
from smguard.sweep.collectors import collect
from smguard.sweep.evaluation import evaluate, parse_settings, types_to_collect
from tests.scan.support import scan
from tests.support.declared import declaration, rules_on_jobs

RULE_PARAMETERS = {
    "vpc_flow_logs": {"LogDestinations": f"arn:aws:s3:::{CENTRAL_LOG_BUCKET}"},
    "sagemaker_kms": {"RequireCustomerManagedKey": "true"},
}
"""The demo's rule parameters (rule_parameters()), without the exemption register a scan does not read."""
NAMED = {
    "ds-research": "ResearchNotebook",
    "ds-scratch": "ScratchNotebook",
    "gpu-driver-build": "GpuDriverBuildNotebook",
    "fraud-scoring": "FraudScoringModel",
    "churn-experiment": "ChurnExperimentModel",
    "fraud-scoring-v3": "FraudScoringEndpointConfig",
    "churn-v1": "ChurnEndpointConfig",
    **{
        f"{team}-{kind}": f"{logical}{kind.title().replace('-', '')}Job"
        for team, logical in (("fraud-scoring", "FraudScoring"), ("churn", "Churn"))
        for kind in ("data-quality", "bias", "explainability", "quality")
    },
    "fraud-scoring-daily": "FraudScoringDailySchedule",
    "churn-daily": "ChurnDailySchedule",
    "fraud-scoring-weekly-quality": "FraudScoringWeeklyQualitySchedule",
    "fraud-scoring-shadow": "FraudScoringShadowTest",
    "churn-shadow": "ChurnShadowTest",
    "customer-features": "CustomerFeatureGroup",
    "marketing-features": "MarketingFeatureGroup",
    "genai-components": "GenAiComponentsEndpointConfig",
    "genai-sandbox": "GenAiSandboxEndpointConfig",
}
TEMPLATE_REFERENCE = re.compile(r"!(?:Ref|GetAtt) ([A-Za-z0-9]+)(?:\.[A-Za-z0-9]+)?")
Results = dict[tuple[str, str], tuple[str, str]]


@pytest.fixture
def deployed(aws) -> tuple[Results, DemoEnvironment, set[str]]:
    """Build the demo account and evaluate it; results keyed by (rule, logical id)."""
    embedded.install()  # the demo's monitoring schedules, shadow tests, feature stores and labeling jobs
    session = boto3.Session(region_name=REGION)
    env = build(session, date(2026, 11, 25))
    entries = discover()
    settings = {entry.name: parse_settings(entry, RULE_PARAMETERS.get(entry.name, {})) for entry in entries}
    clients = SweepClients(session)
    with ThreadPoolExecutor(max_workers=4) as pool:
        resources = collect(types_to_collect(entries), clients, pool, SilentProgress())
    rows = evaluate(entries, settings, resources, clients, datetime.now(timezone.utc))
    ids = _logical_ids(session.client("ec2"), env)
    defaults = {group for group, name in ids.items() if name.endswith(".DefaultSecurityGroup")}
    results = {(row.rule, ids.get(row.resource_id, row.resource_id)): (row.compliance, _replace(row.annotation, ids)) for row in rows}
    return results, env, defaults


def _logical_ids(ec2, env: DemoEnvironment) -> dict[str, str]:
    """Every id the account gave a resource -> the logical id of the same resource in the template."""
    ids = {
        env.key_arn: "DataScienceKey",
        env.private_vpc: "PrivateVpc",
        env.legacy_vpc: "LegacyVpc",
        env.private_subnets[0]: "PrivateSubnetA",
        env.private_subnets[1]: "PrivateSubnetB",
        env.legacy_subnet: "LegacySubnet",
        env.compliant_domain: "ResearchStudio",
        env.public_domain: "MarketingStudio",
        **NAMED,
    }
    for group in ec2.describe_security_groups()["SecurityGroups"]:
        vpc = ids.get(group.get("VpcId", ""))
        if group["GroupName"] == "default" and vpc:
            ids[group["GroupId"]] = f"{vpc}.DefaultSecurityGroup"
        elif group["GroupName"] in ("ds-notebooks", "ds-endpoints"):
            ids[group["GroupId"]] = {"ds-notebooks": "NotebookSecurityGroup", "ds-endpoints": "EndpointSecurityGroup"}[group["GroupName"]]
    for flow_log in ec2.describe_flow_logs()["FlowLogs"]:
        ids[flow_log["FlowLogId"]] = f"{ids[flow_log['ResourceId']]}FlowLog"
    return ids


def _replace(annotation: str, ids: Mapping[str, str]) -> str:
    for deployed_id in sorted(ids, key=len, reverse=True):
        if deployed_id not in NAMED:  # names are ids, not text to rewrite (fraud-scoring is in fraud-scoring-v3)
            annotation = annotation.replace(deployed_id, ids[deployed_id])
    return annotation


def scanned() -> Results:
    rows = scan("demo_account.yaml", params=RULE_PARAMETERS, region=REGION)
    return {(rule, logical_id): (result, TEMPLATE_REFERENCE.sub(r"\1", note)) for _, logical_id, rule, result, note in rows}


def _without(results: Results, keys: Iterable[tuple[str, str]]) -> Results:
    dropped = set(keys)
    return {key: value for key, value in results.items() if key not in dropped}


def test_deployed_and_scanned_results_agree(deployed: tuple[Results, DemoEnvironment, set[str]]) -> None:
    account, env, _ = deployed
    template = scanned()
    default_groups = [key for key in account.keys() | template.keys() if key[1].endswith(".DefaultSecurityGroup")]
    # The other two differences, for every rule they concern (found by what the rule reads, not by its name).
    models = [(entry.name, "FraudScoringModel") for entry in discover() if model_type.TYPE.name in entry.rule.resource_types]
    flow_logs = [(entry.name, "PrivateVpc") for entry in discover() if entry.rule.facts is VPC_FLOW_LOGS]
    model, flow_log = ("sagemaker_model_isolation", "FraudScoringModel"), ("vpc_flow_logs", "PrivateVpc")
    job_rules = rules_on_jobs()
    jobs = [key for key in account if key[0] in job_rules]
    differing = [*default_groups, *models, *flow_logs, *jobs]
    assert _without(account, differing) == _without(template, differing)
    # Every result on the demo's account, as each rule declares it in its folder (no exemption register here).
    every_result = sum(sum(declaration(entry.name).DEMO) for entry in discover() if entry.name not in job_rules)
    assert len(_without(account, differing)) == every_result - len([key for key in default_groups if key in account]) - len(models) - len(flow_logs)

    # The documented differences, exactly.
    assert not [key for key in template if key[0] in job_rules]
    for rule in job_rules:
        compliant, non_compliant, _window = declaration(rule).DEMO
        assert sorted(result for (name, _), (result, _) in account.items() if name == rule) == sorted(
            ["COMPLIANT"] * compliant + ["NON_COMPLIANT"] * non_compliant
        )
    assert {key: account[key][0] for key in default_groups if key in account} == {
        ("vpc_default_sg", "PrivateVpc.DefaultSecurityGroup"): "COMPLIANT",
        ("vpc_default_sg", "LegacyVpc.DefaultSecurityGroup"): "NON_COMPLIANT",
    }
    assert {key: template[key][0] for key in default_groups if key in template} == {
        ("vpc_default_sg", "PrivateVpc.DefaultSecurityGroup"): "NOT_APPLICABLE",
        ("vpc_default_sg", "LegacyVpc.DefaultSecurityGroup"): "NOT_APPLICABLE",
    }
    assert any("EnableNetworkIsolation as false" in note for note in env.notes)
    assert account[model] == (
        "NON_COMPLIANT",
        "EnableNetworkIsolation is false. Models are immutable: create a new one with EnableNetworkIsolation=true "
        "(CreateModel), then redeploy it (CreateEndpointConfig, UpdateEndpoint).",
    )
    logged = (
        "Flow log PrivateVpcFlowLog of PrivateVpc captures ALL traffic to arn:aws:s3:::central-flow-logs-111122223333, "
        "aggregated over at most 60s; it is ACTIVE"
    )
    assert account[flow_log] == ("COMPLIANT", f"{logged} and delivering.")
    assert template[flow_log] == ("COMPLIANT", f"{logged}; delivery is not checked (no DeliverLogsStatus).")
    assert template[model] == (
        "COMPLIANT",
        "EnableNetworkIsolation is true and VpcConfig places the container in subnets PrivateSubnetA (+1 more) with "
        "security groups NotebookSecurityGroup.",
    )


def test_agreement_is_not_vacuous(deployed: tuple[Results, DemoEnvironment, set[str]]) -> None:
    """Both sides hold every outcome the demo was built to show, so equal means something."""
    account, _, _ = deployed
    assert {result for result, _ in account.values()} == {"COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"}
    assert account[("vpc_flow_logs", "PrivateVpc")] == (
        "COMPLIANT",
        "Flow log PrivateVpcFlowLog of PrivateVpc captures ALL traffic to arn:aws:s3:::central-flow-logs-111122223333, "
        "aggregated over at most 60s; it is ACTIVE and delivering.",
    )
    assert account[("sagemaker_kms", "ResearchNotebook")] == (
        "COMPLIANT",
        "KmsKeyId is DataScienceKey, an enabled customer managed key.",
    )
