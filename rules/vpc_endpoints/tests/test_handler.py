"""vpc_endpoints through its real Lambda handler: VPCs and endpoints in moto, scheduled events.

moto lacks GetComplianceDetailsByConfigRule and returns every list in one page, so the results
AWS Config already holds, and paged list responses where paging matters, come from
:class:`tests.support.events.PagedListing` on a botocore ``before-call`` hook. moto creates every
endpoint ``available`` and reports PrivateDnsEnabled true for Gateway endpoints (AWS reports
false); pending endpoints and gateway DNS flags are covered by the check's tests.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3
import pytest

from smguard.rules.vpc_endpoints.app import lambda_handler
from smguard.rules.vpc_endpoints.check import FIX
from smguard.engine import InvalidRuleParameterError
from smguard.engine.cleanup import GONE_ANNOTATION
from smguard.engine.handler import SHARED_CLIENTS
from tests.support.events import PagedListing, evaluation_result, scheduled_event

VPC = "AWS::EC2::VPC"
REGION = "us-east-1"
DEFAULT_SERVICES = ("sagemaker.api", "sagemaker.runtime", "sts", "logs", "s3")
COMPLIANT = "has an available endpoint (Interface with private DNS, or Gateway) for sagemaker.api, sagemaker.runtime, sts, logs, s3."


@pytest.fixture
def ec2(aws):
    return boto3.client("ec2")


def new_vpc(ec2: Any, cidr: str = "10.0.0.0/16") -> tuple[str, str]:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"))["Subnet"]["SubnetId"]
    return vpc, subnet


def add_endpoint(ec2: Any, vpc: str, subnet: str, suffix: str, **settings: Any) -> str:
    gateway = suffix == "s3" and settings.get("VpcEndpointType", "Gateway") == "Gateway"
    return ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{REGION}.{suffix}",
        VpcEndpointType="Gateway" if gateway else "Interface",
        **({} if gateway else {"SubnetIds": [subnet]}),
        **{k: v for k, v in settings.items() if k != "VpcEndpointType"},
    )["VpcEndpoint"]["VpcEndpointId"]


def equipped_vpc(ec2: Any, cidr: str = "10.0.0.0/16") -> str:
    vpc, subnet = new_vpc(ec2, cidr)
    for suffix in DEFAULT_SERVICES:
        add_endpoint(ec2, vpc, subnet, suffix)
    return vpc


def default_vpc(ec2: Any) -> str:
    (vpc,) = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]]
    return vpc


def old_results(results: list[dict[str, Any]], page_size: int = 100) -> PagedListing:
    """Serve ``results`` as the rule's recorded results (moto lacks GetComplianceDetailsByConfigRule)."""
    listing = PagedListing("EvaluationResults", results, page_size)
    SHARED_CLIENTS.client("config").meta.events.register(
        "before-call.config-service.GetComplianceDetailsByConfigRule", listing
    )
    return listing


NO_ENDPOINTS = (
    "lacks usable endpoints: sagemaker.api (none), sagemaker.runtime (none), sts (none), logs (none), s3 (none). "
    f"{FIX}"
)


def test_every_vpc_is_reported_and_a_gone_vpc_is_retired_but_not_another_type(ec2, posted):
    equipped = equipped_vpc(ec2)
    bare, _ = new_vpc(ec2, "10.1.0.0/16")
    old_results([
        evaluation_result(VPC, bare),
        evaluation_result(VPC, "vpc-0000000000000dead", "COMPLIANT"),
        evaluation_result("AWS::EC2::SecurityGroup", "vpc-0000000000000dead"),
    ])
    lambda_handler(scheduled_event(), None)
    assert sorted(posted.results()) == sorted([
        (VPC, default_vpc(ec2), "NON_COMPLIANT", f"VPC {default_vpc(ec2)} {NO_ENDPOINTS}"),
        (VPC, equipped, "COMPLIANT", f"VPC {equipped} {COMPLIANT}"),
        (VPC, bare, "NON_COMPLIANT", f"VPC {bare} {NO_ENDPOINTS}"),
        (VPC, "vpc-0000000000000dead", "NOT_APPLICABLE", GONE_ANNOTATION),
    ])


def test_private_dns_off_on_an_interface_endpoint_is_named(ec2, posted):
    vpc, subnet = new_vpc(ec2)
    for suffix in ("sagemaker.api", "sagemaker.runtime", "sts", "s3"):
        add_endpoint(ec2, vpc, subnet, suffix)
    logs = add_endpoint(ec2, vpc, subnet, "logs", PrivateDnsEnabled=False)
    old_results([])
    lambda_handler(scheduled_event(parameters={"VpcIds": vpc}), None)
    assert (VPC, vpc, "NON_COMPLIANT", f"VPC {vpc} lacks usable endpoints: logs ({logs} has private DNS off). {FIX}") in (
        posted.results()
    )


