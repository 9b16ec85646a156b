"""AWS faults on every API the rules call: delivered, or a loud failure naming what was not; bounded retries.

All scenarios run once per session (report.collect) through the rules' real handlers in moto, with
faults injected under botocore's retry logic and a fake clock; the tests below assert on those runs
and hold docs/faults.md to them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from smguard.deploy.runtime import FUNCTION_TIMEOUT_SECONDS as DEPLOYED_TIMEOUT
from smguard.engine.clients import ATTEMPT_RESERVE_SECONDS, BOTO_CONFIG
from smguard.engine.errors import (
    AwsCallError,
    DeadlineExceededError,
    EvaluationsRefusedError,
    ExemptionRegisterError,
)
from tests.faults.bounds import MAX_ATTEMPTS, call_worst_case, delivery_policy_worst_case
from tests.faults.injector import FAULTS, READ_TIMEOUT
from tests.faults.report import BATCH_VPCS, FUNCTION_TIMEOUT_SECONDS, RETRIED, Runs, collect, not_delivered, render_document
from tests.faults.scenarios import SCENARIOS
from tests.faults.table import DOC

ROOT = Path(__file__).resolve().parents[2]
NOT_RETRIED = {"AccessDenied", "ExpiredToken"}


@pytest.fixture(scope="session")
def runs() -> Runs:
    return collect()


def _keys(result):
    return list(dict.fromkeys((e["ComplianceResourceType"], e["ComplianceResourceId"]) for e in result.evaluations))


@pytest.mark.parametrize("operation", list(SCENARIOS))
@pytest.mark.parametrize("fault", FAULTS, ids=lambda fault: fault.name)
def test_a_persistent_fault_fails_loudly_after_bounded_attempts(runs, operation, fault):
    result = runs.persistent[(operation, fault.name)]
    rule = SCENARIOS[operation].rule
    assert result.error is not None, "a call that always fails must fail the invocation"
    assert isinstance(result.error, (AwsCallError, ExemptionRegisterError)), type(result.error)
    message = str(result.error)
    assert message.startswith(f"rule {rule}, "), message
    if fault.timeout:
        assert type(result.error) is AwsCallError and f"failed with {fault.name}" in message, message
    else:
        assert f"failed with {fault.code_for(_service(operation))}" in message or f"({fault.code_for(_service(operation))})" in message, message
        assert operation in message or "ssm:GetParameter" in message, message
    expected = 1 if fault.name in NOT_RETRIED else MAX_ATTEMPTS
    assert result.attempts[operation] == expected
    assert result.elapsed <= call_worst_case(fault, expected) + 1e-9
    assert result.delivered == [], "nothing may be delivered when a call the rule needs failed"
    if operation == "PutEvaluations":
        assert _keys(result) == [("AWS::SageMaker::NotebookInstance", "risk-model-dev")]
        assert "AWS::SageMaker::NotebookInstance risk-model-dev" in message  # the one undelivered evaluation
    else:
        assert result.evaluations == [], "no evaluation may be posted without the facts the check needs"


def _service(operation: str) -> str:
    return {"config": "config-service"}.get(SCENARIOS[operation].service, SCENARIOS[operation].service)


@pytest.mark.parametrize("operation", list(SCENARIOS))
@pytest.mark.parametrize("fault", [f for f in FAULTS if f.name in RETRIED], ids=lambda fault: fault.name)
def test_a_transient_fault_is_retried_and_everything_is_delivered(runs, operation, fault):
    result = runs.transient[(operation, fault.name)]
    assert result.error is None, result.error
    assert result.attempts[operation] == 3
    assert result.undelivered == [] and result.delivered == _keys(result) and result.delivered
    assert result.elapsed <= call_worst_case(fault, 3) + 1e-9


def test_evaluations_refused_once_are_sent_again_and_delivered(runs):
    result = runs.special["FailedEvaluations once"]
    assert result.error is None
    assert len(result.delivered) == BATCH_VPCS and result.undelivered == []
    assert result.attempts["PutEvaluations"] == 6  # 3 batches, each re-sent once
    assert result.elapsed <= 3 * delivery_policy_worst_case()


def test_evaluations_refused_every_time_fail_the_invocation_by_name(runs):
    result = runs.special["FailedEvaluations always"]
    assert isinstance(result.error, EvaluationsRefusedError)
    assert len(result.undelivered) == 9 and len(result.delivered) == BATCH_VPCS - 9
    assert result.attempts["PutEvaluations"] == 3 * 4  # the delivery policy's 4 calls per batch
    for resource_type, resource_id in result.undelivered:
        assert f"{resource_type} {resource_id}" in str(result.error)
    assert result.elapsed <= 3 * delivery_policy_worst_case()


def test_a_delivery_failing_after_the_first_batch_names_every_undelivered_evaluation(runs):
    result = runs.special["throttled from the 2nd batch"]
    assert type(result.error) is AwsCallError
    assert len(result.delivered) == 100
    message = str(result.error)
    assert not_delivered(message) == (BATCH_VPCS - 100, BATCH_VPCS)
    _assert_names_every_undelivered(result, message)
    assert result.attempts["PutEvaluations"] == 1 + MAX_ATTEMPTS


def test_an_expired_assumed_role_session_is_dropped_and_the_next_invocation_re_assumes(runs):
    failed, next_run = runs.special["expired session"], runs.special["expired session, next invocation"]
    assert type(failed.error) is AwsCallError and "The assumed-role session expired" in str(failed.error)
    assert failed.attempts["AssumeRole"] == 1 and failed.delivered == []
    assert next_run.error is None and next_run.delivered == _keys(next_run)
    assert next_run.attempts["AssumeRole"] == 2, "the expired credentials must not be reused"


def test_without_a_deadline_slow_delivery_would_outlive_the_function(runs):
    result = runs.special["slow delivery, no deadline"]
    assert result.error is None and len(result.delivered) == BATCH_VPCS
    assert result.elapsed > FUNCTION_TIMEOUT_SECONDS


def test_with_the_lambda_context_the_invocation_stops_in_time_and_names_what_it_did_not_deliver(runs):
    result = runs.special["slow delivery, 300 s function"]
    assert type(result.error) is DeadlineExceededError
    assert result.elapsed < FUNCTION_TIMEOUT_SECONDS
    message = str(result.error)
    assert f"less than the {ATTEMPT_RESERVE_SECONDS:.0f} s another PutEvaluations attempt" in message
    assert result.delivered, "the scenario must deliver part of the evaluations before the deadline"
    assert not_delivered(message) == (BATCH_VPCS - len(result.delivered), BATCH_VPCS)
    _assert_names_every_undelivered(result, message)


def _assert_names_every_undelivered(result, message: str) -> None:
    """Sent-but-failed evaluations are named, and so are the ones never sent: one name per undelivered."""
    for resource_type, resource_id in result.undelivered:
        assert f"{resource_type} {resource_id}" in message
    named = set(re.findall(r"AWS::EC2::VPC (vpc-[0-9a-f]+)", message))
    assert len(named) == BATCH_VPCS - len(result.delivered)
    assert not named & {resource_id for _, resource_id in result.delivered}


def test_the_bounds_fit_the_deployed_function_timeout():
    resources = yaml.safe_load((ROOT / "template.yaml").read_text())["Resources"]
    # The rules' functions (the portfolio's share function is no rule's and runs once per stack operation).
    timeouts = {int(r["Properties"]["Timeout"]) for r in resources.values() if r["Type"] == "AWS::Serverless::Function"}
    assert timeouts == {DEPLOYED_TIMEOUT} == {FUNCTION_TIMEOUT_SECONDS}
    assert BOTO_CONFIG.retries["mode"] == "standard" and MAX_ATTEMPTS == 6
    assert ATTEMPT_RESERVE_SECONDS == BOTO_CONFIG.connect_timeout + BOTO_CONFIG.read_timeout + 25 + 2
    assert call_worst_case(READ_TIMEOUT, MAX_ATTEMPTS) < FUNCTION_TIMEOUT_SECONDS - ATTEMPT_RESERVE_SECONDS


def test_docs_faults_md_is_generated_from_these_runs(runs):
    assert DOC.read_text() == render_document(runs), "docs/faults.md is stale: run python -m tests.faults.table"
