"""The mapping from Describe responses to AWS Config's recorded configuration, in each resource type's module."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import boto3
import pytest

from smguard.rules.vpc_default_sg.check import check as default_sg_check
from smguard.catalogue import discover
from smguard.engine import NoParameters
from smguard.resources import resource_types, types
from smguard.resources.types import domain, endpoint_config, model, notebook_instance, security_group, vpc
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import CollectedResource, SilentProgress
from smguard.sweep.collectors import UnsupportedResourceTypeError, collect
from smguard.sweep.evaluation import types_to_collect

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
ROLE = "arn:aws:iam::123456789012:role/ds-notebook"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_notebook_instance_renames_describe_fields_and_drops_api_only_ones():
    response = {
        "NotebookInstanceArn": "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/research",
        "NotebookInstanceName": "research",
        "NotebookInstanceStatus": "InService",
        "Url": "research.notebook.us-east-1.sagemaker.aws",
        "InstanceType": "ml.t3.medium",
        "SubnetId": "subnet-0a1b",
        "SecurityGroups": ["sg-0c1d"],
        "RoleArn": ROLE,
        "KmsKeyId": KEY,
        "NetworkInterfaceId": "eni-0e1f",
        "LastModifiedTime": WHEN,
        "CreationTime": WHEN,
        "NotebookInstanceLifecycleConfigName": "approved-lc",
        "DirectInternetAccess": "Disabled",
        "VolumeSizeInGB": 20,
        "RootAccess": "Disabled",
        "PlatformIdentifier": "notebook-al2-v2",
        "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }

    collected = CollectedResource(*notebook_instance.TYPE.recorded(response))

    assert collected.resource.resource_type == "AWS::SageMaker::NotebookInstance"
    assert collected.resource.resource_id == "research"
    assert collected.arn == "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/research"
    assert collected.resource.configuration == {
        "NotebookInstanceName": "research",
        "InstanceType": "ml.t3.medium",
        "RoleArn": ROLE,
        "KmsKeyId": KEY,
        "SubnetId": "subnet-0a1b",
        "SecurityGroupIds": ["sg-0c1d"],
        "LifecycleConfigName": "approved-lc",
        "DirectInternetAccess": "Disabled",
        "RootAccess": "Disabled",
        "VolumeSizeInGB": 20,
        "PlatformIdentifier": "notebook-al2-v2",
        "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
    }


def test_notebook_instance_leaves_properties_the_api_did_not_return_absent():
    response = {
        "NotebookInstanceName": "bare",
        "InstanceType": "ml.t3.medium",
        "RoleArn": ROLE,
        "DirectInternetAccess": "Enabled",
        "NotebookInstanceStatus": "Pending",
    }

    configuration = CollectedResource(*notebook_instance.TYPE.recorded(response)).resource.configuration

    assert configuration == {
        "NotebookInstanceName": "bare",
        "InstanceType": "ml.t3.medium",
        "RoleArn": ROLE,
        "DirectInternetAccess": "Enabled",
    }
    assert "RootAccess" not in configuration  # absent = Enabled, decided by the rule, not invented here


def test_endpoint_config_keeps_variants_and_drops_an_empty_data_capture_config():
    variants = [{"VariantName": "primary", "ModelName": "churn", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}]
    response = {
        "EndpointConfigName": "churn-ec",
        "EndpointConfigArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/churn-ec",
        "ProductionVariants": variants,
        "DataCaptureConfig": {},
        "CreationTime": WHEN,
    }

    collected = CollectedResource(*endpoint_config.TYPE.recorded(response))

    assert (collected.resource.resource_type, collected.resource.resource_id) == ("AWS::SageMaker::EndpointConfig", "churn-ec")
    assert collected.resource.configuration == {"EndpointConfigName": "churn-ec", "ProductionVariants": variants}


def test_domain_is_identified_by_its_domain_id():
    response = {
        "DomainArn": "arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc123",
        "DomainId": "d-abc123",
        "DomainName": "research",
        "Status": "InService",
        "AuthMode": "IAM",
        "AppNetworkAccessType": "VpcOnly",
        "DefaultUserSettings": {"ExecutionRole": ROLE, "SecurityGroups": ["sg-0c1d"]},
        "SubnetIds": ["subnet-0a1b"],
        "VpcId": "vpc-0123",
        "KmsKeyId": KEY,
        "Url": "https://d-abc123.studio.us-east-1.sagemaker.aws",
        "CreationTime": WHEN,
    }

    collected = CollectedResource(*domain.TYPE.recorded(response))

    assert (collected.resource.resource_type, collected.resource.resource_id) == ("AWS::SageMaker::Domain", "d-abc123")
    assert collected.resource.configuration == {
        "DomainArn": "arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc123",
        "DomainId": "d-abc123",
        "DomainName": "research",
        "AuthMode": "IAM",
        "AppNetworkAccessType": "VpcOnly",
        "DefaultUserSettings": {"ExecutionRole": ROLE, "SecurityGroups": ["sg-0c1d"]},
        "SubnetIds": ["subnet-0a1b"],
        "VpcId": "vpc-0123",
        "KmsKeyId": KEY,
        "Url": "https://d-abc123.studio.us-east-1.sagemaker.aws",
    }


def test_model_drops_an_empty_containers_list():
    response = {
        "ModelName": "churn",
        "ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/churn",
        "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"},
        "Containers": [],
        "ExecutionRoleArn": ROLE,
        "EnableNetworkIsolation": True,
        "CreationTime": WHEN,
    }

    collected = CollectedResource(*model.TYPE.recorded(response))

    assert collected.resource.resource_id == "churn"
    assert collected.resource.configuration == {
        "ModelName": "churn",
        "ExecutionRoleArn": ROLE,
        "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"},
        "EnableNetworkIsolation": True,
    }


DEFAULT_GROUP = {
    "GroupId": "sg-0default",
    "GroupName": "default",
    "Description": "default VPC security group",
    "OwnerId": "123456789012",
    "VpcId": "vpc-0123",
    "SecurityGroupArn": "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0default",
    "IpPermissions": [
        {
            "IpProtocol": "-1",
            "IpRanges": [],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [{"GroupId": "sg-0default", "UserId": "123456789012"}],
        }
    ],
    "IpPermissionsEgress": [
        {
            "IpProtocol": "-1",
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "all v6"}],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ],
    "Tags": [{"Key": "team", "Value": "platform"}],
}


def test_security_group_is_camel_cased_with_ipv4_ranges_recorded_twice():
    collected = CollectedResource(*security_group.TYPE.recorded(DEFAULT_GROUP))

    assert (collected.resource.resource_type, collected.resource.resource_id) == ("AWS::EC2::SecurityGroup", "sg-0default")
    assert collected.arn == "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0default"
    assert collected.resource.configuration == {
        "groupId": "sg-0default",
        "groupName": "default",
        "description": "default VPC security group",
        "ownerId": "123456789012",
        "vpcId": "vpc-0123",
        "securityGroupArn": "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0default",
        "tags": [{"key": "team", "value": "platform"}],
        "ipPermissions": [
            {
                "ipProtocol": "-1",
                "ipRanges": [],
                "ipv4Ranges": [],
                "ipv6Ranges": [],
                "prefixListIds": [],
                "userIdGroupPairs": [{"groupId": "sg-0default", "userId": "123456789012"}],
            }
        ],
        "ipPermissionsEgress": [
            {
                "ipProtocol": "-1",
                "ipRanges": ["0.0.0.0/0"],
                "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}],
                "ipv6Ranges": [{"cidrIpv6": "::/0", "description": "all v6"}],
                "prefixListIds": [],
                "userIdGroupPairs": [],
            }
        ],
    }


def test_a_mapped_default_group_is_what_the_rule_reads():
    """AWS's brand-new default group (self-referencing ingress, open egress) is NON_COMPLIANT through the mapping."""
    verdict = default_sg_check(CollectedResource(*security_group.TYPE.recorded(DEFAULT_GROUP)).resource, NoParameters(), None)

    assert verdict.compliance.value == "NON_COMPLIANT"
    assert verdict.annotation == (
        "The default security group sg-0default has 1 inbound and 2 outbound rule(s) (in: all traffic from "
        "sg-0default; out: all traffic to 0.0.0.0/0; out: all traffic to ::/0); remove them all and use "
        "dedicated security groups."
    )


