"""Run every fault scenario once and turn the runs into the rows of docs/faults.md.

The test module asserts on the same runs (one collection per test session), so the document
and the assertions always describe the same behaviour.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import boto3
import botocore.endpoint
import pytest
from moto import mock_aws

import smguard.engine.clients
from smguard.engine.clients import ATTEMPT_RESERVE_SECONDS
from smguard.engine.handler import SHARED_CLIENTS
from tests.faults.bounds import attempt_seconds, call_worst_case, delivery_policy_worst_case
from tests.faults.injector import EXPIRED_TOKEN, FAULTS, READ_TIMEOUT, THROTTLING, FakeClock, FaultyClients, Injector
from tests.faults.scenarios import REGION, SCENARIOS, Run, run, seed
from tests.faults.table import Row, render

RETRIED = ("throttling", "5xx", "ReadTimeoutError", "ConnectTimeoutError")
FUNCTION_TIMEOUT_SECONDS = 300
"""Every rule function's timeout in template.yaml (checked by test_faults.py)."""
BATCH_VPCS = 250
"""VPCs in the account for the multi-batch scenarios: 250 evaluations are 3 PutEvaluations batches."""


@dataclass
class Runs:
    persistent: dict[tuple[str, str], Run] = field(default_factory=dict)
    transient: dict[tuple[str, str], Run] = field(default_factory=dict)
    special: dict[str, Run] = field(default_factory=dict)


@contextmanager
def fault_lab() -> Iterator[FakeClock]:
    """moto, a fresh client cache, and the fake clock under botocore's sleeps and the engine's deadline."""
    clock = FakeClock()
    SHARED_CLIENTS.clear()
    with mock_aws(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=clock.sleep))
        patch.setattr(smguard.engine.clients, "clock", clock)
        yield clock
    SHARED_CLIENTS.clear()


def _refuse(keys: int):
    """A PutEvaluations answer refusing the first ``keys`` evaluations of every request."""
    return lambda params: {"FailedEvaluations": params["Evaluations"][:keys]}


def collect() -> Runs:
    runs = Runs()
    with fault_lab() as clock:
        world = seed()
        for operation, scenario in SCENARIOS.items():
            for fault in FAULTS:
                runs.persistent[(operation, fault.name)] = run(scenario, Injector(clock, {operation: fault}), world)
                if fault.name in RETRIED:
                    injector = Injector(clock, {operation: fault}, fails=lambda attempt: attempt <= 2)
                    runs.transient[(operation, fault.name)] = run(scenario, injector, world)
        _organization_mode(runs, clock, world)
        ec2 = boto3.client("ec2", region_name=REGION)
        existing = len(ec2.describe_vpcs()["Vpcs"])  # moto, like AWS, starts with a default VPC
        for index in range(BATCH_VPCS - existing):
            world.vpc_ids.append(ec2.create_vpc(CidrBlock=f"10.{index % 250}.0.0/16")["Vpc"]["VpcId"])
        _batches(runs, clock, world)
    return runs


def _organization_mode(runs: Runs, clock: FakeClock, world) -> None:
    """An expired assumed-role session: the failing invocation drops the credentials, the next re-assumes."""
    scenario = SCENARIOS["AssumeRole"]
    injector = Injector(clock, {"PutEvaluations": EXPIRED_TOKEN})
    clients = FaultyClients(injector)
    runs.special["expired session"] = run(scenario, injector, world, clients=clients)
    injector.faults = {}
    runs.special["expired session, next invocation"] = run(scenario, injector, world, clients=clients)


def _batches(runs: Runs, clock: FakeClock, world) -> None:
    periodic = SCENARIOS["DescribeVpcEndpoints"]
    answers = {"GetComplianceDetailsByConfigRule": periodic.answers["GetComplianceDetailsByConfigRule"]}
    refused_before: set[str] = set()

    def refuse_once(params):
        """Refuse 7 evaluations of each batch's first call; accept the re-sent ones."""
        first = params["Evaluations"][0]["ComplianceResourceId"]
        if first in refused_before:
            return {"FailedEvaluations": []}
        refused_before.update(e["ComplianceResourceId"] for e in params["Evaluations"][:7])
        return {"FailedEvaluations": params["Evaluations"][:7]}

    runs.special["FailedEvaluations once"] = run(
        periodic, Injector(clock, answers={**answers, "PutEvaluations": refuse_once}), world
    )
    runs.special["FailedEvaluations always"] = run(
        periodic, Injector(clock, answers={**answers, "PutEvaluations": _refuse(3)}), world
    )
    runs.special["throttled from the 2nd batch"] = run(
        periodic, Injector(clock, {"PutEvaluations": THROTTLING}, fails=lambda attempt: attempt >= 2, answers=answers), world
    )
    slow = lambda attempt: attempt % 6 != 0  # noqa: E731 - every call succeeds only at its 6th attempt
    runs.special["slow delivery, no deadline"] = run(
        periodic, Injector(clock, {"PutEvaluations": READ_TIMEOUT}, fails=slow, answers=answers), world
    )
    runs.special["slow delivery, 300 s function"] = run(
        periodic, Injector(clock, {"PutEvaluations": READ_TIMEOUT}, fails=slow, answers=answers), world,
        time_left=FUNCTION_TIMEOUT_SECONDS,
    )


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def _outcome(result: Run, operation: str) -> str:
    if result.error is None:
        return f"all {len(set(result.delivered))} evaluation(s) delivered"
    if not result.evaluations:
        return "fails loudly before PutEvaluations: nothing posted, earlier results stand; Lambda counts the error and retries"
    counted = not_delivered(str(result.error))
    if counted:
        return f"fails loudly: {counted[0]} of {counted[1]} evaluation(s) not delivered, each named in the error"
    refused = re.search(r"refused (\d+) evaluation\(s\)", str(result.error))
    if refused:
        return f"fails loudly: {refused.group(1)} refused evaluation(s) named in the error, the rest delivered"
    return "fails loudly: the one evaluation is not delivered; the error names its resource"


