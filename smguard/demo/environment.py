"""The demo account: a regulated data-science environment and the violations found in real ones.

The narrative only: a shared base (role, key, central log bucket, a private VPC with its subnets
and a group for SageMaker) is built here, and each resource on it is asked of its type
(:mod:`smguard.resources.types`) or fact kind (:mod:`smguard.resources.facts`), compliant or not;
how each is created is its type's knowledge. Built with ordinary boto3 calls against the embedded
AWS (moto), exactly as an engineer would build it in an account; where moto starts from a
different state than AWS (a VPC's default group), the type makes up the difference explicitly
rather than letting a rule pass by accident.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import boto3

from smguard.demo import monitoring
from smguard.resources.facts.kms_keys import KMS_KEYS
from smguard.resources.facts.vpc_endpoints import VPC_ENDPOINTS
from smguard.resources.types import (
    auto_ml_job,
    domain,
    endpoint_config,
    hyper_parameter_tuning_job,
    labeling_job,
    model,
    notebook_instance,
    processing_job,
    security_group,
    training_job,
    transform_job,
    vpc,
)

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
CENTRAL_LOG_BUCKET = "central-flow-logs-111122223333"
EXEMPTIONS_PARAMETER = "/smguard/exemptions"
EXEMPTION_TICKET = "SEC-1042"
EXEMPTION_DAYS = 90
ROLE_NAME = "ds-sagemaker-execution"
EXEMPT_RULE = "notebook_root_access"
EXEMPT_NOTEBOOK = "gpu-driver-build"
"""The central register's one exemption: this rule does not judge this notebook (NOT_APPLICABLE)."""


@dataclass(frozen=True)
class DemoBase:
    """What every example shares: the account, the execution role, the key, the central log
    bucket, and the private network SageMaker resources are placed in."""

    account_id: str
    region: str
    role_arn: str
    key_arn: str
    log_bucket: str
    vpc_id: str = ""
    subnets: list[str] = field(default_factory=list)
    security_group: str = ""


@dataclass
class DemoEnvironment:
    """The ids of what was built, for the narrative and the tests."""

    key_arn: str = ""
    private_vpc: str = ""
    private_subnets: list[str] = field(default_factory=list)
    notebook_group: str = ""
    legacy_vpc: str = ""
    legacy_subnet: str = ""
    compliant_domain: str = ""
    public_domain: str = ""
    exemption_expires: date = date.min
    notes: list[str] = field(default_factory=list)
    """What moto cannot show as AWS would, said in the output."""


