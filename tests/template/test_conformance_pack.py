"""The conformance pack: one constant template within AWS Config's limits, every value a deployment
chooses passed as an input parameter, the same pack in both modes, after what it needs exists."""

from __future__ import annotations

import yaml

from smguard.catalogue import discover
from smguard.deploy.conformance_pack import (
    INPUT_PARAMETER_VALUE_MAX_LENGTH,
    INPUT_PARAMETERS_MAX,
    TEMPLATE_BODY_MAX_BYTES,
    PackLimitError,
    check_limits,
)
from smguard.deploy.naming import CONFORMANCE_PACK_NAME, camel, names
from tests.template.conftest import MODE_PARAMETERS, OPTIONAL_FEATURES, pack_body
from tests.template.intrinsics import Resolver

ENTRIES = discover()
PACKS = {"Account": "ConformancePack", "Organization": "OrganizationConformancePack"}


def test_the_pack_fits_aws_configs_limits(template):
    body_bytes = len(pack_body(template).encode())
    counts = {key: len(template["Resources"][key]["Properties"]["ConformancePackInputParameters"]) for key in PACKS.values()}
    assert body_bytes <= TEMPLATE_BODY_MAX_BYTES, f"TemplateBody is {body_bytes:,} bytes, AWS Config allows {TEMPLATE_BODY_MAX_BYTES:,}"
    assert max(counts.values()) <= INPUT_PARAMETERS_MAX, f"input parameters {counts}, AWS Config allows {INPUT_PARAMETERS_MAX}"


def test_the_limits_stop_the_generator_naming_the_numbers():
    import pytest

    with pytest.raises(PackLimitError, match="51,201 bytes, over AWS Config's 51,200-byte"):
        check_limits("x" * 51_201, 1)
    with pytest.raises(PackLimitError, match="61 input parameters, over AWS Config's 60"):
        check_limits("x", 61)


def test_each_mode_deploys_its_pack_named_smguard_and_not_the_other(template):
    for mode, logical_id in PACKS.items():
        resolved = Resolver(template, MODE_PARAMETERS[mode])
        assert {key: resolved.resource_exists(key) for key in PACKS.values()} == {
            key: key == logical_id for key in PACKS.values()
        }
    properties = {key: template["Resources"][key]["Properties"] for key in PACKS.values()}
    assert properties["ConformancePack"]["ConformancePackName"] == CONFORMANCE_PACK_NAME
    assert properties["OrganizationConformancePack"]["OrganizationConformancePackName"] == CONFORMANCE_PACK_NAME
    organization = Resolver(template, {**MODE_PARAMETERS["Organization"], **OPTIONAL_FEATURES})
    assert organization.resolve(properties["OrganizationConformancePack"])["ExcludedAccounts"] == ["444455556666"]


def test_the_template_text_is_a_constant_and_every_pack_parameter_is_given(template):
    body = pack_body(template)
    assert isinstance(body, str)  # no intrinsic function: nothing a user gives is written into it
    declared = set(yaml.safe_load(body)["Parameters"])
    for logical_id in PACKS.values():
        given = [item["ParameterName"] for item in template["Resources"][logical_id]["Properties"]["ConformancePackInputParameters"]]
        assert sorted(given) == sorted(declared), logical_id
    assert {f"{camel(entry.name)}FunctionArn" for entry in ENTRIES} <= declared
    assert {"ExemptionsParameterName", "ExecutionRoleName", "RemediationMode", "AutomaticRemediationThatInterruptsUsers"} <= declared


def test_the_longest_values_a_deployment_can_give_fit_an_input_parameter(template):
    for logical_id in PACKS.values():
        for item in template["Resources"][logical_id]["Properties"]["ConformancePackInputParameters"]:
            value = item["ParameterValue"]
            if isinstance(value, dict) and "Ref" in value:
                declared = template["Parameters"][value["Ref"]]
                longest = max((len(str(v)) for v in declared["AllowedValues"]), default=0) if "AllowedValues" in declared else declared.get("MaxLength")
                if declared["Type"] == "Number":
                    longest = len(str(declared["MaxValue"]))
                assert longest is not None and longest <= INPUT_PARAMETER_VALUE_MAX_LENGTH, item["ParameterName"]


def test_the_pack_declares_every_rule_and_its_remediation_by_the_rules_declared_name(template):
    resources = yaml.safe_load(pack_body(template))["Resources"]
    assert {kind["Type"] for kind in resources.values()} == {"AWS::Config::ConfigRule", "AWS::Config::RemediationConfiguration"}
    rules = {r["Properties"]["ConfigRuleName"] for r in resources.values() if r["Type"] == "AWS::Config::ConfigRule"}
    assert rules == {names(entry.name).config_rule for entry in ENTRIES}
    fixed = {r["Properties"]["ConfigRuleName"] for r in resources.values() if r["Type"] == "AWS::Config::RemediationConfiguration"}
    assert fixed == {names(entry.name).config_rule for entry in ENTRIES if entry.rule.remediation}


def test_the_packs_wait_for_the_permissions_config_invokes_the_functions_with(template):
    for logical_id, permission in (("ConformancePack", "ConfigPermission"), ("OrganizationConformancePack", "OrganizationPermission")):
        assert {f"{camel(entry.name)}{permission}" for entry in ENTRIES} <= set(template["Resources"][logical_id]["DependsOn"])


def test_no_standalone_rule_or_remediation_is_left_in_the_stack(template):
    kinds = {resource["Type"] for resource in template["Resources"].values()}
    assert not kinds & {"AWS::Config::ConfigRule", "AWS::Config::OrganizationConfigRule", "AWS::Config::RemediationConfiguration"}