def not_delivered(message: str) -> tuple[int, int] | None:
    """(undelivered, total) as the engine's error states them, if it does."""
    found = re.search(r"(\d+) of (\d+) evaluation\(s\) not delivered", message)
    return (int(found.group(1)), int(found.group(2))) if found else None


def _behaviour(result: Run, operation: str) -> str:
    retried = "retried by botocore" if result.attempts.get(operation, 0) > 1 else "not retried (botocore: not transient)"
    raised = f"raises {type(result.error).__name__}" if result.error else "succeeds"
    return f"{retried}; {raised}"


def sections(runs: Runs | None = None) -> list[tuple[str, str, list[Row]]]:
    runs = runs or collect()
    persistent = [
        Row(fault.name, operation, _behaviour(result, operation), str(result.attempts.get(operation, 0)),
            _seconds(call_worst_case(fault, result.attempts.get(operation, 0))), _outcome(result, operation))
        for fault in FAULTS
        for operation in SCENARIOS
        for result in [runs.persistent[(operation, fault.name)]]
    ]
    transient = [
        Row(fault.name, operation, _behaviour(result, operation), str(result.attempts.get(operation, 0)),
            _seconds(call_worst_case(fault, 3) - attempt_seconds(fault)),
            _outcome(result, operation))
        for fault in FAULTS if fault.name in RETRIED
        for operation in SCENARIOS
        for result in [runs.transient[(operation, fault.name)]]
    ]
    special = []
    for name, fault_name, api, worst in (
        ("FailedEvaluations once", "FailedEvaluations (7 per batch, first call)", "PutEvaluations", _seconds(3 * delivery_policy_worst_case())),
        ("FailedEvaluations always", "FailedEvaluations (3 per batch, every call)", "PutEvaluations", _seconds(3 * delivery_policy_worst_case())),
        ("throttled from the 2nd batch", "throttling from the 2nd batch on", "PutEvaluations", _seconds(call_worst_case(THROTTLING, 6))),
        ("expired session", "ExpiredToken (assumed-role session, organization mode)", "PutEvaluations", "0.00 s"),
        ("expired session, next invocation", "none (next invocation after ExpiredToken; attempts over both)", "AssumeRole, PutEvaluations", "0.00 s"),
    ):
        result = runs.special[name]
        attempts = ", ".join(f"{op} {count}" for op, count in sorted(result.attempts.items()) if op in api)
        behaviour = _special_behaviour(name, result)
        special.append(Row(fault_name, api, behaviour, attempts, worst, _outcome(result, "PutEvaluations")))
    deadline = []
    for name in ("slow delivery, no deadline", "slow delivery, 300 s function"):
        result = runs.special[name]
        calls = result.attempts["PutEvaluations"]
        deadline.append(Row(
            "ReadTimeoutError on 5 of every 6 attempts", "PutEvaluations (3 batches)",
            "no Lambda context: no deadline" if "no deadline" in name else
            f"refuses attempts with < {ATTEMPT_RESERVE_SECONDS:.0f} s left; raises {type(result.error).__name__}",
            str(calls), f"{'over' if result.elapsed > FUNCTION_TIMEOUT_SECONDS else 'under'} {FUNCTION_TIMEOUT_SECONDS} s",
            _outcome(result, "PutEvaluations") + ("; Lambda would have cut it off at 300 s" if result.elapsed > FUNCTION_TIMEOUT_SECONDS else ""),
        ))
    return [
        ("Persistent faults: every attempt fails",
         "Each API is called through the rule named in tests/faults/scenarios.py. Worst-case time is that of the faulted call.",
         persistent),
        ("Transient faults: the first two attempts fail",
         "The faults botocore retries; the third attempt succeeds. Worst-case time: two failed attempts and their waits.",
         transient),
        ("Refused evaluations, multi-batch delivery and expired sessions",
         f"A periodic run over {BATCH_VPCS} VPCs posts {BATCH_VPCS} evaluations in 3 batches of at most 100.",
         special),
        ("The function's timeout",
         "Every PutEvaluations call succeeds only at its 6th attempt (121.55 s worst case each): without a deadline the "
         "invocation runs past the 300 s timeout; with the Lambda context it stops in time and names what it did not deliver.",
         deadline),
    ]


def _special_behaviour(name: str, result: Run) -> str:
    if name == "FailedEvaluations once":
        return "the delivery policy re-sends the refused ones after a wait"
    if name == "FailedEvaluations always":
        return f"re-sent 3 more times per batch, then raises {type(result.error).__name__}"
    if name == "throttled from the 2nd batch":
        return f"batch 1 delivered; batch 2 retried by botocore, then raises {type(result.error).__name__}"
    if name == "expired session":
        return f"raises {type(result.error).__name__}; the cached role credentials are dropped"
    return "re-assumes the role (a second AssumeRole), then delivers"


def render_document(runs: Runs) -> str:
    return render(sections(runs))
