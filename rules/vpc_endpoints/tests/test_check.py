"""The pure check of vpc_endpoints over recorded VPC items and DescribeVpcEndpoints-shaped facts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from smguard.rules.vpc_endpoints.check import FIX, VpcEndpointsParameters
from smguard.rules.vpc_endpoints.check import check as check_vpc
from smguard.engine import Compliance, InvalidRuleParameterError, MissingFactError, Resource, Verdict
from smguard.resources.ec2 import group_by_vpc

VPC_ID = "vpc-0a1b2c3d4e5f60718"
REGION = "us-east-1"


def check(resource: Resource, parameters: Any, endpoints: list[dict[str, Any]], region: str | None) -> Verdict:
    """The rule's check for one VPC, given that VPC's endpoints and the region of its item."""
    return check_vpc(replace(resource, region=region), parameters, {resource.resource_id: endpoints})


def vpc(state: Any = "available", vpc_id: str = VPC_ID) -> Resource:
    """A VPC as AWS Config records it (EC2 API shape, camelCase)."""
    return Resource(
        "AWS::EC2::VPC",
        vpc_id,
        {
            "cidrBlock": "10.20.0.0/16",
            "dhcpOptionsId": "dopt-0f1e2d3c4b5a69788",
            "state": state,
            "vpcId": vpc_id,
            "ownerId": "123456789012",
            "instanceTenancy": "default",
            "cidrBlockAssociationSet": [
                {"associationId": "vpc-cidr-assoc-01", "cidrBlock": "10.20.0.0/16", "cidrBlockState": {"state": "associated"}}
            ],
            "isDefault": False,
            "tags": [],
        },
    )


def endpoint(suffix: str, endpoint_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A DescribeVpcEndpoints entry: an available Interface endpoint with private DNS (Gateway for s3)."""
    gateway = suffix == "s3"
    entry = {
        "VpcEndpointId": endpoint_id or f"vpce-{suffix.replace('.', '-')}",
        "VpcEndpointType": "Gateway" if gateway else "Interface",
        "VpcId": VPC_ID,
        "ServiceName": f"com.amazonaws.{REGION}.{suffix}",
        "State": "available",
        "PolicyDocument": '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
        "RouteTableIds": ["rtb-0123456789abcdef0"] if gateway else [],
        "SubnetIds": [] if gateway else ["subnet-0123456789abcdef0"],
        "Groups": [] if gateway else [{"GroupId": "sg-0123456789abcdef0", "GroupName": "endpoints"}],
        "PrivateDnsEnabled": not gateway,
        "RequesterManaged": False,
        "NetworkInterfaceIds": [] if gateway else ["eni-0123456789abcdef0"],
        "DnsEntries": [],
        "CreationTimestamp": "2026-11-01T08:00:00+00:00",
        "Tags": [],
        "OwnerId": "123456789012",
    }
    entry.update(overrides)
    return {key: value for key, value in entry.items() if value is not None}


ALL_DEFAULT = [endpoint(s) for s in ("sagemaker.api", "sagemaker.runtime", "sts", "logs", "s3")]


def params(**raw: str) -> VpcEndpointsParameters:
    return VpcEndpointsParameters.parse(raw)


def without(suffix: str) -> list[dict[str, Any]]:
    return [e for e in ALL_DEFAULT if not e["ServiceName"].endswith(f".{suffix}")]


DEFAULT_SERVICES = "sagemaker.api, sagemaker.runtime, sts, logs, s3"


def served(services: str = DEFAULT_SERVICES) -> Verdict:
    """The COMPLIANT verdict of VPC_ID when every one of ``services`` has a usable endpoint."""
    return Verdict(
        Compliance.COMPLIANT,
        f"VPC {VPC_ID} has an available endpoint (Interface with private DNS, or Gateway) for {services}.",
    )


