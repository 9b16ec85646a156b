"""PutEvaluations, made reliable.

PutEvaluations succeeds even when AWS Config refused some evaluations: they come back in
``FailedEvaluations``. Those are retried with backoff; whatever is still refused fails the
invocation by name, so no result is lost silently.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from smguard.engine.errors import EvaluationsNotDeliveredError, EvaluationsRefusedError

PUT_EVALUATIONS_MAX_BATCH = 100


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter for refused evaluations.

    With the defaults, the waits add up to at most 0.5 + 1 + 2 = 3.5 seconds per batch.
    """

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 4.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def wait(self, retry: int) -> None:
        self.sleep(random.uniform(0, min(self.max_delay, self.base_delay * 2**retry)))


def put_evaluations(
    config_client: Any,
    evaluations: Sequence[dict[str, Any]],
    result_token: str,
    *,
    test_mode: bool,
    retry_policy: RetryPolicy = RetryPolicy(),
) -> None:
    """Deliver ``evaluations`` in batches of 100; raise naming every evaluation refused or left undelivered."""
    refused: list[dict[str, Any]] = []
    for start in range(0, len(evaluations), PUT_EVALUATIONS_MAX_BATCH):
        end = start + PUT_EVALUATIONS_MAX_BATCH
        pending = list(evaluations[start:end])
        try:
            for attempt in range(retry_policy.attempts):
                if attempt:
                    retry_policy.wait(attempt - 1)
                response = config_client.put_evaluations(
                    Evaluations=pending, ResultToken=result_token, TestMode=test_mode
                )
                pending = _still_pending(pending, response.get("FailedEvaluations") or [])
                if not pending:
                    break
        except Exception as error:
            # Earlier batches were delivered; this batch's pending ones and every later one were not.
            undelivered = refused + pending + list(evaluations[end:])
            raise EvaluationsNotDeliveredError(undelivered, len(evaluations), error) from error
        refused.extend(pending)
    if refused:
        raise EvaluationsRefusedError(refused)


def _still_pending(sent: list[dict[str, Any]], failed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evaluations we sent that Config echoed back as failed, matched on type and id."""
    failed_keys = {(entry.get("ComplianceResourceType"), entry.get("ComplianceResourceId")) for entry in failed}
    return [e for e in sent if (e["ComplianceResourceType"], e["ComplianceResourceId"]) in failed_keys]
