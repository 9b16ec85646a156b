"""smguard.embedded.provision: a product template launched as CloudFormation creates it, and refused
where CloudFormation refuses it."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from smguard.embedded.provision import ProvisioningError, provision

PRODUCTS = Path(__file__).resolve().parents[2] / "products"
ACCOUNT = "123456789012"


@pytest.fixture
def session(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "product.yaml"
    path.write_text(text)
    return path


def test_an_import_no_earlier_launch_exported_is_refused(session):
    with pytest.raises(ProvisioningError, match="No export named SagemakerEnv-PrivateSubnet1Id found"):
        provision(session, PRODUCTS / "sagemaker-notebook.yaml", stack_name="SC-nb", account_id=ACCOUNT, parameters={"NotebookInstanceName": "nb"})


def test_the_environment_closes_its_default_group_with_its_own_custom_resource_and_cuts_its_subnets(session):
    session.client("s3").create_bucket(Bucket="central-flow-logs-111122223333")
    stack = provision(session, PRODUCTS / "data-science-environment.yaml", stack_name="SC-env", account_id=ACCOUNT, parameters={"VpcCidr": "10.40.0.0/16"})
    ec2 = session.client("ec2")
    vpc = stack.exports["SagemakerEnv-VpcId"]
    (default,) = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    assert (default["IpPermissions"], default["IpPermissionsEgress"]) == ([], [])
    subnets = ec2.describe_subnets(SubnetIds=[stack.exports[f"SagemakerEnv-PrivateSubnet{n}Id"] for n in (1, 2, 3)])["Subnets"]
    assert sorted(subnet["CidrBlock"] for subnet in subnets) == ["10.40.0.0/24", "10.40.1.0/24", "10.40.2.0/24"]
    assert {subnet["MapPublicIpOnLaunch"] for subnet in subnets} == {False}
    assert len(ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["VpcEndpoints"]) == 11
    assert stack.physical_ids["ClosedDefaultSecurityGroup"] == default["GroupId"]


FAILING_CUSTOM_RESOURCE = """
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code:
        ZipFile: |
          import cfnresponse
          def handler(event, context):
              cfnresponse.send(event, context, cfnresponse.FAILED, {}, "x", reason="the group is gone")
  Custom:
    Type: Custom::Thing
    Properties:
      ServiceToken: !GetAtt Function.Arn
"""


def test_a_custom_resource_that_answers_failed_fails_the_launch(session, tmp_path):
    with pytest.raises(ProvisioningError, match=r"Custom: the custom resource failed \(the group is gone\)"):
        provision(session, write(tmp_path, FAILING_CUSTOM_RESOURCE), stack_name="SC-x", account_id=ACCOUNT)


def test_a_resource_that_needs_a_type_the_embedded_aws_does_not_create_is_refused(session, tmp_path):
    template = """
Resources:
  Domain:
    Type: AWS::CodeArtifact::Domain
    Properties: {DomainName: data-science}
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      Tags: [{Key: Name, Value: !GetAtt Domain.Name}]
"""
    with pytest.raises(ProvisioningError, match="Vpc needs Domain, which the embedded AWS does not create"):
        provision(session, write(tmp_path, template), stack_name="SC-x", account_id=ACCOUNT)
