"""The pure check against recorded-shape items of each type it evaluates."""

from __future__ import annotations

import copy

import pytest

from smguard.engine import Compliance, Resource, Verdict
from smguard.resources.base import SAMPLE_GROUP_ID, SAMPLE_SUBNET_ID
from smguard.resources.types import monitoring_schedule
from smguard.rules.sagemaker_monitoring_network.check import (
    JOB_DEFINITIONS,
    MONITORING_SCHEDULE,
    SagemakerMonitoringNetworkParameters,
    UnknownResourceTypeError,
    check,
)

ANY = SagemakerMonitoringNetworkParameters()
APPROVED = SagemakerMonitoringNetworkParameters(subnet_ids=(SAMPLE_SUBNET_ID,), security_group_ids=(SAMPLE_GROUP_ID,))
OTHER_SUBNET = "subnet-0ffffffffffffffff"
PLACED = f"subnets {SAMPLE_SUBNET_ID} with security groups {SAMPLE_GROUP_ID}"


def job(definition, **network):
    """The definition's sample with NetworkConfig replaced (or removed when ``network`` is empty)."""
    configuration = copy.deepcopy(definition.sample)
    del configuration["NetworkConfig"]
    if network:
        configuration["NetworkConfig"] = network
    return Resource(definition.name, definition.sample_id, configuration)


def schedule(**network):
    configuration = copy.deepcopy(monitoring_schedule.TYPE.sample)
    inline = configuration["MonitoringScheduleConfig"]["MonitoringJobDefinition"]
    del inline["NetworkConfig"]
    if network:
        inline["NetworkConfig"] = network
    return Resource(MONITORING_SCHEDULE, "daily", configuration)


@pytest.mark.parametrize("definition", JOB_DEFINITIONS, ids=lambda d: d.kind)
def test_an_isolated_encrypted_job_definition_in_a_vpc_is_compliant(definition):
    assert check(Resource(definition.name, definition.sample_id, definition.sample), APPROVED) == Verdict(
        Compliance.COMPLIANT,
        f"NetworkConfig isolates the job, encrypts traffic between its instances and places it in {PLACED} (approved).",
    )


@pytest.mark.parametrize("definition", JOB_DEFINITIONS, ids=lambda d: d.kind)
def test_a_job_definition_left_to_defaults_has_no_network_config(definition):
    assert check(job(definition), ANY) == Verdict(
        Compliance.NON_COMPLIANT,
        "NetworkConfig is absent (no isolation, no encryption between instances, no VPC). Job definitions cannot be "
        f"updated: create a new one with a NetworkConfig (Create{definition.kind}JobDefinition) and schedule it.",
    )


def test_every_finding_is_reported_with_the_short_fix_when_the_long_one_leaves_no_room():
    assert check(job(JOB_DEFINITIONS[3], EnableNetworkIsolation=False), ANY) == Verdict(
        Compliance.NON_COMPLIANT,
        "NetworkConfig: EnableNetworkIsolation is false; EnableInterContainerTrafficEncryption is absent (defaults to "
        "false); VpcConfig is absent. Job definitions cannot be updated: recreate it (CreateModelQualityJobDefinition).",
    )


def test_a_mistyped_flag_and_empty_subnets_are_reported_as_recorded():
    verdict = check(
        job(JOB_DEFINITIONS[0], EnableNetworkIsolation="true", EnableInterContainerTrafficEncryption=True, VpcConfig={"Subnets": []}),
        ANY,
    )
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        'NetworkConfig: EnableNetworkIsolation is "true", not the boolean true; VpcConfig has empty Subnets, so it places '
        "nothing. Job definitions cannot be updated: recreate it (CreateDataQualityJobDefinition).",
    )


def test_only_encryption_missing_names_what_the_new_definition_needs():
    network = {"EnableNetworkIsolation": True, "VpcConfig": {"Subnets": [SAMPLE_SUBNET_ID], "SecurityGroupIds": [SAMPLE_GROUP_ID]}}
    assert check(job(JOB_DEFINITIONS[1], **network), ANY) == Verdict(
        Compliance.NON_COMPLIANT,
        "NetworkConfig: EnableInterContainerTrafficEncryption is absent (defaults to false). Job definitions cannot be "
        "updated: create a new one with EnableInterContainerTrafficEncryption=true (CreateModelBiasJobDefinition) and "
        "schedule it.",
    )