def test_an_s3_gateway_endpoint_counts(ec2, posted):
    vpc, subnet = new_vpc(ec2)
    add_endpoint(ec2, vpc, subnet, "s3")
    old_results([])
    lambda_handler(scheduled_event(parameters={"RequiredServices": "s3", "VpcIds": vpc}), None)
    assert (VPC, vpc, "COMPLIANT", f"VPC {vpc} has an available endpoint (Interface with private DNS, or Gateway) for s3.") in (
        posted.results()
    )


def test_vpcs_outside_vpc_ids_are_reported_not_applicable_so_old_results_do_not_linger(ec2, posted):
    checked = equipped_vpc(ec2)
    other, _ = new_vpc(ec2, "10.1.0.0/16")
    old_results([evaluation_result(VPC, other), evaluation_result(VPC, default_vpc(ec2))])
    lambda_handler(scheduled_event(parameters={"VpcIds": checked}), None)
    outside = "is not in VpcIds; this rule checks only the VPCs listed there."
    assert sorted(posted.results()) == sorted([
        (VPC, checked, "COMPLIANT", f"VPC {checked} {COMPLIANT}"),
        (VPC, other, "NOT_APPLICABLE", f"VPC {other} {outside}"),
        (VPC, default_vpc(ec2), "NOT_APPLICABLE", f"VPC {default_vpc(ec2)} {outside}"),
    ])


class CallCounter:
    """Counts the API calls the handler's clients make, by operation name."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1


@pytest.mark.parametrize("vpc_count", [3, 30])
def test_a_run_makes_the_same_calls_for_3_or_30_vpcs(ec2, posted, vpc_count):
    """ceil(V/1000) DescribeVpcs + max(1, ceil(E/1000)) DescribeVpcEndpoints + max(1, ceil(R/100))
    GetComplianceDetailsByConfigRule + ceil((V+S)/100) PutEvaluations: 1 each below those sizes."""
    for n in range(vpc_count):
        vpc, subnet = new_vpc(ec2, f"10.{n}.0.0/16")
        add_endpoint(ec2, vpc, subnet, "sts")
        add_endpoint(ec2, vpc, subnet, "s3")
    counter = CallCounter()
    for service in ("ec2", "config"):
        SHARED_CLIENTS.client(service).meta.events.register("before-call", counter)
    listing = old_results([evaluation_result(VPC, "vpc-0000000000000dead")])
    lambda_handler(scheduled_event(parameters={"RequiredServices": "sts,s3"}), None)
    # The fake answers on the operation's own hook, which botocore runs before the generic one.
    calls = counter.calls + Counter({"GetComplianceDetailsByConfigRule": len(listing.requests)})
    assert calls == Counter(
        {"DescribeVpcs": 1, "DescribeVpcEndpoints": 1, "GetComplianceDetailsByConfigRule": 1, "PutEvaluations": 1}
    )
    assert [r[2] for r in posted.results()].count("COMPLIANT") == vpc_count


def test_paged_describe_responses_are_followed_to_the_end(ec2, posted):
    vpcs = [equipped_vpc(ec2, f"10.{n}.0.0/16") for n in range(3)]
    client = SHARED_CLIENTS.client("ec2")
    vpc_pages = PagedListing("Vpcs", ec2.describe_vpcs()["Vpcs"], page_size=3)
    endpoint_pages = PagedListing("VpcEndpoints", ec2.describe_vpc_endpoints()["VpcEndpoints"], page_size=4)
    client.meta.events.register("before-call.ec2.DescribeVpcs", vpc_pages)
    client.meta.events.register("before-call.ec2.DescribeVpcEndpoints", endpoint_pages)
    old_results([])
    lambda_handler(scheduled_event(), None)
    assert (len(vpc_pages.requests), len(endpoint_pages.requests)) == (2, 4)  # 4 VPCs by 3, 15 endpoints by 4
    assert {r[1] for r in posted.results() if r[2] == "COMPLIANT"} == set(vpcs)
    assert len(posted.results()) == 4


def test_a_full_service_name_as_a_parameter_fails_the_invocation_by_name(ec2, posted):
    with pytest.raises(InvalidRuleParameterError, match="'RequiredServices': 'com.amazonaws.us-east-1.sts' is not a service-name suffix"):
        lambda_handler(scheduled_event(parameters={"RequiredServices": "com.amazonaws.us-east-1.sts"}), None)
    assert posted.results() == []
