"""Which resource types a configuration recorder records, read from its recording group.

DescribeConfigurationRecorders gives the group in camelCase (``allSupported``, ``resourceTypes``,
``exclusionByResourceTypes.resourceTypes``, ``recordingStrategy.useOnly``); the recorder's own
configuration item (AWS::Config::ConfigurationRecorder) in PascalCase: both are read here. The
strategies are the Config API reference's RecordingGroup/RecordingStrategy: ALL_SUPPORTED_RESOURCE_TYPES
(``allSupported`` true), INCLUSION_BY_RESOURCE_TYPES (only ``resourceTypes``),
EXCLUSION_BY_RESOURCE_TYPES (all but the excluded).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from smguard.resources.ec2 import recorded_shape

CONFIGURATION_RECORDER = "AWS::Config::ConfigurationRecorder"
"""A system type, recorded by default wherever Config runs (AWS Config Developer Guide, "Drift
detection for the configuration recorder"): how an aggregator shows what each account records."""


def recorded_types(group: Mapping[str, Any], candidates: Iterable[str]) -> frozenset[str]:
    """Those of ``candidates`` the recording group records (every smguard type is a supported one)."""
    group = recorded_shape(dict(group))
    candidates = frozenset(candidates)
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if group.get("allSupported") is True or strategy == "ALL_SUPPORTED_RESOURCE_TYPES":
        return candidates
    if strategy == "EXCLUSION_BY_RESOURCE_TYPES":
        excluded = (group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or []
        return candidates - set(excluded)
    return candidates & set(group.get("resourceTypes") or [])
