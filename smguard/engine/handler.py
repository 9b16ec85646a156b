"""The Lambda entry point shared by every rule: rdklib's Evaluator, with its failure modes fixed.

rdklib 0.3.10 returns error dictionaries instead of raising, ignores ``FailedEvaluations``,
calls a hard-coded STS endpoint and assumes Config's own role by default. This handler raises on
every failure (so Lambda's Errors metric, retries and failure destination work), delivers every
evaluation or names what it could not deliver, assumes a role only when ``ExecutionRoleName`` is
set, and never reports COMPLIANT for a resource whose configuration it could not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import rdklib
from botocore.exceptions import BotoCoreError, ClientError

from smguard.engine.cleanup import stale_evaluations
from smguard.engine.clients import ClientCache, ClientFactory, invocation_deadline
from smguard.engine.delivery import RetryPolicy, put_evaluations
from smguard.engine.errors import (
    AwsCallError,
    EvaluationsNotDeliveredError,
    InvalidEventError,
    RuleDefinitionError,
    SmguardError,
)
from smguard.engine.events import OVERSIZED_CHANGE, SCHEDULED, RuleEvent, parse_event
from smguard.engine.exemptions import (
    SHARED_EXEMPTION_REGISTERS,
    SSM_PARAMETER_NAME,
    ExemptionRegisters,
    apply_exemptions,
    known_arn,
)
from smguard.engine.items import fetch_item, is_gone, item_from_change, summary_from_oversized
from smguard.engine.observability import emit_error_metric, emit_evaluation_metrics, rule_logger
from smguard.engine.parameters import Pattern, RuleParameters, parameter
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER, SmguardRule, VerdictEvaluation
from smguard.engine.verdict import ANNOTATION_MAX_LENGTH, Compliance, Finding, Verdict

SHARED_CLIENTS = ClientCache()
"""One cache per container: every rule handler in the process shares clients and credentials."""

EXPIRED_CREDENTIAL_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
Findings = dict[tuple[str, str], tuple[str | Finding, ...]]
"""(resource type, id) -> the findings of the verdict behind a NON_COMPLIANT result."""

THROTTLING_CODES = frozenset(
    {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "ThrottledException"}
)


@dataclass(frozen=True)
class EngineParameters(RuleParameters):
    """Parameters every rule accepts, read by the engine rather than by the rule."""

    execution_role_name: str | None = parameter(
        "ExecutionRoleName",
        Pattern(r"[\w+=,.@-]{1,64}", "an IAM role name"),
        None,
        "Organization mode: the IAM role, in each member account, that the function assumes to read resources "
        "and post evaluations there. Not set: the function's own role is used. See [engine.md](engine.md).",
    )

    exemptions_parameter_name: str | None = parameter(
        "ExemptionsParameterName",
        Pattern(SSM_PARAMETER_NAME, "an SSM parameter name starting with / (e.g. /smguard/exemptions)"),
        None,
        "The SSM parameter holding the central exemption register, read with the function's own role. "
        "Not set: no exemptions. See [exemptions.md](exemptions.md).",
    )


def parse_parameters(rule: SmguardRule, raw: Mapping[str, object]) -> tuple[EngineParameters, RuleParameters]:
    """Split a Config rule's parameters into the engine's and the rule's own, and parse both.

    An unknown name is reported against both lists, so a misspelt ExecutionRoleName is not met
    with "this rule accepts: none".
    """
    engine_names = [spec.name for spec in EngineParameters.specs()]
    return (
        EngineParameters.parse({k: v for k, v in raw.items() if k in engine_names}),
        rule.evaluate_parameters({k: v for k, v in raw.items() if k not in engine_names}, engine_names),
    )


class RuleHandler:
    """Callable as ``lambda_handler(event, context)`` for one rule."""

    def __init__(
        self,
        rule: SmguardRule,
        *,
        clients: ClientCache = SHARED_CLIENTS,
        retry_policy: RetryPolicy = RetryPolicy(),
        exemptions: ExemptionRegisters = SHARED_EXEMPTION_REGISTERS,
    ) -> None:
        self.rule = rule
        self.clients = clients
        self.retry_policy = retry_policy
        self.exemptions = exemptions
        self.logger = rule_logger(rule.name)
        self._parsed_parameters: dict[str, tuple[EngineParameters, RuleParameters]] = {}

    def __call__(self, event: Mapping[str, Any], context: object = None) -> list[dict[str, Any]]:
        target = "the event"
        role_arn = None
        with invocation_deadline(context):
            try:
                rule_event = parse_event(event)
                target = _target(rule_event)
                engine_parameters, parameters = self.parameters(rule_event)
                role_arn = self._role_arn(rule_event, engine_parameters)
                factory = ClientFactory(self.clients, role_arn)
                if rule_event.message_type == SCHEDULED:
                    evaluations, findings = self._evaluate_periodic(rule_event, factory, parameters)
                else:
                    evaluations, findings = self._evaluate_change(rule_event, factory, parameters)
                evaluations = self._apply_exemptions(evaluations, findings, rule_event, engine_parameters)
                put_evaluations(
                    factory.build_client("config"),
                    evaluations,
                    rule_event.result_token,
                    test_mode=rule_event.test_mode,
                    retry_policy=self.retry_policy,
                )
            except Exception as error:  # noqa: BLE001 - every failure is logged, counted and re-raised
                failure = self._failure(error, target, role_arn)
                if failure is error:
                    raise
                raise failure from error
        emit_evaluation_metrics(self.rule.name, evaluations)
        return evaluations

    def parameters(self, rule_event: RuleEvent) -> tuple[EngineParameters, RuleParameters]:
        """Parse the rule parameters once per distinct value for the life of the container."""
        cached = self._parsed_parameters.get(rule_event.raw_rule_parameters)
        if cached is None:
            cached = parse_parameters(self.rule, rule_event.rule_parameters)
            self._parsed_parameters[rule_event.raw_rule_parameters] = cached
        return cached

    def _evaluate_change(
        self, rule_event: RuleEvent, factory: ClientFactory, parameters: RuleParameters
    ) -> tuple[list[dict[str, Any]], Findings]:
        if CHANGE_TRIGGER not in self.rule.triggers:
            raise InvalidEventError(
                f"{rule_event.message_type} received, but this rule is periodic only; "
                "remove the configuration-change trigger from the Config rule"
            )
        if rule_event.message_type == OVERSIZED_CHANGE:
            item = summary_from_oversized(rule_event.invoking_event)
            if not (rule_event.event_left_scope or is_gone(item)):
                item = fetch_item(factory.build_client("config"), item["resourceType"], item["resourceId"])
        else:
            item = item_from_change(rule_event.invoking_event)
        if rule_event.event_left_scope:
            results = [_not_applicable("The resource left the rule's scope.")]
        elif is_gone(item):
            results = [_not_applicable(f"The resource is {item['configurationItemStatus']}.")]
        elif item["resourceType"] not in self.rule.resource_types:
            results = [
                _not_applicable(
                    f"{item['resourceType']} is outside this rule's scope "
                    f"({', '.join(self.rule.resource_types)})."
                )
            ]
        else:
            results = self.rule.evaluate_change(rule_event.raw, factory, item, parameters)
        return self._serialise(results, item["configurationItemCaptureTime"], item)

    def _evaluate_periodic(
        self, rule_event: RuleEvent, factory: ClientFactory, parameters: RuleParameters
    ) -> tuple[list[dict[str, Any]], Findings]:
        if PERIODIC_TRIGGER not in self.rule.triggers:
            raise InvalidEventError(
                "ScheduledNotification received, but this rule is change-triggered only; "
                "remove MaximumExecutionFrequency from the Config rule"
            )
        if not rule_event.config_rule_name:
            raise InvalidEventError("configRuleName is missing; a periodic rule needs it to retire old results")
        timestamp = rule_event.notification_time
        results = self.rule.evaluate_periodic(rule_event.raw, factory, parameters)
        evaluations, findings = self._serialise(results, timestamp, None)
        if self.rule.delete_old_evaluations_on_scheduled_notification:
            current = {(e["ComplianceResourceType"], e["ComplianceResourceId"]) for e in evaluations}
            evaluations += stale_evaluations(
                factory.build_client("config"),
                rule_event.config_rule_name,
                self.rule.resource_types,
                current,
                timestamp,
            )
        return evaluations, findings

    def _apply_exemptions(
        self,
        evaluations: list[dict[str, Any]],
        findings: Findings,
        rule_event: RuleEvent,
        engine_parameters: EngineParameters,
    ) -> list[dict[str, Any]]:
        """Apply the central exemption register, read with the function's own role, not the member account's."""
        parameter_name = engine_parameters.exemptions_parameter_name
        if parameter_name is None:
            return evaluations
        register = self.exemptions.get(self.clients.client("ssm"), parameter_name)
        recorded = _recorded_arns(rule_event)
        region = _rule_region(rule_event)
        arns = {}
        for evaluation in evaluations:
            key = (evaluation["ComplianceResourceType"], evaluation["ComplianceResourceId"])
            arn = recorded.get(key) or known_arn(
                *key, partition=rule_event.partition, region=region, account=rule_event.account_id
            )
            if arn:
                arns[key] = arn
        result = apply_exemptions(evaluations, register, self.rule.name, self.exemptions.today(), arns, findings)
        exempted = [
            f"{new['ComplianceResourceType']} {new['ComplianceResourceId']}"
            for old, new in zip(evaluations, result)
            if old["ComplianceType"] != new["ComplianceType"]
        ]
        if exempted:
            self.logger.info(
                "exemptions applied", extra={"rule": self.rule.name, "register": parameter_name, "exempted": exempted}
            )
        return result

    def _serialise(
        self, results: object, timestamp: str, item: Mapping[str, Any] | None
    ) -> tuple[list[dict[str, Any]], Findings]:
        """Validate what the rule returned and turn it into PutEvaluations entries, with the findings
        of the verdicts behind them (for an expired exemption's annotation)."""
        if not isinstance(results, list) or not all(isinstance(r, rdklib.Evaluation) for r in results):
            raise RuleDefinitionError(f"rule {self.rule.name} must return a list of rdklib.Evaluation")
        evaluations = []
        findings: Findings = {}
        seen = set()
        for result in results:
            resource_type = result.complianceResourceType or (item or {}).get("resourceType")
            resource_id = result.complianceResourceId or (item or {}).get("resourceId")
            if not resource_type or not resource_id:
                raise RuleDefinitionError(f"rule {self.rule.name} returned an evaluation without a resource type and id")
            if result.complianceType not in Compliance.__members__:
                raise RuleDefinitionError(f"rule {self.rule.name} returned compliance type {result.complianceType!r}")
            if not 1 <= len(result.annotation or "") <= ANNOTATION_MAX_LENGTH:
                raise RuleDefinitionError(
                    f"rule {self.rule.name} returned an annotation of {len(result.annotation or '')} characters "
                    f"for {resource_type} {resource_id}; AWS Config accepts 1 to {ANNOTATION_MAX_LENGTH}"
                )
            if (resource_type, resource_id) in seen:
                raise RuleDefinitionError(f"rule {self.rule.name} evaluated {resource_type} {resource_id} twice")
            seen.add((resource_type, resource_id))
            if isinstance(result, VerdictEvaluation) and result.findings:
                findings[(resource_type, resource_id)] = result.findings
            evaluations.append(
                {
                    "ComplianceResourceType": resource_type,
                    "ComplianceResourceId": resource_id,
                    "ComplianceType": result.complianceType,
                    "Annotation": result.annotation,
                    "OrderingTimestamp": timestamp,
                }
            )
        return evaluations, findings

    def _role_arn(self, rule_event: RuleEvent, engine_parameters: EngineParameters) -> str | None:
        role_name = engine_parameters.execution_role_name
        if role_name is None:
            return None
        if not rule_event.account_id:
            raise InvalidEventError("accountId is missing; it is needed to assume ExecutionRoleName")
        return f"arn:{rule_event.partition}:iam::{rule_event.account_id}:role/{role_name}"

    def _failure(self, error: Exception, target: str, role_arn: str | None) -> Exception:
        """Log one structured line, count the error, and give the exception a message an operator can act on."""
        undelivered = None
        if isinstance(error, EvaluationsNotDeliveredError):
            undelivered, error = error, error.cause
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "Unknown")
            if code in EXPIRED_CREDENTIAL_CODES and role_arn:
                self.clients.forget_role(role_arn)
            error = AwsCallError(
                error.operation_name,
                code,
                error.response.get("Error", {}).get("Message", str(error)),
                _remedy(code, error.operation_name, role_arn),
            )
        elif isinstance(error, BotoCoreError):
            error = AwsCallError(
                "an AWS call", type(error).__name__, str(error),
                "The call did not complete after retries; Lambda retries the invocation.",
            )
        if isinstance(error, SmguardError):
            message = error.args[0] if error.args else str(error)
            if undelivered is not None and undelivered.total > 1:
                message = f"{message} {undelivered.summary}"
            error.args = (f"rule {self.rule.name}, {target}: {message}",)
        self.logger.exception(
            str(error),
            extra={"rule": self.rule.name, "target": target, "error_type": type(error).__name__},
        )
        emit_error_metric(self.rule.name)
        return error


