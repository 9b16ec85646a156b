"""The real Lambda handler with AWS Config events, the resources created in the embedded AWS."""

from __future__ import annotations

import boto3
import pytest

from smguard import embedded
from smguard.demo.environment import DemoBase
from smguard.engine import InvalidRuleParameterError
from smguard.resources.types import data_quality_job_definition, model_bias_job_definition, monitoring_schedule
from smguard.rules.sagemaker_monitoring_network.app import lambda_handler
from tests.support.events import change_event, configuration_item

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def base(aws: None) -> DemoBase:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="monitoring", Description="monitoring jobs", VpcId=vpc)["GroupId"]
    return DemoBase("123456789012", "us-east-1", "arn:aws:iam::123456789012:role/ds", KEY, "ds-logs", vpc, [subnet], group)


def recorded_item(resource_type, name):
    """The resource as `smguard evaluate` reads it (Describe, the type's recorded shape), as a configuration item."""
    response = getattr(boto3.client("sagemaker"), resource_type.describe_operation)(**{resource_type.identifier: name})
    resource, _ = resource_type.recorded(response)
    return configuration_item(resource.resource_type, resource.resource_id, dict(resource.configuration))


def test_a_compliant_job_definition_in_approved_subnets_and_groups(posted, base):
    job = data_quality_job_definition.TYPE
    job.example(boto3.Session(), base, "fraud-data-quality", compliant=True, EndpointName="fraud")
    subnet, group = base.subnets[0], base.security_group

    lambda_handler(change_event(recorded_item(job, "fraud-data-quality"), parameters={"SubnetIds": subnet, "SecurityGroupIds": group}), None)

    assert posted.results() == [
        (job.name, "fraud-data-quality", "COMPLIANT",
         f"NetworkConfig isolates the job, encrypts traffic between its instances and places it in subnets {subnet} "
         f"with security groups {group} (approved).")
    ]


def test_a_job_definition_created_with_defaults_has_no_network_config(posted, base):
    job = model_bias_job_definition.TYPE
    job.example(boto3.Session(), base, "churn-bias", compliant=False, EndpointName="churn")

    lambda_handler(change_event(recorded_item(job, "churn-bias")), None)

    assert posted.results() == [
        (job.name, "churn-bias", "NON_COMPLIANT",
         "NetworkConfig is absent (no isolation, no encryption between instances, no VPC). Job definitions cannot be "
         "updated: create a new one with a NetworkConfig (CreateModelBiasJobDefinition) and schedule it.")
    ]


def test_an_inline_schedule_in_a_subnet_outside_the_allow_list(posted, base):
    embedded.install()
    monitoring_schedule.TYPE.example(boto3.Session(), base, "fraud-daily", compliant=True, EndpointName="fraud")

    lambda_handler(change_event(recorded_item(monitoring_schedule.TYPE, "fraud-daily"), parameters={"SubnetIds": "subnet-0ffffffffffffffff"}), None)

    assert posted.results() == [
        (monitoring_schedule.TYPE.name, "fraud-daily", "NON_COMPLIANT",
         f"MonitoringJobDefinition.NetworkConfig: VpcConfig.Subnets has {base.subnets[0]} not approved. Set approved "
         "subnets with UpdateMonitoringSchedule.")
    ]


def test_a_subnet_allow_list_entry_that_is_not_a_subnet_id_is_an_error(posted):
    item = configuration_item(monitoring_schedule.TYPE.name, "daily", monitoring_schedule.TYPE.sample)
    with pytest.raises(InvalidRuleParameterError, match="'SubnetIds': 'vpc-0a1b2c3d' is not a subnet id"):
        lambda_handler(change_event(item, parameters={"SubnetIds": "vpc-0a1b2c3d"}), None)
    assert posted.calls == []