def build(session: boto3.Session, today: date) -> DemoEnvironment:
    """Create the reference environment and the violations in ``session``'s account and region."""
    env = DemoEnvironment()
    ec2, s3, iam, ssm = session.client("ec2"), session.client("s3"), session.client("iam"), session.client("ssm")

    _delete_default_vpc(ec2)
    role_arn = iam.create_role(
        RoleName=ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
    )["Role"]["Arn"]
    env.key_arn = KMS_KEYS.example(session, "alias/data-science")
    try:
        s3.create_bucket(Bucket=CENTRAL_LOG_BUCKET)
    except s3.exceptions.BucketAlreadyExists:  # in an organization, the first account built created the central one
        pass
    base = DemoBase(ACCOUNT_ID, REGION, role_arn, env.key_arn, CENTRAL_LOG_BUCKET)

    # Reference: a private VPC, closed default group, endpoints for everything SageMaker needs, flow logs.
    env.private_vpc = vpc.TYPE.example(session, base, "ds-private", compliant=True, CidrBlock="10.10.0.0/16")
    env.private_subnets = [
        ec2.create_subnet(VpcId=env.private_vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.10.1.0/24", f"{REGION}a"), ("10.10.2.0/24", f"{REGION}b"))
    ]
    security_group.TYPE.example(session, base, "default", compliant=True, VpcId=env.private_vpc)
    env.notebook_group = ec2.create_security_group(
        GroupName="ds-notebooks", Description="Notebooks and Studio apps", VpcId=env.private_vpc
    )["GroupId"]
    base = DemoBase(ACCOUNT_ID, REGION, role_arn, env.key_arn, CENTRAL_LOG_BUCKET, env.private_vpc, env.private_subnets, env.notebook_group)
    VPC_ENDPOINTS.example(session, base, env.private_vpc, env.private_subnets)
    notebook_instance.TYPE.example(session, base, "ds-research", compliant=True)
    model.TYPE.example(session, base, "fraud-scoring", compliant=True)
    env.notes.append(
        "moto 5.2.5 records EnableNetworkIsolation as false whatever CreateModel asked, so the model "
        "fraud-scoring (created with isolation on) is reported without it."
    )
    env.notes.append(
        "moto gives a new default security group no ingress rule; AWS gives it an all-traffic ingress rule from "
        "itself. The demo adds that rule to each new VPC's default group, so both start as in AWS."
    )
    env.notes.append(
        "moto has no AWS managed KMS keys (aws/sagemaker), so RequireCustomerManagedKey is only shown "
        "passing here; the rule's tests cover an AWS managed key."
    )
    endpoint_config.TYPE.example(session, base, "fraud-scoring-v3", compliant=True, ModelName="fraud-scoring")
    endpoint_config.TYPE.example(session, base, "genai-components", compliant=True, ModelName=None)
    env.compliant_domain = domain.TYPE.example(session, base, "ds-studio", compliant=True)
    monitoring.build(session, base)  # Model Monitor jobs, a feature store and a shadow test, compliant and not

    # Violations, as found in real accounts.
    notebook_instance.TYPE.example(session, base, "ds-scratch", compliant=False)
    endpoint_config.TYPE.example(session, base, "churn-v1", compliant=False, ModelName="fraud-scoring")
    model.TYPE.example(session, base, "churn-experiment", compliant=False)
    endpoint_config.TYPE.example(session, base, "genai-sandbox", compliant=False, ModelName=None)
    env.legacy_vpc = vpc.TYPE.example(session, base, "legacy-analytics", compliant=False, CidrBlock="10.20.0.0/16")
    env.legacy_subnet = ec2.create_subnet(VpcId=env.legacy_vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    env.public_domain = domain.TYPE.example(
        session, base, "marketing-studio", compliant=False, VpcId=env.legacy_vpc, SubnetIds=[env.legacy_subnet]
    )

    _jobs(session, base)

    # An exempted resource: a GPU notebook that needs root until a golden image ships, approved centrally.
    notebook_instance.TYPE.example(
        session, base, EXEMPT_NOTEBOOK, compliant=True, InstanceType="ml.p3.2xlarge", SubnetId=base.subnets[1], RootAccess="Enabled"
    )
    env.exemption_expires = today + timedelta(days=EXEMPTION_DAYS)
    ssm.put_parameter(
        Name=EXEMPTIONS_PARAMETER,
        Type="String",
        Value=json.dumps(
            {
                "version": 1,
                "exemptions": [
                    {
                        "rule": EXEMPT_RULE,
                        "resource": f"arn:aws:sagemaker:{REGION}:{ACCOUNT_ID}:notebook-instance/{EXEMPT_NOTEBOOK}",
                        "reason": "CUDA driver build needs root until the golden GPU image ships.",
                        "ticket": EXEMPTION_TICKET,
                        "approver": "cloud-security@example.com",
                        "expires": env.exemption_expires.isoformat(),
                    }
                ],
            },
            indent=2,
        ),
    )
    return env


JOBS = {
    "fraud-train": training_job.TYPE,
    "fraud-features": processing_job.TYPE,
    "fraud-batch-score": transform_job.TYPE,
    "fraud-tune": hyper_parameter_tuning_job.TYPE,
    "churn-automl": auto_ml_job.TYPE,
    "claims-labels": labeling_job.TYPE,
}
"""One job of each kind sagemaker_jobs reads, by the stem of its names."""


def _jobs(session: boto3.Session, base: DemoBase) -> None:
    """Each kind of job twice: as the SCPs require it (``-approved``), and as it ran before they were
    attached (``-before-scp``: no keys, no isolation, no encryption, no VPC)."""
    for stem, job_type in JOBS.items():
        job_type.example(session, base, f"{stem}-approved", compliant=True)
        job_type.example(session, base, f"{stem}-before-scp", compliant=False)


def _delete_default_vpc(ec2: Any) -> None:
    """Regulated accounts delete the default VPC (public subnets, internet gateway); so does the demo."""
    for default in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]:
        for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default["VpcId"]]}])["Subnets"]:
            ec2.delete_subnet(SubnetId=subnet["SubnetId"])
        for gateway in ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [default["VpcId"]]}]
        )["InternetGateways"]:
            ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=default["VpcId"])
            ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
        ec2.delete_vpc(VpcId=default["VpcId"])


STACK_PARAMETERS = {"FlowLogRemediationDestinationArn": f"arn:aws:s3:::{CENTRAL_LOG_BUCKET}"}
"""Template parameters of the demo's stack beyond the rules' own: flow-log remediation delivers to
the central bucket the vpc_flow_logs rule requires."""


def rule_parameters(env: DemoEnvironment, rule_names: list[str]) -> dict[str, dict[str, str]]:
    """The InputParameters each Config rule is deployed with: the central register for all, plus the
    account's approved network and keys where a rule takes them."""
    specific = {
        "vpc_flow_logs": {"LogDestinations": f"arn:aws:s3:::{CENTRAL_LOG_BUCKET}"},
        "sagemaker_kms": {"RequireCustomerManagedKey": "true"},
    }
    return {name: {"ExemptionsParameterName": EXEMPTIONS_PARAMETER, **specific.get(name, {})} for name in rule_names}
