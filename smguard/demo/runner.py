"""Invoke the rules deployed in an account of the embedded AWS, as AWS Config invokes their functions.

Every Config rule of the account whose source is one of the deployed functions gets what Config
would send it, built from the rule as deployed (DescribeConfigRules): one change notification per
resource of its Scope.ComplianceResourceTypes when its SourceDetails hold change notifications, one
scheduled notification when they hold ScheduledNotification, each with a result token issued for
that rule, so PutEvaluations stores the results under the rule as Config does. In an organization
that covers the rules of the member accounts' copies of the organization conformance pack too:
their source is the function in the deploying account, which then acts in the member account
through its execution role.
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

from smguard.catalogue import discover, rule_names
from smguard.demo import environment
from smguard.deploy.naming import rule_of
from smguard.demo.notifications import (
    change_notification,
    configuration_item,
    rule_event,
    scheduled_notification,
)
from smguard.embedded import result_token
from smguard.embedded.stack import DeployedRule, deploy_config_rules, stack_parameters
from smguard.engine.handler import RuleHandler
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import CollectedResource, SilentProgress
from smguard.sweep.collectors import collect

CHANGE_MESSAGE = "ConfigurationItemChangeNotification"
SCHEDULED_MESSAGE = "ScheduledNotification"


class UnknownDeployedRuleError(LookupError):
    """A Config rule invokes one of the deployed functions but is none of the catalogue's rules."""


@dataclass(frozen=True)
class RuleRun:
    """What one Config rule of one account was sent."""

    rule: str
    """The rule's short name (its folder)."""
    config_rule_name: str
    """Its name in the account, as the Config console shows it."""
    account_id: str
    change_notifications: int
    scheduled_notifications: int


def run_rules(
    session: boto3.Session,
    deployed: Sequence[DeployedRule],
    *,
    account_id: str,
    now: datetime,
) -> list[RuleRun]:
    """Invoke every Config rule of ``session``'s account that a ``deployed`` function evaluates, in
    name order; a handler that fails stops the demo with its own error."""
    handlers = {rule.function_arn: rule.lambda_handler() for rule in deployed}
    config = session.client("config")
    config_rules = sorted(
        (
            rule
            for page in config.get_paginator("describe_config_rules").paginate()
            for rule in page["ConfigRules"]
            if rule["Source"].get("SourceIdentifier") in handlers
        ),
        key=lambda rule: rule["ConfigRuleName"],
    )
    in_scope = {t for rule in config_rules for t in rule.get("Scope", {}).get("ComplianceResourceTypes", [])}
    with ThreadPoolExecutor(max_workers=4) as pool:
        resources = collect(in_scope, SweepClients(session), pool, SilentProgress())
    known = rule_names()
    runs = []
    for config_rule in config_rules:
        rule = rule_of(config_rule["ConfigRuleName"], known)
        if rule is None:
            raise UnknownDeployedRuleError(f"the Config rule {config_rule['ConfigRuleName']} is none of {', '.join(known)}")
        handler = handlers[config_rule["Source"]["SourceIdentifier"]]
        changes, scheduled = invoke(handler, config_rule, resources, account_id=account_id, region=session.region_name, now=now)
        runs.append(RuleRun(rule, config_rule["ConfigRuleName"], account_id, changes, scheduled))
    return runs


def invoke(
    handler: RuleHandler,
    config_rule: Mapping[str, Any],
    resources: Mapping[str, list[CollectedResource]],
    *,
    account_id: str,
    region: str,
    now: datetime,
) -> tuple[int, int]:
    """Send ``config_rule``'s function what Config sends for it; returns (change, scheduled) notifications sent."""
    stamp = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    messages = {detail.get("MessageType") for detail in config_rule["Source"].get("SourceDetails", [])}
    invoking_events = []
    if CHANGE_MESSAGE in messages:
        in_scope = [c for t in config_rule.get("Scope", {}).get("ComplianceResourceTypes", []) for c in resources.get(t, [])]
        invoking_events += [
            change_notification(
                configuration_item(c, account_id=account_id, region=region, captured_at=stamp, state_id=index + 1), stamp
            )
            for index, c in enumerate(in_scope)
        ]
    changes = len(invoking_events)
    if SCHEDULED_MESSAGE in messages:
        invoking_events.append(scheduled_notification(account_id, stamp))
    with quiet(handler):
        for invoking_event in invoking_events:
            token = result_token(config_rule["ConfigRuleName"], account_id=account_id, region=region, invoked_at=now)
            handler(rule_event(invoking_event, config_rule, account_id=account_id, result_token=token), None)
    return changes, len(invoking_events) - changes


@contextlib.contextmanager
def quiet(rule_handler: RuleHandler) -> Iterator[None]:
    """Keep the handler's JSON logs and EMF metrics (stdout, for CloudWatch) out of the demo's output.

    On failure they are replayed on stderr: they are the operator's view of what went wrong.
    """
    captured = io.StringIO()
    handler: Any = rule_handler.logger.registered_handler
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


def deploy(session: boto3.Session, env: environment.DemoEnvironment) -> list[DeployedRule]:
    """Deploy template.yaml's account rules (and their remediation) in the demo account, with the parameters it needs."""
    entries = discover()
    parameters = stack_parameters(environment.rule_parameters(env, [entry.name for entry in entries]), entries)
    return deploy_config_rules(
        session,
        {"DeploymentScope": "Account", **parameters, **environment.STACK_PARAMETERS},
        account_id=environment.ACCOUNT_ID,
    )
