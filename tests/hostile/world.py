"""One moto account shared by every example of a hypothesis test, and what moto lacks, faked in memory.

Hypothesis runs many examples inside one test call, so a function-scoped ``aws`` fixture cannot
give each example a fresh moto; instead a module-scoped world is seeded once with what the rules
read (a customer managed KMS key, VPCs with and without flow logs and SageMaker endpoints) and
examples only read from it. AWS Config APIs that moto lacks are answered from memory:
GetResourceConfigHistory from the items the test registers (as AWS Config would have recorded
them), GetComplianceDetailsByConfigRule and GetComplianceDetailsByResource with no earlier results, PutEvaluations outside TestMode
(every result token a test makes up is invalid) with InvalidResultTokenException.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto import mock_aws

from smguard.embedded import sagemaker_jobs
from smguard.engine.handler import SHARED_CLIENTS
from tests.hostile.needed import KEY_ID, REGION, VPC_WITH_FLOW_LOG
from tests.support.aws import PutEvaluationsRecorder, record_put_evaluations
from tests.support.events import history_response


HISTORY_FIELDS = frozenset(
    {"awsAccountId", "configurationItemCaptureTime", "configurationItemStatus", "configurationStateId", "ARN",
     "resourceType", "resourceId", "resourceName", "awsRegion", "availabilityZone", "configuration"}
)
"""What AWS Config records of every item; an item broken past this was never recorded."""


@dataclass
class FakeResponse:
    """The part of an HTTP response botocore reads when a before-call handler answers."""

    status_code: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    text: str = ""


@dataclass
class World:
    recorder: PutEvaluationsRecorder
    key_id: str
    history: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    vpc_ids: list[str] = field(default_factory=list)

    def localise(self, event: dict[str, Any]) -> dict[str, Any]:
        """The event with placeholders replaced by what moto created (a fresh copy): the KMS key, and
        the sample VPC id by the seeded VPC that has a flow log and SageMaker endpoints."""
        text = json.dumps(event).replace(KEY_ID, self.key_id).replace(VPC_WITH_FLOW_LOG, self.vpc_ids[0])
        return json.loads(text)

    def record_history(self, item: dict[str, Any]) -> None:
        """What GetResourceConfigHistory returns for the item (as Config would have recorded it)."""
        item = self.localise(item)  # the event's ids are localised too (the sample VPC is the seeded one)
        key = (item.get("resourceType"), item.get("resourceId"))
        recordable = all(isinstance(part, str) for part in key) and HISTORY_FIELDS <= set(item)
        self.history = {key: item} if recordable else {}

    def answer_history(self, params: dict[str, Any], **_: Any) -> tuple[FakeResponse, dict[str, Any]]:
        params = json.loads(params["body"])
        item = self.history.get((params["resourceType"], params["resourceId"]))
        if item is None or not isinstance(item.get("configuration"), (dict, list, str, int, float, bool)):
            return FakeResponse(400), {
                "Error": {
                    "Code": "ResourceNotDiscoveredException",
                    "Message": f"Resource {params['resourceId']} of resourceType:{params['resourceType']} is unknown or has not been discovered",
                }
            }
        return FakeResponse(200), history_response(item)

    def answer_put_evaluations(self, params: dict[str, Any], **_: Any) -> tuple[FakeResponse, dict[str, Any]] | None:
        """Moto stores nothing outside TestMode; outside it, a made-up token is what AWS refuses."""
        if json.loads(params["body"]).get("TestMode"):
            return None
        return FakeResponse(400), {
            "Error": {"Code": "InvalidResultTokenException", "Message": "The specified ResultToken is invalid."}
        }

    def answer_compliance_details(self, params: dict[str, Any], **_: Any) -> tuple[FakeResponse, dict[str, Any]]:
        return FakeResponse(200), {"EvaluationResults": []}


def seed(ec2: Any, kms: Any) -> tuple[str, list[str]]:
    """Create the key and VPCs the rules read; return the key's id and the VPC ids."""
    key_id = kms.create_key(Description="smguard hostile suite customer managed key")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/smguard-data", TargetKeyId=key_id)
    logs_role = "arn:aws:iam::123456789012:role/flow-logs"
    vpc_ids = []
    for index in range(3):
        vpc_id = ec2.create_vpc(CidrBlock=f"10.{index}.0.0/16")["Vpc"]["VpcId"]
        vpc_ids.append(vpc_id)
        if index != 1:
            ec2.create_flow_logs(
                ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL",
                LogGroupName="vpc-flow-logs", DeliverLogsPermissionArn=logs_role,
            )
        if index == 0:
            subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
            for service in ("sagemaker.api", "sagemaker.runtime", "sts", "logs", "s3"):
                kind = "Gateway" if service == "s3" else "Interface"
                extra = {"SubnetIds": [subnet]} if kind == "Interface" else {}
                ec2.create_vpc_endpoint(
                    VpcId=vpc_id, ServiceName=f"com.amazonaws.{REGION}.{service}", VpcEndpointType=kind, **extra
                )
    return key_id, vpc_ids


def open_world() -> Iterator[World]:
    """Start moto, seed it, hook the config client; yields the world, then tears everything down."""
    SHARED_CLIENTS.clear()
    sagemaker_jobs.install()
    with mock_aws():
        key_id, vpc_ids = seed(boto3.client("ec2", region_name=REGION), boto3.client("kms", region_name=REGION))
        world = World(recorder=record_put_evaluations(), key_id=key_id, vpc_ids=vpc_ids)
        events = SHARED_CLIENTS.client("config").meta.events
        events.register("before-call.config-service.GetResourceConfigHistory", world.answer_history)
        events.register("before-call.config-service.GetComplianceDetailsByConfigRule", world.answer_compliance_details)
        events.register("before-call.config-service.GetComplianceDetailsByResource", world.answer_compliance_details)
        events.register("before-call.config-service.PutEvaluations", world.answer_put_evaluations)
        yield world
    SHARED_CLIENTS.clear()

