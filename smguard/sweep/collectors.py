"""Which collector reads which resource type: the one table a new resource type is added to."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor

from smguard.sweep import ec2, sagemaker
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import CollectedResource, ProgressTracker

Collector = Callable[[SweepClients, Executor, ProgressTracker], list[CollectedResource]]

COLLECTORS: Mapping[str, Collector] = {
    sagemaker.NOTEBOOK: sagemaker.collect_notebook_instances,
    sagemaker.ENDPOINT_CONFIG: sagemaker.collect_endpoint_configs,
    sagemaker.DOMAIN: sagemaker.collect_domains,
    sagemaker.MODEL: sagemaker.collect_models,
    ec2.SECURITY_GROUP: ec2.collect_security_groups,
    ec2.VPC: ec2.collect_vpcs,
}


class UnsupportedResourceTypeError(ValueError):
    """A rule is scoped to a resource type that no collector reads."""


def collect(
    resource_types: Iterable[str], clients: SweepClients, pool: Executor, progress: ProgressTracker
) -> dict[str, list[CollectedResource]]:
    """Every resource of the given types, by type; each type is read once however many rules use it."""
    wanted = sorted(set(resource_types))
    unsupported = [t for t in wanted if t not in COLLECTORS]
    if unsupported:
        raise UnsupportedResourceTypeError(
            f"no collector reads {', '.join(unsupported)}; supported: {', '.join(sorted(COLLECTORS))}"
        )
    return {resource_type: COLLECTORS[resource_type](clients, pool, progress) for resource_type in wanted}
