"""Exceptions the rule engine raises.

Every failure ends the invocation with one of these, so that Lambda's Errors metric, its
asynchronous retries and the failure destination see it. Each message says which rule, which
resource, which API call or parameter, and what to do: the reader is an operator looking at one
log line.
"""

from __future__ import annotations

from typing import Any


class SmguardError(Exception):
    """Base class of every error the engine raises on purpose."""


class InvalidEventError(SmguardError):
    """The Lambda event is not an AWS Config rule event the engine understands."""


class InvalidRuleParameterError(SmguardError):
    """A rule parameter is unknown or does not have the expected format."""

    def __init__(self, parameter: str, problem: str) -> None:
        self.parameter = parameter
        super().__init__(f"rule parameter {parameter!r}: {problem}")


class ConfigurationItemUnavailableError(SmguardError):
    """The configuration item of an oversized notification could not be read from AWS Config."""


class AwsCallError(SmguardError):
    """An AWS API call the rule depends on failed; the rule cannot decide compliance without it."""

    def __init__(self, operation: str, error_code: str, message: str, remedy: str) -> None:
        self.operation = operation
        self.error_code = error_code
        super().__init__(f"{operation} failed with {error_code}: {message}. {remedy}")


class EvaluationsRefusedError(SmguardError):
    """AWS Config refused some evaluations even after retries; they were not delivered."""

    def __init__(self, refused: list[dict[str, Any]]) -> None:
        self.refused = refused
        resources = ", ".join(
            f"{entry['ComplianceResourceType']} {entry['ComplianceResourceId']}" for entry in refused
        )
        super().__init__(
            f"AWS Config refused {len(refused)} evaluation(s) after retries, not delivered: {resources}"
        )


class EvaluationsNotDeliveredError(SmguardError):
    """A PutEvaluations call failed for good part-way through a delivery; says which evaluations it left undelivered.

    The handler reports the underlying failure (``cause``) and adds the undelivered evaluations when
    the invocation had more than one (a single one is named by the error's target already)."""

    def __init__(self, undelivered: list[dict[str, Any]], total: int, cause: Exception) -> None:
        self.undelivered = undelivered
        self.total = total
        self.cause = cause
        super().__init__(f"PutEvaluations failed: {self.summary}")

    @property
    def summary(self) -> str:
        resources = ", ".join(
            f"{entry['ComplianceResourceType']} {entry['ComplianceResourceId']}" for entry in self.undelivered
        )
        return f"{len(self.undelivered)} of {self.total} evaluation(s) not delivered: {resources}"


class DeadlineExceededError(SmguardError):
    """Too little of the Lambda function's time is left for one more AWS call attempt and its back-off.

    Failing before the timeout lets the handler name what was not done; a timeout only logs
    "Task timed out"."""


class RuleDefinitionError(SmguardError):
    """A rule's code broke the engine's contract (a programming error, not bad input)."""


class MissingFactError(SmguardError):
    """A check needed a fact that was not gathered (e.g. a KMS key that a template cannot resolve)."""


class ExemptionRegisterError(SmguardError):
    """The central exemption register is missing, unreadable or invalid; nothing is evaluated without it."""

    def __init__(self, parameter_name: str, problem: str, entry: int | None = None) -> None:
        self.parameter_name = parameter_name
        self.entry = entry
        where = f"exemption register {parameter_name!r}" + (f", exemptions[{entry}]" if entry is not None else "")
        super().__init__(f"{where}: {problem}")