def test_a_vpc_with_every_default_service_is_compliant() -> None:
    verdict = check(vpc(), params(), ALL_DEFAULT, REGION)
    assert verdict.compliance is Compliance.COMPLIANT
    assert verdict.annotation == (
        f"VPC {VPC_ID} has an available endpoint (Interface with private DNS, or Gateway) for sagemaker.api, "
        "sagemaker.runtime, sts, logs, s3."
    )


def test_a_vpc_without_endpoints_lacks_every_default_service() -> None:
    verdict = check(vpc(), params(), [], REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == (
        f"VPC {VPC_ID} lacks usable endpoints: sagemaker.api (none), sagemaker.runtime (none), sts (none), "
        f"logs (none), s3 (none). {FIX}"
    )


def test_a_missing_service_is_named() -> None:
    verdict = check(vpc(), params(), without("sts"), REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == f"VPC {VPC_ID} lacks usable endpoints: sts (none). {FIX}"


@pytest.mark.parametrize("state", ["pending", "pendingAcceptance", "Pending", "deleting", "failed", "rejected"])
def test_an_endpoint_that_is_not_available_does_not_count(state: str) -> None:
    endpoints = [*without("logs"), endpoint("logs", State=state)]
    verdict = check(vpc(), params(), endpoints, REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == f"VPC {VPC_ID} lacks usable endpoints: logs (vpce-logs is {state}). {FIX}"


@pytest.mark.parametrize("state", [None, 1, {"value": "available"}], ids=["absent", "number", "object"])
def test_an_endpoint_without_a_state_name_does_not_count(state: Any) -> None:
    endpoints = [*without("logs"), endpoint("logs", State=state)]
    verdict = check(vpc(), params(), endpoints, REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == f"VPC {VPC_ID} lacks usable endpoints: logs (vpce-logs is in no state). {FIX}"


def test_the_state_is_compared_without_regard_to_case() -> None:
    endpoints = [*without("logs"), endpoint("logs", State="Available")]
    assert check(vpc(), params(), endpoints, REGION) == served()


def test_an_interface_endpoint_with_private_dns_off_does_not_count() -> None:
    endpoints = [*without("sagemaker.api"), endpoint("sagemaker.api", PrivateDnsEnabled=False)]
    verdict = check(vpc(), params(), endpoints, REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == (
        f"VPC {VPC_ID} lacks usable endpoints: sagemaker.api (vpce-sagemaker-api has private DNS off). {FIX}"
    )


def test_an_interface_endpoint_without_the_private_dns_flag_is_taken_as_off() -> None:
    endpoints = [*without("sts"), endpoint("sts", PrivateDnsEnabled=None)]
    verdict = check(vpc(), params(), endpoints, REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == f"VPC {VPC_ID} lacks usable endpoints: sts (vpce-sts has private DNS off). {FIX}"


def test_a_gateway_endpoint_counts_without_private_dns() -> None:
    endpoints = [*without("s3"), endpoint("s3", VpcEndpointType="Gateway", PrivateDnsEnabled=False)]
    assert check(vpc(), params(), endpoints, REGION) == served()


def test_an_s3_interface_endpoint_needs_private_dns_like_any_interface() -> None:
    s3_interface = endpoint("s3", VpcEndpointType="Interface", PrivateDnsEnabled=False)
    verdict = check(vpc(), params(), [*without("s3"), s3_interface], REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == f"VPC {VPC_ID} lacks usable endpoints: s3 (vpce-s3 has private DNS off). {FIX}"
    s3_interface["PrivateDnsEnabled"] = True
    assert check(vpc(), params(), [*without("s3"), s3_interface], REGION) == served()


def test_other_endpoint_types_do_not_serve_the_service() -> None:
    odd = endpoint("sts", VpcEndpointType="GatewayLoadBalancer")
    verdict = check(vpc(), params(), [*without("sts"), odd], REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == f"VPC {VPC_ID} lacks usable endpoints: sts (vpce-sts is a GatewayLoadBalancer endpoint). {FIX}"


def test_one_usable_endpoint_is_enough_and_every_unusable_one_is_explained() -> None:
    broken = [
        endpoint("sts", "vpce-0002", State="pending", PrivateDnsEnabled=False),
        endpoint("sts", "vpce-0001", PrivateDnsEnabled=False),
    ]
    verdict = check(vpc(), params(), [*without("sts"), *broken], REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == (
        f"VPC {VPC_ID} lacks usable endpoints: sts (vpce-0001 has private DNS off; vpce-0002 is pending and has "
        f"private DNS off). {FIX}"
    )
    assert check(vpc(), params(), [*without("sts"), *broken, endpoint("sts", "vpce-0003")], REGION) == served()


def test_suffixes_match_exactly() -> None:
    look_alikes = [
        endpoint("sagemaker.api-fips", "vpce-fips"),
        endpoint("s3express", "vpce-s3express", VpcEndpointType="Gateway"),
        endpoint("sagemaker.api", "vpce-notebook", ServiceName=f"aws.sagemaker.{REGION}.notebook"),
    ]
    verdict = check(vpc(), params(RequiredServices="sagemaker.api,s3"), look_alikes, REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == f"VPC {VPC_ID} lacks usable endpoints: sagemaker.api (none), s3 (none). {FIX}"


def test_a_fips_endpoint_can_be_required_by_its_own_suffix() -> None:
    fips = endpoint("sagemaker.api-fips", "vpce-fips")
    assert check(vpc(), params(RequiredServices="sagemaker.api-fips"), [fips], REGION) == served("sagemaker.api-fips")


def test_china_service_names_with_either_prefix_match() -> None:
    china = [
        endpoint("sts", ServiceName="cn.com.amazonaws.cn-north-1.sts"),
        endpoint("s3", ServiceName="com.amazonaws.cn-north-1.s3"),
    ]
    assert check(vpc(), params(RequiredServices="sts,s3"), china, "cn-north-1") == served("sts, s3")


def test_govcloud_service_names_match() -> None:
    gov = [endpoint("sts", ServiceName="com.amazonaws.us-gov-west-1.sts")]
    assert check(vpc(), params(RequiredServices="sts"), gov, "us-gov-west-1") == served("sts")


def test_an_endpoint_to_another_region_does_not_serve_this_one() -> None:
    remote = endpoint("sts", ServiceName="com.amazonaws.us-west-2.sts", ServiceRegion="us-west-2")
    verdict = check(vpc(), params(RequiredServices="sts"), [remote], REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == f"VPC {VPC_ID} lacks usable endpoints: sts (vpce-sts is for region us-west-2). {FIX}"


def test_a_global_service_name_without_a_region_matches_its_suffix() -> None:
    iam = endpoint("iam", ServiceName="com.amazonaws.iam")
    assert check(vpc(), params(RequiredServices="iam"), [iam], REGION) == served("iam")


def test_without_a_known_region_any_region_is_accepted() -> None:
    remote = endpoint("sts", ServiceName="com.amazonaws.us-west-2.sts")
    assert check(vpc(), params(RequiredServices="sts"), [remote], None) == served("sts")


def test_endpoints_of_another_vpc_are_ignored() -> None:
    foreign = endpoint("sts", VpcId="vpc-0ffffffffffffffff")
    verdict = check(vpc(), params(RequiredServices="sts"), [foreign], REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert verdict.annotation == f"VPC {VPC_ID} lacks usable endpoints: sts (none). {FIX}"


def test_a_vpc_outside_vpc_ids_is_not_applicable() -> None:
    verdict = check(vpc(), params(VpcIds="vpc-0123456789abcdef0, vpc-0fedcba9876543210"), [], REGION)
    assert verdict.compliance is Compliance.NOT_APPLICABLE
    assert verdict.annotation == f"VPC {VPC_ID} is not in VpcIds; this rule checks only the VPCs listed there."


def test_a_vpc_in_vpc_ids_is_evaluated() -> None:
    verdict = check(vpc(), params(VpcIds=f"vpc-0123456789abcdef0,{VPC_ID}", RequiredServices="sts"), [], REGION)
    assert verdict == Verdict(Compliance.NON_COMPLIANT, f"VPC {VPC_ID} lacks usable endpoints: sts (none). {FIX}")


@pytest.mark.parametrize("state", ["pending", {"value": "pending"}, "deleting"])
def test_a_vpc_not_yet_or_no_longer_available_is_not_applicable(state: Any) -> None:
    verdict = check(vpc(state=state), params(), [], REGION)
    assert verdict.compliance is Compliance.NOT_APPLICABLE
    shown = state["value"] if isinstance(state, dict) else state
    assert verdict.annotation == f"VPC {VPC_ID} is {shown}; it is evaluated once available."


@pytest.mark.parametrize("state", ["available", {"value": "available"}])
def test_either_state_shape_of_an_available_vpc_is_evaluated(state: Any) -> None:
    assert check(vpc(state=state), params(), ALL_DEFAULT, REGION) == served()


def test_an_overflowing_list_keeps_the_fix_and_counts_the_rest() -> None:
    services = ",".join(f"service{n}.with-a-long-name" for n in range(8))
    verdict = check(vpc(), params(RequiredServices=services), [], REGION)
    assert verdict.compliance is Compliance.NON_COMPLIANT
    assert len(verdict.annotation) <= 256
    assert verdict.annotation == (
        f"VPC {VPC_ID} lacks usable endpoints: service0.with-a-long-name (none), service1.with-a-long-name (none) "
        f"(+6 more). {FIX}"
    )


def test_grouping_by_vpc() -> None:
    entries = [endpoint("sts", "vpce-1", VpcId="vpc-1"), endpoint("s3", "vpce-2", VpcId="vpc-9"), endpoint("logs", "vpce-3", VpcId="vpc-1"), endpoint("sts", "vpce-4", VpcId=["vpc-1"])]
    grouped = group_by_vpc(entries, "VpcId", ["vpc-1", "vpc-2"])
    assert {k: [e["VpcEndpointId"] for e in v] for k, v in grouped.items()} == {"vpc-1": ["vpce-1", "vpce-3"], "vpc-2": []}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"RequiredServices": "com.amazonaws.us-east-1.sts"}, "rule parameter 'RequiredServices': 'com.amazonaws.us-east-1.sts' is not a service-name suffix"),
        ({"RequiredServices": "cn.com.amazonaws.cn-north-1.sts"}, "rule parameter 'RequiredServices': 'cn.com.amazonaws.cn-north-1.sts' is not a service-name suffix"),
        ({"RequiredServices": "sts,,s3"}, "rule parameter 'RequiredServices': 'sts,,s3' has an empty item"),
        ({"RequiredServices": "STS"}, "rule parameter 'RequiredServices': 'STS' is not a service-name suffix"),
        ({"VpcIds": "my-vpc"}, "rule parameter 'VpcIds': 'my-vpc' is not a VPC id"),
        ({"VpcId": VPC_ID}, "rule parameter 'VpcId': unknown parameter"),
    ],
)
def test_malformed_parameters_are_rejected_by_name(raw: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidRuleParameterError) as raised:
        VpcEndpointsParameters.parse(raw)
    assert str(raised.value).startswith(message)


def test_parameter_defaults() -> None:
    assert VpcEndpointsParameters.parse({}) == VpcEndpointsParameters(
        ("sagemaker.api", "sagemaker.runtime", "sts", "logs", "s3"), None
    )


@pytest.mark.parametrize("facts", [None, {"vpc-other": []}])
def test_endpoints_that_were_not_gathered_are_a_missing_fact_not_a_verdict(facts: Any) -> None:
    with pytest.raises(MissingFactError, match=f"the VPC endpoints of {VPC_ID} were not gathered"):
        check_vpc(vpc(), params(), facts)