def test_vpc_keeps_state_a_plain_string():
    described = {
        "VpcId": "vpc-0123",
        "CidrBlock": "10.20.0.0/16",
        "State": "available",
        "IsDefault": False,
        "OwnerId": "123456789012",
        "InstanceTenancy": "default",
        "DhcpOptionsId": "dopt-0a",
        "CidrBlockAssociationSet": [
            {"AssociationId": "vpc-cidr-assoc-0a", "CidrBlock": "10.20.0.0/16", "CidrBlockState": {"State": "associated"}}
        ],
    }

    collected = CollectedResource(vpc.TYPE.recorded(described))

    assert (collected.resource.resource_type, collected.resource.resource_id) == ("AWS::EC2::VPC", "vpc-0123")
    assert collected.resource.configuration == {
        "vpcId": "vpc-0123",
        "cidrBlock": "10.20.0.0/16",
        "state": "available",
        "isDefault": False,
        "ownerId": "123456789012",
        "instanceTenancy": "default",
        "dhcpOptionsId": "dopt-0a",
        "cidrBlockAssociationSet": [
            {"associationId": "vpc-cidr-assoc-0a", "cidrBlock": "10.20.0.0/16", "cidrBlockState": {"state": "associated"}}
        ],
    }


def test_every_resource_type_of_a_change_triggered_rule_is_defined():
    assert types_to_collect(discover()) - set(resource_types()) == set()


def test_a_type_without_collector_is_refused_by_name():
    clients = SweepClients(boto3.Session(region_name="us-east-1"))
    with ThreadPoolExecutor(max_workers=1) as pool, pytest.raises(UnsupportedResourceTypeError) as refused:
        collect(["AWS::SageMaker::NoSuchType"], clients, pool, SilentProgress())  # a name no type module can ever define

    assert str(refused.value) == f"no collector reads AWS::SageMaker::NoSuchType; supported: {', '.join(resource_types())}"


def test_a_type_module_that_defines_no_type_is_named(tmp_path, monkeypatch):
    """Types are found by convention: a module of smguard/resources/types without TYPE is an error, not skipped."""
    (tmp_path / "half_written.py").write_text('NAME = "AWS::SageMaker::Endpoint"\n')
    monkeypatch.setattr(types, "__path__", [str(tmp_path)])
    resource_types.cache_clear()
    try:
        with pytest.raises(TypeError) as refused:
            resource_types()
    finally:
        resource_types.cache_clear()
        sys.modules.pop("smguard.resources.types.half_written", None)

    assert str(refused.value) == "smguard.resources.types.half_written must define TYPE, an instance of its ResourceType subclass"
