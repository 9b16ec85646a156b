"""Read every resource of the asked types, each with its own type's Describe reading (smguard.resources)."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor

from smguard.resources import resource_types as defined_types
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import CollectedResource, ProgressTracker


class UnsupportedResourceTypeError(ValueError):
    """A rule is scoped to a resource type that no module of smguard/resources/types defines."""


def collect(
    resource_types: Iterable[str], clients: SweepClients, pool: Executor, progress: ProgressTracker
) -> dict[str, list[CollectedResource]]:
    """Every resource of the given types, by type; each type is read once however many rules use it."""
    wanted = sorted(set(resource_types))
    known = defined_types()
    unsupported = [t for t in wanted if t not in known]
    if unsupported:
        raise UnsupportedResourceTypeError(f"no collector reads {', '.join(unsupported)}; supported: {', '.join(known)}")
    return {
        resource_type: [CollectedResource(resource, arn) for resource, arn in known[resource_type].describe(clients, pool, progress)]
        for resource_type in wanted
    }
