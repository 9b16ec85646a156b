"""Invoke a rule handler the way Lambda does and check what came out against the engine's contract.

An invocation either delivers evaluations or raises one of the engine's documented errors with a
message naming the rule; anything else (TypeError, KeyError, AttributeError, ValueError...) escapes
and fails the test with its traceback, which is the point.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import smguard.engine.errors as engine_errors
from smguard.catalogue import RuleEntry
from smguard.engine.errors import SmguardError
from smguard.engine.rule import SmguardRule
from smguard.engine.verdict import ANNOTATION_MAX_LENGTH, Compliance
from tests.hostile.world import World

DOCUMENTED_ERRORS = frozenset(
    cls for _, cls in inspect.getmembers(engine_errors, inspect.isclass) if issubclass(cls, SmguardError)
)
RESOURCE_ID_MAX_LENGTH = 768
RESOURCE_TYPE_MAX_LENGTH = 256
"""PutEvaluations' limits on ComplianceResourceId and ComplianceResourceType (botocore's model)."""


@dataclass(frozen=True)
class Outcome:
    """What one invocation did: the evaluations it delivered, or the error it raised."""

    delivered: tuple[tuple[str, str, str, str, str], ...] | None = None
    error: tuple[type[SmguardError], str] | None = None

    @property
    def compliance(self) -> tuple[str, ...]:
        return tuple(entry[2] for entry in self.delivered or ())


def invoke(entry: RuleEntry, event: dict[str, Any], world: World) -> Outcome:
    world.recorder.calls.clear()
    try:
        returned = entry.handler(world.localise(event), None)
    except SmguardError as error:
        return Outcome(error=(type(error), str(error)))
    delivered = tuple(
        (e["ComplianceResourceType"], e["ComplianceResourceId"], e["ComplianceType"], e["Annotation"], str(e["OrderingTimestamp"]))
        for e in world.recorder.evaluations
    )
    assert [entry[:2] for entry in delivered] == [
        (e["ComplianceResourceType"], e["ComplianceResourceId"]) for e in returned
    ], "the handler returned other evaluations than it delivered"
    return Outcome(delivered=delivered)


def check_contract(entry: RuleEntry, outcome: Outcome, item: dict[str, Any] | None = None) -> None:
    """The engine's promise for any input: valid evaluations, or a documented, named error."""
    if outcome.error is not None:
        error_type, message = outcome.error
        assert error_type in DOCUMENTED_ERRORS, f"undocumented error {error_type.__name__}: {message}"
        prefix = f"rule {entry.name}, "
        assert message.startswith(prefix) and len(message) > len(prefix) + 10, f"unclear message: {message!r}"
        return
    assert outcome.delivered is not None
    if item is not None:
        assert len(outcome.delivered) == 1, f"a change event must give exactly one evaluation: {outcome.delivered}"
        resource_type, resource_id, _, _, timestamp = outcome.delivered[0]
        assert (resource_type, resource_id) == (item["resourceType"], item["resourceId"])
        assert timestamp == item["configurationItemCaptureTime"]
    keys = set()
    for resource_type, resource_id, compliance, annotation, timestamp in outcome.delivered:
        assert compliance in Compliance.__members__, compliance
        assert 1 <= len(annotation) <= ANNOTATION_MAX_LENGTH, (len(annotation), annotation)
        assert 1 <= len(resource_id) <= RESOURCE_ID_MAX_LENGTH, len(resource_id)
        assert 1 <= len(resource_type) <= RESOURCE_TYPE_MAX_LENGTH, len(resource_type)
        assert timestamp
        keys.add((resource_type, resource_id))
    assert len(keys) == len(outcome.delivered), "one resource evaluated twice in one invocation"


def invoke_checked(entry: RuleEntry, event: dict[str, Any], world: World, item: dict[str, Any] | None = None) -> Outcome:
    """Invoke twice (a warm container sees the same event again on retry): same input, same result."""
    item = world.localise(item) if item is not None else None
    first = invoke(entry, event, world)
    check_contract(entry, first, item)
    again = invoke(entry, event, world)
    assert again == first, f"the same event gave different results:\n{first}\n{again}"
    return first


@dataclass
class CheckCalls:
    """The resource ids a rule's ``check`` was called for, and how many of the calls returned a verdict."""

    resource_ids: list[str] = field(default_factory=list)
    verdicts: int = 0


@contextmanager
def counting_checks(rule: SmguardRule) -> Iterator[CheckCalls]:
    """Count the calls of the rule's real ``check`` (the handler calls it through the rule object):
    how a property test knows its input got past the envelope to the decision."""
    calls = CheckCalls()
    real = rule.check

    def check(resource: Any, parameters: Any, facts: Any) -> Any:
        calls.resource_ids.append(resource.resource_id)
        verdict = real(resource, parameters, facts)
        calls.verdicts += 1
        return verdict

    vars(rule)["check"] = check
    try:
        yield calls
    finally:
        del vars(rule)["check"]
