"""The pure check against endpoint configurations in the shape AWS Config records them (CloudFormation names)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from smguard.engine import Compliance, InvalidRuleParameterError, Resource
from smguard.rules.sagemaker_endpoint_isolation.check import SagemakerEndpointIsolationParameters, check

ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
SUBNET_A = "subnet-0a1b2c3d4e5f60718"
SUBNET_B = "subnet-0fedcba987654321f"
GROUP = "sg-0123456789abcdef0"
OTHER_GROUP = "sg-0aaaaaaaaaaaaaaa1"
FIX = "Endpoint configurations are immutable: create one with {needs} (CreateEndpointConfig), then switch the endpoint to it (UpdateEndpoint)."

COMPONENTS: dict[str, Any] = {
    "EndpointConfigName": "genai-components",
    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker-endpoint",
    "ProductionVariants": [
        {"VariantName": "AllTraffic", "InstanceType": "ml.g5.2xlarge", "InitialInstanceCount": 2, "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}}
    ],
    "EnableNetworkIsolation": True,
    "VpcConfig": {"Subnets": [SUBNET_A, SUBNET_B], "SecurityGroupIds": [GROUP]},
}
MODELS: dict[str, Any] = {
    "EndpointConfigName": "scoring-config-v3",
    "ProductionVariants": [
        {"VariantName": "primary", "ModelName": "scoring", "InstanceType": "ml.m5.large", "InitialInstanceCount": 2},
        {"VariantName": "challenger", "ModelName": "scoring-v4", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1},
    ],
}
COMPLIANT = (
    f"Inference components (AllTraffic) are network-isolated in subnets {SUBNET_A} (+1 more) with security groups "
    f"{GROUP}; no variant enables SSM access."
)


def components(**changes: object) -> dict:
    return {**copy.deepcopy(COMPONENTS), **changes}


def without(configuration: dict, *props: str) -> dict:
    return {key: value for key, value in configuration.items() if key not in props}


def evaluate(configuration: dict, **raw_parameters: str) -> tuple[Compliance, str]:
    parameters = SagemakerEndpointIsolationParameters.parse(raw_parameters)
    verdict = check(Resource(ENDPOINT_CONFIG, str(configuration.get("EndpointConfigName")), configuration), parameters)
    return verdict.compliance, verdict.annotation


# Inference components


def test_isolated_inference_components_in_a_vpc_are_compliant():
    assert evaluate(components()) == (Compliance.COMPLIANT, COMPLIANT)


def test_inference_components_without_isolation_or_vpc_report_both():
    assert evaluate(without(components(), "EnableNetworkIsolation", "VpcConfig")) == (
        Compliance.NON_COMPLIANT,
        "EnableNetworkIsolation is absent (defaults to false); VpcConfig is absent. "
        + FIX.format(needs="EnableNetworkIsolation=true and a VpcConfig"),
    )


@pytest.mark.parametrize(
    ("value", "shown"), [(False, "false"), ("true", '"true", not the boolean true'), (None, "null, not the boolean true"), (1, "1 (a number), not the boolean true")]
)
def test_isolation_that_is_not_exactly_true_is_non_compliant(value: object, shown: str) -> None:
    assert evaluate(components(EnableNetworkIsolation=value)) == (
        Compliance.NON_COMPLIANT,
        f"EnableNetworkIsolation is {shown}. " + FIX.format(needs="EnableNetworkIsolation=true"),
    )


@pytest.mark.parametrize(
    ("vpc_config", "finding"),
    [
        ({"SecurityGroupIds": [GROUP]}, "VpcConfig has no Subnets, so it places nothing"),
        ({"Subnets": [], "SecurityGroupIds": [GROUP]}, "VpcConfig has empty Subnets, so it places nothing"),
        ("vpc", 'VpcConfig is "vpc", not an object'),
    ],
)
def test_a_vpc_config_that_places_nothing_is_non_compliant(vpc_config: object, finding: str) -> None:
    assert evaluate(components(VpcConfig=vpc_config)) == (Compliance.NON_COMPLIANT, f"{finding}. " + FIX.format(needs="a VpcConfig"))


def test_unapproved_subnets_and_groups_are_named():
    assert evaluate(components(), SubnetIds=SUBNET_A, SecurityGroupIds=OTHER_GROUP) == (
        Compliance.NON_COMPLIANT,
        f"VpcConfig.Subnets has {SUBNET_B} not approved; VpcConfig.SecurityGroupIds has {GROUP} not approved. "
        "Endpoint configurations are immutable: recreate it (CreateEndpointConfig, UpdateEndpoint).",
    )


def test_approved_subnets_and_groups_are_said_to_be_approved():
    assert evaluate(components(), SubnetIds=f"{SUBNET_A},{SUBNET_B}", SecurityGroupIds=GROUP) == (
        Compliance.COMPLIANT,
        f"Inference components (AllTraffic) are network-isolated in subnets {SUBNET_A} (+1 more) with security groups "
        f"{GROUP} (approved); no variant enables SSM access.",
    )


@pytest.mark.parametrize("model", [None, "", 7])
def test_a_variant_whose_model_name_is_unreadable_is_held_to_what_inference_components_need(model: object) -> None:
    variants = [{"VariantName": "primary", "ModelName": model, "InstanceType": "ml.m5.large"}]
    assert evaluate({"ProductionVariants": variants}) == (
        Compliance.NON_COMPLIANT,
        "EnableNetworkIsolation is absent (defaults to false); VpcConfig is absent. "
        + FIX.format(needs="EnableNetworkIsolation=true and a VpcConfig"),
    )


def test_a_shadow_variant_without_a_model_makes_the_rule_apply():
    configuration = copy.deepcopy(MODELS) | {"ShadowProductionVariants": [{"VariantName": "shadow", "InstanceType": "ml.m5.large"}]}
    assert evaluate(configuration) == (
        Compliance.NON_COMPLIANT,
        "EnableNetworkIsolation is absent (defaults to false); VpcConfig is absent. "
        + FIX.format(needs="EnableNetworkIsolation=true and a VpcConfig"),
    )


@pytest.mark.parametrize(
    ("configuration", "finding"),
    [
        ({}, "ProductionVariants is absent, so the models it serves are unknown"),
        ({"ProductionVariants": []}, "ProductionVariants is empty, so the models it serves are unknown"),
        ({"ProductionVariants": {"VariantName": "a"}}, "ProductionVariants is {'VariantName': 'a'} (an object), so the models it serves are unknown"),
        ({"ProductionVariants": ["primary"]}, 'ProductionVariants[0] is "primary", not an object'),
        ({**MODELS, "ShadowProductionVariants": None}, "ShadowProductionVariants is null, so the models it serves are unknown"),
    ],
)
def test_unreadable_variants_are_never_compliant_or_not_applicable(configuration: dict, finding: str) -> None:
    isolated = configuration | {"EnableNetworkIsolation": True, "VpcConfig": COMPONENTS["VpcConfig"]}
    assert evaluate(isolated) == (Compliance.NON_COMPLIANT, f"{finding}. " + FIX.format(needs="readable ProductionVariants"))


# Variants that serve models


def test_a_configuration_whose_variants_all_serve_models_is_left_to_the_model_rule():
    assert evaluate(MODELS) == (
        Compliance.NOT_APPLICABLE,
        "Every variant serves a model (scoring (+1 more)), whose isolation sagemaker_model_isolation judges; "
        "no variant enables SSM access.",
    )


# SSM access


def test_ssm_access_on_a_model_variant_is_non_compliant():
    configuration = copy.deepcopy(MODELS)
    configuration["ProductionVariants"][1]["EnableSSMAccess"] = True
    assert evaluate(configuration) == (
        Compliance.NON_COMPLIANT,
        "EnableSSMAccess is true on challenger. " + FIX.format(needs="EnableSSMAccess off"),
    )


def test_ssm_access_is_reported_with_the_isolation_findings():
    configuration = components(EnableNetworkIsolation=False)
    configuration["ProductionVariants"][0]["EnableSSMAccess"] = True
    assert evaluate(configuration) == (
        Compliance.NON_COMPLIANT,
        "EnableNetworkIsolation is false; EnableSSMAccess is true on AllTraffic. "
        + FIX.format(needs="EnableNetworkIsolation=true and EnableSSMAccess off"),
    )


@pytest.mark.parametrize(("value", "shown"), [("true", '"true"'), (None, "null"), (1, "1 (a number)")])
def test_a_mistyped_ssm_access_is_never_passed(value: object, shown: str) -> None:
    configuration = copy.deepcopy(MODELS)
    configuration["ProductionVariants"][0]["EnableSSMAccess"] = value
    assert evaluate(configuration) == (
        Compliance.NON_COMPLIANT,
        f"primary.EnableSSMAccess is {shown}, not a boolean. " + FIX.format(needs="EnableSSMAccess off"),
    )


def test_ssm_access_off_is_fine():
    configuration = components()
    configuration["ProductionVariants"][0]["EnableSSMAccess"] = False
    assert evaluate(configuration) == (Compliance.COMPLIANT, COMPLIANT)


def test_allow_ssm_access_accepts_it_and_says_so():
    configuration = components()
    configuration["ProductionVariants"][0]["EnableSSMAccess"] = True
    assert evaluate(configuration, AllowSsmAccess="true") == (
        Compliance.COMPLIANT,
        f"Inference components (AllTraffic) are network-isolated in subnets {SUBNET_A} (+1 more) with security groups "
        f"{GROUP}; SSM access on AllTraffic is allowed (AllowSsmAccess).",
    )
    models = copy.deepcopy(MODELS)
    models["ProductionVariants"][0]["EnableSSMAccess"] = "yes"
    assert evaluate(models, AllowSsmAccess="true") == (
        Compliance.NOT_APPLICABLE,
        "Every variant serves a model (scoring (+1 more)), whose isolation sagemaker_model_isolation judges; "
        "EnableSSMAccess is not checked (AllowSsmAccess).",
    )


def test_a_variant_without_a_name_is_named_by_its_place():
    configuration = components()
    configuration["ProductionVariants"][0].pop("VariantName")
    configuration["ProductionVariants"][0]["EnableSSMAccess"] = True
    assert evaluate(configuration) == (
        Compliance.NON_COMPLIANT,
        "EnableSSMAccess is true on ProductionVariants[0]. " + FIX.format(needs="EnableSSMAccess off"),
    )


def test_parameters_are_validated():
    with pytest.raises(InvalidRuleParameterError, match="AllowSsmAccess"):
        SagemakerEndpointIsolationParameters.parse({"AllowSsmAccess": "sometimes"})
    with pytest.raises(InvalidRuleParameterError, match="SubnetIds"):
        SagemakerEndpointIsolationParameters.parse({"SubnetIds": "vpc-123"})
