"""What a collector hands back, and how it reports progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from smguard.engine.rule import Resource


@dataclass(frozen=True)
class CollectedResource:
    """A resource in the recorded shape, with its ARN when the API gave one (exemptions match on it)."""

    resource: Resource
    arn: str | None = None


class ProgressTracker(Protocol):
    """Counts Describe calls as they finish, so a long sweep can show a progress bar."""

    def expect(self, count: int) -> None:
        """``count`` more calls are about to be made."""

    def advance(self) -> None:
        """One call finished."""


class SilentProgress:
    """For callers that show no progress (tests, the demo, machine-readable output)."""

    def expect(self, count: int) -> None:
        pass

    def advance(self) -> None:
        pass
