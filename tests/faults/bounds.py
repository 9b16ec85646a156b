"""Worst-case time of one AWS call under a fault, from the retry configuration the engine uses.

botocore's standard retry mode (smguard.engine.clients.BOTO_CONFIG): ``max_attempts`` counts
retries, so a call makes at most ``max_attempts + 1`` attempts. Between attempts i and i+1 it waits
``rand(0, 1) * min(scale * 2 ** (i - 1), 20)`` seconds, ``scale`` being 1 s for throttling errors
and 0.05 s otherwise; an attempt that times out costs ``connect_timeout`` or ``read_timeout``.
The worst case takes rand = 1. (An ``x-amz-retry-after`` header may add up to 5 s per wait; the
services called here do not send it for these errors, and the deadline's reserve allows for it.)
"""

from __future__ import annotations

from smguard.engine.clients import BOTO_CONFIG
from smguard.engine.delivery import RetryPolicy
from tests.faults.injector import CONNECT_TIMEOUT, READ_TIMEOUT, THROTTLING, Fault

def _max_attempts() -> int:
    """Attempts per call: botocore rewrites ``max_attempts`` (retries) into ``total_max_attempts`` in place."""
    retries = BOTO_CONFIG.retries
    return retries["total_max_attempts"] if "total_max_attempts" in retries else retries["max_attempts"] + 1


MAX_ATTEMPTS = _max_attempts()
MAX_BACKOFF = 20.0


def attempt_seconds(fault: Fault) -> float:
    if fault is READ_TIMEOUT:
        return float(BOTO_CONFIG.read_timeout)
    if fault is CONNECT_TIMEOUT:
        return float(BOTO_CONFIG.connect_timeout)
    return 0.0


def call_worst_case(fault: Fault, attempts: int) -> float:
    """Seconds one call can take when every one of its ``attempts`` attempts meets ``fault``."""
    scale = 1.0 if fault is THROTTLING else 0.05
    waits = sum(min(scale * 2 ** (i - 1), MAX_BACKOFF) for i in range(1, attempts))
    return attempts * attempt_seconds(fault) + waits


def delivery_policy_worst_case(policy: RetryPolicy = RetryPolicy()) -> float:
    """Seconds the engine waits between PutEvaluations calls for refused evaluations, per batch."""
    return sum(min(policy.max_delay, policy.base_delay * 2**retry) for retry in range(policy.attempts - 1))
