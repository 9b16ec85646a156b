"""The demo account: a regulated data-science environment and the violations found in real ones.

Built with ordinary boto3 calls against the embedded AWS (moto), exactly as an engineer would build
it in an account. Where moto starts from a different state than AWS, the builder makes up the
difference explicitly (see :func:`_as_aws_creates_it`) rather than letting a rule pass by accident.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import boto3

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
CENTRAL_LOG_BUCKET = "central-flow-logs-111122223333"
EXEMPTIONS_PARAMETER = "/smguard/exemptions"
EXEMPTION_TICKET = "SEC-1042"
EXEMPTION_DAYS = 90
ROLE_NAME = "ds-sagemaker-execution"
INTERFACE_SERVICES = ("sagemaker.api", "sagemaker.runtime", "sts", "logs")
GATEWAY_SERVICES = ("s3",)


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
    ec2, kms, s3 = session.client("ec2"), session.client("kms"), session.client("s3")
    sagemaker, iam, ssm = session.client("sagemaker"), session.client("iam"), session.client("ssm")

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
    env.key_arn = kms.create_key(Description="Data-science volumes and Studio storage")["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/data-science", TargetKeyId=env.key_arn)
    s3.create_bucket(Bucket=CENTRAL_LOG_BUCKET)

    # Reference: a private VPC, closed default group, endpoints for everything SageMaker needs, flow logs.
    env.private_vpc = _vpc(ec2, "10.10.0.0/16", "ds-private")
    env.private_subnets = [
        ec2.create_subnet(VpcId=env.private_vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.10.1.0/24", f"{REGION}a"), ("10.10.2.0/24", f"{REGION}b"))
    ]
    _close(ec2, _default_group(ec2, env.private_vpc))
    env.notebook_group = ec2.create_security_group(
        GroupName="ds-notebooks", Description="Notebooks and Studio apps", VpcId=env.private_vpc
    )["GroupId"]
    endpoint_group = ec2.create_security_group(
        GroupName="ds-endpoints", Description="Interface endpoints, HTTPS from the VPC", VpcId=env.private_vpc
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=endpoint_group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.10.0.0/16"}]}],
    )
    for service in INTERFACE_SERVICES:
        ec2.create_vpc_endpoint(
            VpcId=env.private_vpc,
            ServiceName=f"com.amazonaws.{REGION}.{service}",
            VpcEndpointType="Interface",
            SubnetIds=env.private_subnets,
            SecurityGroupIds=[endpoint_group],
            PrivateDnsEnabled=True,
        )
    route_table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [env.private_vpc]}])["RouteTables"][0]
    for service in GATEWAY_SERVICES:
        ec2.create_vpc_endpoint(
            VpcId=env.private_vpc,
            ServiceName=f"com.amazonaws.{REGION}.{service}",
            VpcEndpointType="Gateway",
            RouteTableIds=[route_table["RouteTableId"]],
        )
    created = ec2.create_flow_logs(
        ResourceIds=[env.private_vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{CENTRAL_LOG_BUCKET}",
        MaxAggregationInterval=60,
    )
    if created.get("Unsuccessful"):
        raise RuntimeError(f"CreateFlowLogs refused the reference flow log: {created['Unsuccessful']}")
    sagemaker.create_notebook_instance(
        NotebookInstanceName="ds-research",
        InstanceType="ml.t3.medium",
        RoleArn=role_arn,
        SubnetId=env.private_subnets[0],
        SecurityGroupIds=[env.notebook_group],
        KmsKeyId=env.key_arn,
        DirectInternetAccess="Disabled",
        RootAccess="Disabled",
    )
    sagemaker.create_model(
        ModelName="fraud-scoring",
        ExecutionRoleArn=role_arn,
        PrimaryContainer={"Image": f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com/fraud-scoring:3"},
        VpcConfig={"Subnets": env.private_subnets, "SecurityGroupIds": [env.notebook_group]},
        EnableNetworkIsolation=True,
    )
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
    variant = {"VariantName": "primary", "ModelName": "fraud-scoring", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}
    sagemaker.create_endpoint_config(EndpointConfigName="fraud-scoring-v3", ProductionVariants=[variant], KmsKeyId=env.key_arn)
    env.compliant_domain = _domain_id(
        sagemaker.create_domain(
            DomainName="ds-studio",
            AuthMode="IAM",
            AppNetworkAccessType="VpcOnly",
            VpcId=env.private_vpc,
            SubnetIds=env.private_subnets,
            KmsKeyId=env.key_arn,
            DefaultUserSettings={"ExecutionRole": role_arn, "SecurityGroups": [env.notebook_group]},
        )
    )

    # Violations, as found in real accounts.
    sagemaker.create_notebook_instance(
        NotebookInstanceName="ds-scratch", InstanceType="ml.t3.medium", RoleArn=role_arn, RootAccess="Enabled"
    )
    sagemaker.create_endpoint_config(EndpointConfigName="churn-v1", ProductionVariants=[{**variant, "VariantName": "churn"}])
    env.legacy_vpc = _vpc(ec2, "10.20.0.0/16", "legacy-analytics")
    env.legacy_subnet = ec2.create_subnet(VpcId=env.legacy_vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    env.public_domain = _domain_id(
        sagemaker.create_domain(
            DomainName="marketing-studio",
            AuthMode="IAM",
            AppNetworkAccessType="PublicInternetOnly",
            VpcId=env.legacy_vpc,
            SubnetIds=[env.legacy_subnet],
            KmsKeyId=env.key_arn,
            DefaultUserSettings={"ExecutionRole": role_arn},
        )
    )

    # An exempted resource: a GPU notebook that needs root until a golden image ships, approved centrally.
    sagemaker.create_notebook_instance(
        NotebookInstanceName="gpu-driver-build",
        InstanceType="ml.p3.2xlarge",
        RoleArn=role_arn,
        SubnetId=env.private_subnets[1],
        SecurityGroupIds=[env.notebook_group],
        KmsKeyId=env.key_arn,
        DirectInternetAccess="Disabled",
        RootAccess="Enabled",
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
                        "rule": "notebook_root_access",
                        "resource": f"arn:aws:sagemaker:{REGION}:{ACCOUNT_ID}:notebook-instance/gpu-driver-build",
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


def _delete_default_vpc(ec2: Any) -> None:
    """Regulated accounts delete the default VPC (public subnets, internet gateway); so does the demo."""
    for vpc in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]:
        for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]:
            ec2.delete_subnet(SubnetId=subnet["SubnetId"])
        for gateway in ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}]
        )["InternetGateways"]:
            ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=vpc["VpcId"])
            ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
        ec2.delete_vpc(VpcId=vpc["VpcId"])


def _vpc(ec2: Any, cidr: str, name: str) -> str:
    vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[_name_tag("vpc", name)])["Vpc"]["VpcId"]
    _as_aws_creates_it(ec2, _default_group(ec2, vpc_id))
    return vpc_id


def _default_group(ec2: Any, vpc_id: str) -> str:
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    return groups[0]["GroupId"]


def _as_aws_creates_it(ec2: Any, group_id: str) -> None:
    """AWS gives a new default group an ingress rule allowing all traffic from itself; moto gives none."""
    ec2.authorize_security_group_ingress(
        GroupId=group_id, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id}]}]
    )


def _close(ec2: Any, group_id: str) -> None:
    """Remove every rule of a default group, the control the vpc_default_sg rule checks."""
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    if group["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=_without_empty(group["IpPermissions"]))
    if group["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=_without_empty(group["IpPermissionsEgress"]))


def _without_empty(permissions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in p.items() if value != []} for p in permissions]


def _name_tag(resource_type: str, name: str) -> dict[str, Any]:
    return {"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}


def _domain_id(response: dict[str, Any]) -> str:
    return response["DomainArn"].rsplit("/", 1)[-1]


def rule_parameters(env: DemoEnvironment, rule_names: list[str]) -> dict[str, dict[str, str]]:
    """The InputParameters each Config rule is deployed with: the central register for all, plus the
    account's approved network and keys where a rule takes them."""
    specific = {
        "vpc_flow_logs": {"LogDestinations": f"arn:aws:s3:::{CENTRAL_LOG_BUCKET}"},
        "sagemaker_kms": {"RequireCustomerManagedKey": "true"},
    }
    return {name: {"ExemptionsParameterName": EXEMPTIONS_PARAMETER, **specific.get(name, {})} for name in rule_names}
