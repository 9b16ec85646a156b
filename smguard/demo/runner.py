"""Deploy every rule as a Config rule in the embedded AWS and invoke its real ``lambda_handler``.

Each rule gets what AWS Config would send it: one change notification per resource in its scope
(change-triggered rules) and one scheduled notification (periodic rules), each with a result token
issued for that rule, so PutEvaluations stores the results under the rule as Config does.
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3

from smguard.catalogue import RuleEntry
from smguard.embedded import result_token
from smguard.embedded.config_rules import deploy_rule
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import CollectedResource, SilentProgress
from smguard.sweep.collectors import collect
from smguard.demo.notifications import (
    change_notification,
    configuration_item,
    rule_event,
    scheduled_notification,
)


@dataclass(frozen=True)
class RuleRun:
    """What one rule was sent."""

    rule: str
    config_rule_name: str
    change_notifications: int
    scheduled_notifications: int


def run_rules(
    session: boto3.Session,
    entries: Sequence[RuleEntry],
    parameters: Mapping[str, Mapping[str, str]],
    *,
    account_id: str,
    now: datetime,
) -> list[RuleRun]:
    """Deploy and invoke every rule; a handler that fails stops the demo with its own error."""
    region = session.region_name
    with ThreadPoolExecutor(max_workers=4) as pool:
        resources = collect(
            {t for entry in entries for t in entry.rule.resource_types}, SweepClients(session), pool, SilentProgress()
        )
    config = session.client("config")
    stamp = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    runs = []
    for entry in entries:
        name = deploy_rule(session, entry, parameters.get(entry.name))
        config_rule = config.describe_config_rules(ConfigRuleNames=[name])["ConfigRules"][0]
        invoking_events = []
        if CHANGE_TRIGGER in entry.rule.triggers:
            in_scope: list[CollectedResource] = [c for t in entry.rule.resource_types for c in resources.get(t, [])]
            invoking_events += [
                change_notification(
                    configuration_item(c, account_id=account_id, region=region, captured_at=stamp, state_id=index + 1),
                    stamp,
                )
                for index, c in enumerate(in_scope)
            ]
        changes = len(invoking_events)
        if PERIODIC_TRIGGER in entry.rule.triggers:
            invoking_events.append(scheduled_notification(account_id, stamp))
        with quiet(entry):
            for invoking_event in invoking_events:
                token = result_token(name, account_id=account_id, region=region, invoked_at=now)
                entry.handler(rule_event(invoking_event, config_rule, account_id=account_id, result_token=token), None)
        runs.append(RuleRun(entry.name, name, changes, len(invoking_events) - changes))
    return runs


@contextlib.contextmanager
def quiet(entry: RuleEntry) -> Iterator[None]:
    """Keep the handler's JSON logs and EMF metrics (stdout, for CloudWatch) out of the demo's output.

    On failure they are replayed on stderr: they are the operator's view of what went wrong.
    """
    captured = io.StringIO()
    handler: Any = entry.handler.logger.registered_handler
    previous = handler.setStream(captured) if isinstance(handler, logging.StreamHandler) else None
    try:
        with contextlib.redirect_stdout(captured):
            yield
    except Exception:
        sys.stderr.write(captured.getvalue())
        raise
    finally:
        if previous is not None:
            handler.setStream(previous)