def test_a_subnet_outside_the_allow_list_is_non_compliant_and_without_it_any_subnet_passes():
    network = {
        "EnableNetworkIsolation": True,
        "EnableInterContainerTrafficEncryption": True,
        "VpcConfig": {"Subnets": [OTHER_SUBNET], "SecurityGroupIds": [SAMPLE_GROUP_ID]},
    }
    definition = JOB_DEFINITIONS[2]
    assert check(job(definition, **network), APPROVED) == Verdict(
        Compliance.NON_COMPLIANT,
        f"NetworkConfig: VpcConfig.Subnets has {OTHER_SUBNET} not approved. Job definitions cannot be updated: create a "
        "new one with approved subnets (CreateModelExplainabilityJobDefinition) and schedule it.",
    )
    assert check(job(definition, **network), ANY) == Verdict(
        Compliance.COMPLIANT,
        "NetworkConfig isolates the job, encrypts traffic between its instances and places it in subnets "
        f"{OTHER_SUBNET} with security groups {SAMPLE_GROUP_ID}.",
    )


def test_security_groups_missing_under_an_allow_list_are_a_finding():
    network = {"EnableNetworkIsolation": True, "EnableInterContainerTrafficEncryption": True, "VpcConfig": {"Subnets": [SAMPLE_SUBNET_ID]}}
    assert check(job(JOB_DEFINITIONS[0], **network), APPROVED) == Verdict(
        Compliance.NON_COMPLIANT,
        "NetworkConfig: VpcConfig.SecurityGroupIds is absent. Job definitions cannot be updated: create a new one with "
        "valid VpcConfig.SecurityGroupIds (CreateDataQualityJobDefinition) and schedule it.",
    )


def test_an_inline_schedule_is_held_to_its_job_definitions_network():
    assert check(Resource(MONITORING_SCHEDULE, "daily", monitoring_schedule.TYPE.sample), ANY) == Verdict(
        Compliance.COMPLIANT,
        f"MonitoringJobDefinition.NetworkConfig isolates the job, encrypts traffic between its instances and places it in {PLACED}.",
    )
    assert check(schedule(EnableNetworkIsolation=False), ANY) == Verdict(
        Compliance.NON_COMPLIANT,
        "MonitoringJobDefinition.NetworkConfig: EnableNetworkIsolation is false; EnableInterContainerTrafficEncryption is "
        "absent (defaults to false); VpcConfig is absent. Update the schedule (UpdateMonitoringSchedule).",
    )


def test_an_inline_schedule_without_network_config_says_how_to_set_it():
    assert check(schedule(), ANY) == Verdict(
        Compliance.NON_COMPLIANT,
        "MonitoringJobDefinition.NetworkConfig is absent (no isolation, no encryption between instances, no VPC). Set a "
        "NetworkConfig with UpdateMonitoringSchedule.",
    )


def test_a_schedule_that_names_its_job_definition_is_not_applicable():
    named = Resource(MONITORING_SCHEDULE, "daily", {"MonitoringScheduleConfig": {"MonitoringJobDefinitionName": "dq-v2"}})
    assert check(named, APPROVED) == Verdict(
        Compliance.NOT_APPLICABLE,
        "MonitoringScheduleConfig names the job definition dq-v2 (MonitoringJobDefinitionName) instead of inlining one: "
        "the definition is evaluated on its own, and its NetworkConfig is where it must be set.",
    )


def test_a_schedule_configuration_that_is_not_an_object_is_non_compliant():
    assert check(Resource(MONITORING_SCHEDULE, "daily", {"MonitoringScheduleConfig": "daily"}), ANY) == Verdict(
        Compliance.NON_COMPLIANT,
        'MonitoringScheduleConfig is "daily", not an object. Set a NetworkConfig with UpdateMonitoringSchedule.',
    )


def test_a_type_it_does_not_evaluate_is_an_error_naming_it():
    with pytest.raises(UnknownResourceTypeError, match="sagemaker_monitoring_network does not evaluate AWS::SageMaker::Model;"):
        check(Resource("AWS::SageMaker::Model", "m", {}), ANY)
