"""One scenario per AWS API the rules call: which rule and event make the call, in a seeded moto.

``run`` invokes the rule's real handler (its own client cache with the injector, the delivery
policy and botocore sleeping on the fake clock) and reports what happened: delivered and
undelivered evaluations, the error, attempts per operation and the fake time it took.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

from smguard.catalogue import load
from smguard.engine.delivery import RetryPolicy
from smguard.engine.errors import SmguardError
from smguard.engine.exemptions import ExemptionRegisters
from smguard.engine.handler import RuleHandler
from tests.faults.injector import FakeClock, FaultyClients, Injector
from tests.support.events import change_event, configuration_item, history_response, oversized_event, scheduled_event

REGION = "us-east-1"
NOTEBOOK = "AWS::SageMaker::NotebookInstance"
EXEMPTIONS = "/smguard/exemptions"


@dataclass
class World:
    """What a scenario's moto account holds."""

    vpc_ids: list[str] = field(default_factory=list)
    key_arn: str = ""


def seed(vpcs: int = 3) -> World:
    ec2 = boto3.client("ec2", region_name=REGION)
    world = World()
    for index in range(vpcs):
        vpc_id = ec2.create_vpc(CidrBlock=f"10.{index % 250}.0.0/16")["Vpc"]["VpcId"]
        world.vpc_ids.append(vpc_id)
    ec2.create_flow_logs(
        ResourceIds=world.vpc_ids[:1], ResourceType="VPC", TrafficType="ALL", LogGroupName="vpc-flow-logs",
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs",
    )
    world.key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    boto3.client("ssm", region_name=REGION).put_parameter(
        Name=EXEMPTIONS, Type="String", Value=json.dumps({"version": 1, "exemptions": []})
    )
    return world


def _notebook(world: World) -> dict[str, Any]:
    return configuration_item(NOTEBOOK, "risk-model-dev", {"RootAccess": "Disabled", "KmsKeyId": world.key_arn})


@dataclass(frozen=True)
class Scenario:
    """An AWS API and the invocation that calls it."""

    operation: str
    service: str
    rule: str
    event: Callable[[World], dict[str, Any]]
    answers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = field(default_factory=dict)


def _history(world: World) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda params: history_response(_notebook(world))


NO_RESULTS = {"GetComplianceDetailsByConfigRule": lambda params: {"EvaluationResults": []}}

SCENARIOS = {
    "PutEvaluations": Scenario("PutEvaluations", "config", "notebook_root_access",
                               lambda w: change_event(_notebook(w))),
    "GetResourceConfigHistory": Scenario("GetResourceConfigHistory", "config", "notebook_root_access",
                                         lambda w: oversized_event(_notebook(w))),
    "GetComplianceDetailsByConfigRule": Scenario("GetComplianceDetailsByConfigRule", "config", "vpc_endpoints",
                                                 lambda w: scheduled_event(), NO_RESULTS),
    "DescribeKey": Scenario("DescribeKey", "kms", "sagemaker_kms",
                            lambda w: change_event(_notebook(w), parameters={"RequireCustomerManagedKey": "true"})),
    "DescribeFlowLogs": Scenario("DescribeFlowLogs", "ec2", "vpc_flow_logs",
                                 lambda w: change_event(configuration_item("AWS::EC2::VPC", w.vpc_ids[0], {"vpcId": w.vpc_ids[0], "state": "available"}))),
    "DescribeVpcs": Scenario("DescribeVpcs", "ec2", "vpc_flow_logs", lambda w: scheduled_event(), NO_RESULTS),
    "DescribeVpcEndpoints": Scenario("DescribeVpcEndpoints", "ec2", "vpc_endpoints", lambda w: scheduled_event(), NO_RESULTS),
    "GetParameter": Scenario("GetParameter", "ssm", "notebook_root_access",
                             lambda w: change_event(_notebook(w), parameters={"ExemptionsParameterName": EXEMPTIONS})),
    "AssumeRole": Scenario("AssumeRole", "sts", "notebook_root_access",
                           lambda w: change_event(_notebook(w), parameters={"ExecutionRoleName": "smguard-member"})),
}
"""Every API the rules and the engine call, each reached by the simplest invocation that needs it."""


@dataclass(frozen=True)
class LambdaContext:
    """The part of Lambda's context object the engine reads, on the fake clock."""

    clock: FakeClock
    deadline: float

    def get_remaining_time_in_millis(self) -> int:
        return int((self.deadline - self.clock()) * 1000)


@dataclass
class Run:
    """What one invocation did."""

    evaluations: list[dict[str, Any]]
    """Every evaluation the handler tried to deliver (from PutEvaluations requests)."""
    delivered: list[tuple[str, str]]
    error: SmguardError | None
    attempts: dict[str, int]
    elapsed: float
    sleeps: list[float]

    @property
    def undelivered(self) -> list[tuple[str, str]]:
        keys = list(dict.fromkeys((e["ComplianceResourceType"], e["ComplianceResourceId"]) for e in self.evaluations))
        return [key for key in keys if key not in self.delivered]


class DeliveryLog:
    """PutEvaluations requests and which of their evaluations AWS accepted (HTTP 200, not in FailedEvaluations)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.accepted: list[tuple[str, str]] = []
        self._pending: list[dict[str, Any]] = []

    def request(self, params: dict[str, Any], **_: Any) -> None:
        self.sent.extend(params["Evaluations"])
        self._pending = list(params["Evaluations"])

    def response(self, parsed: dict[str, Any], http_response: Any = None, **_: Any) -> None:
        if http_response is None or http_response.status_code >= 300:
            return
        refused = {(e["ComplianceResourceType"], e["ComplianceResourceId"]) for e in parsed.get("FailedEvaluations", [])}
        self.accepted += [
            key for key in ((e["ComplianceResourceType"], e["ComplianceResourceId"]) for e in self._pending) if key not in refused
        ]


def run(
    scenario: Scenario,
    injector: Injector,
    world: World,
    *,
    time_left: float | None = None,
    clients: FaultyClients | None = None,
) -> Run:
    clock = injector.clock
    log = DeliveryLog()
    clients = clients or FaultyClients(injector)
    clients.delivery_log = log
    injector.answers = {**scenario.answers, **injector.answers}
    if scenario.operation == "GetResourceConfigHistory":
        injector.answers.setdefault("GetResourceConfigHistory", _history(world))
    handler = RuleHandler(
        load(scenario.rule).rule, clients=clients, retry_policy=RetryPolicy(sleep=clock.sleep),
        exemptions=ExemptionRegisters(),
    )
    context = LambdaContext(clock, clock() + time_left) if time_left is not None else None
    started = clock()
    error = None
    try:
        handler(scenario.event(world), context)
    except SmguardError as raised:
        error = raised
    return Run(log.sent, log.accepted, error, dict(injector.attempts), clock() - started, list(clock.slept))
