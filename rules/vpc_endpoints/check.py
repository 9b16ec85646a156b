"""Every VPC must reach the AWS services SageMaker work needs through usable VPC endpoints.

The environments this package guards have no internet path: without an endpoint for the SageMaker
API and runtime, STS, CloudWatch Logs and S3, jobs fail, or worse, someone opens a route to the
internet to make them work. An endpoint counts for a service when it is ``available`` and, for
an Interface endpoint, has private DNS enabled: only then do the SDKs' default host names
(``sts.<region>.amazonaws.com``) resolve to the endpoint instead of the public service. Gateway
endpoints (S3, DynamoDB) work through route tables and have no private DNS; they count as they
are. Other endpoint types (Gateway Load Balancer, resource and service-network endpoints) do not
serve an AWS service's default host names and do not count.

``RequiredServices`` holds service-name suffixes. An endpoint's ``ServiceName`` matches a suffix
when it is ``com.amazonaws.<region>.<suffix>`` or, in the China regions where many services use
it, ``cn.com.amazonaws.<region>.<suffix>``; the suffix must match exactly (``sagemaker.api``
does not match ``sagemaker.api-fips``: list the FIPS name to require it). When the VPC's region is
known, the service must be in it: a cross-region endpoint (``com.amazonaws.us-west-2.sts`` in a
us-east-1 VPC) does not serve the SDKs' calls to the local region. Global services have names
without a region (``com.amazonaws.iam``) and match their suffix in any region.

Facts are DescribeVpcEndpoints ``VpcEndpoints`` entries (or the same shape built from
``AWS::EC2::VPCEndpoint`` resources). ``PrivateDnsEnabled`` absent is taken as false (the
CloudFormation default); ``State`` is compared without regard to case (the API returns
``available``, the model's enumeration ``Available``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from smguard.engine import CsvList, Finding, MissingFactError, Resource, RuleParameters, Verdict, parameter
from smguard.resources.facts.vpc_endpoints import SERVICE_NAME
from smguard.resources.types.vpc import vpc_state

DEFAULT_REQUIRED_SERVICES = ("sagemaker.api", "sagemaker.runtime", "sts", "logs", "s3")
SERVICE_SUFFIX = r"(?!(?:cn\.)?com\.amazonaws\.)[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"
VPC_ID = r"vpc-[0-9a-f]{8,17}"
INTERFACE = "Interface"
GATEWAY = "Gateway"
NOT_EVALUATED_STATES = frozenset({"pending", "deleting"})
FIX = "Use CreateVpcEndpoint (Interface with PrivateDnsEnabled true; S3 may be a Gateway) or ModifyVpcEndpoint."


@dataclass(frozen=True)
class VpcEndpointsParameters(RuleParameters):
    required_services: tuple[str, ...] = parameter(
        "RequiredServices",
        CsvList(SERVICE_SUFFIX, "a service-name suffix such as sagemaker.api (without com.amazonaws.<region>.)"),
        DEFAULT_REQUIRED_SERVICES,
        "Comma-separated service-name suffixes that need an endpoint in every VPC (the part after com.amazonaws.<region>.), matched exactly: sagemaker.api does not match sagemaker.api-fips. Default: the SageMaker API and runtime, STS, CloudWatch Logs and S3.",
    )
    vpc_ids: tuple[str, ...] | None = parameter(
        "VpcIds",
        CsvList(VPC_ID, "a VPC id such as vpc-0123456789abcdef0"),
        None,
        "Comma-separated VPC ids the rule checks; every other VPC is reported NOT_APPLICABLE (so older results do not linger). Ids that match no VPC are ignored. Not set: every VPC is checked.",
    )


Endpoint = Mapping[str, Any]
"""One DescribeVpcEndpoints ``VpcEndpoints`` entry."""

EndpointsByVpc = Mapping[str, Sequence[Endpoint]]
"""VPC id -> the endpoints whose VpcId is that VPC (see smguard.resources.ec2.group_by_vpc)."""


def check(resource: Resource, parameters: VpcEndpointsParameters, endpoints: EndpointsByVpc | None) -> Verdict:
    """Decide one VPC from its endpoints.

    ``resource`` is the VPC as AWS Config records it (EC2 API shape, camelCase; without a region
    the service's region is not compared); ``endpoints`` maps each VPC id to its
    DescribeVpcEndpoints entries (entries naming another VpcId are ignored).
    """
    vpc = resource.resource_id
    if endpoints is None or vpc not in endpoints:
        raise MissingFactError(f"the VPC endpoints of {vpc} were not gathered")
    region = resource.region
    if parameters.vpc_ids is not None and vpc not in parameters.vpc_ids:
        return Verdict.not_applicable(f"VPC {vpc} is not in VpcIds; this rule checks only the VPCs listed there.")
    state = vpc_state(resource.configuration)
    if state in NOT_EVALUATED_STATES:
        return Verdict.not_applicable(f"VPC {vpc} is {state}; it is evaluated once available.")
    own = sorted(
        (endpoint for endpoint in endpoints[vpc] if endpoint.get("VpcId") in (vpc, None)),
        key=lambda endpoint: str(endpoint.get("VpcEndpointId")),
    )
    gaps = [gap for service in parameters.required_services if (gap := _gap(service, own, region))]
    if not gaps:
        return Verdict.compliant(
            f"VPC {vpc} has an available endpoint (Interface with private DNS, or Gateway) for "
            f"{', '.join(parameters.required_services)}."
        )
    return Verdict.non_compliant(Finding(tuple(gaps), (f". {FIX}",), lead=f"VPC {vpc} lacks usable endpoints: ", separator=", "))


def _gap(service: str, endpoints: Sequence[Endpoint], region: str | None) -> str | None:
    """None when an endpoint serves ``service``; otherwise the service and why each candidate fails."""
    reasons = []
    for endpoint in endpoints:
        match = SERVICE_NAME.fullmatch(str(endpoint.get("ServiceName")))
        if match is None or match["suffix"] != service:
            continue
        problems = _problems(endpoint, match["region"], region)
        if not problems:
            return None
        reasons.append(f"{endpoint.get('VpcEndpointId')} {' and '.join(problems)}")
    return f"{service} ({'; '.join(reasons) or 'none'})"


def _problems(endpoint: Endpoint, service_region: str | None, region: str | None) -> list[str]:
    problems = []
    if region is not None and service_region is not None and service_region != region:
        problems.append(f"is for region {service_region}")
    state = endpoint.get("State")
    if not isinstance(state, str) or state.lower() != "available":
        problems.append(f"is {state if isinstance(state, str) else 'in no state'}")
    endpoint_type = endpoint.get("VpcEndpointType")
    if endpoint_type == INTERFACE:
        if endpoint.get("PrivateDnsEnabled") is not True:
            problems.append("has private DNS off")
    elif endpoint_type != GATEWAY:
        problems.append(f"is a {endpoint_type} endpoint")
    return problems