def _target(rule_event: RuleEvent) -> str:
    """What the invocation is about, for error messages; read leniently since the event may be broken."""
    if rule_event.message_type == SCHEDULED:
        return f"the periodic evaluation of account {rule_event.account_id or 'unknown'}"
    item = rule_event.invoking_event.get("configurationItem") or rule_event.invoking_event.get("configurationItemSummary")
    if isinstance(item, Mapping) and isinstance(item.get("resourceType"), str) and isinstance(item.get("resourceId"), str):
        return f"{item['resourceType']} {item['resourceId']}"
    return "the event"


def _recorded_arns(rule_event: RuleEvent) -> dict[tuple[str, str], str]:
    """The ARN AWS Config recorded for a change notification's item (the oversized summary has it too)."""
    item = rule_event.invoking_event.get("configurationItem") or rule_event.invoking_event.get("configurationItemSummary")
    if isinstance(item, Mapping) and all(isinstance(item.get(key), str) and item[key] for key in ("resourceType", "resourceId", "ARN")):
        return {(item["resourceType"], item["resourceId"]): item["ARN"]}
    return {}


def _rule_region(rule_event: RuleEvent) -> str | None:
    """The region the Config rule evaluates, from its ARN (arn:partition:config:region:account:...)."""
    arn = rule_event.raw.get("configRuleArn")
    if isinstance(arn, str) and arn.startswith("arn:") and arn.count(":") >= 5:
        return arn.split(":")[3] or None
    return None


def _not_applicable(reason: str) -> rdklib.Evaluation:
    verdict = Verdict.not_applicable(reason)
    return rdklib.Evaluation(verdict.compliance.value, annotation=verdict.annotation)


def _remedy(code: str, operation: str, role_arn: str | None) -> str:
    who = f"the execution role {role_arn}" if role_arn else "the rule function's role"
    if code in ACCESS_DENIED_CODES:
        return f"Allow {operation} for {who}; nothing was evaluated as COMPLIANT."
    if code in THROTTLING_CODES:
        return "AWS throttled the call after retries; the invocation fails so that Lambda retries it."
    if code in EXPIRED_CREDENTIAL_CODES:
        return "The assumed-role session expired; cached credentials were dropped and the retry re-assumes the role."
    return "The invocation fails so that Lambda retries it; check the rule's configuration if it persists."
