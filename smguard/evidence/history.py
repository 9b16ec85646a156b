"""Reading one account's compliance history from AWS Config: which resources have one, and each one's items.

The history is AWS Config's own: ``AWS::Config::ResourceCompliance`` configuration items, one per
change of a resource's results, listed with ListDiscoveredResources (deleted resources included)
and read with GetResourceConfigHistory (docs/evidence.md, "Period evidence"). Each resource's items
are read newest first from the end of the period, at AWS's largest page (100), until the first
item at or before the period's start: the state in force when the period began. AWS limits one
call to seven days of history, so a year costs at least 53 calls per resource; the resources are
read by a few threads at once (boto3 clients are thread-safe), in a fixed order so the bundle
does not depend on timing.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from smguard.evidence.episodes import RESOURCE_COMPLIANCE_TYPE, Period

HISTORY_PAGE_SIZE = 100
DISCOVERED_PAGE_SIZE = 100
READERS = 4
"""Resources read at once: enough to hide the latency of one call, few enough to stay under
Config's request rate (the adaptive retry mode slows down on throttling either way)."""


class ComplianceHistoryReader:
    """The compliance history of the account and region of ``config`` (a boto3 Config client)."""

    def __init__(self, config: Any) -> None:
        self.config = config

    def records_history(self) -> bool:
        """Whether a started configuration recorder of the account and region records
        AWS::Config::ResourceCompliance (every supported type, or that type named and not excluded)."""
        recorders = self.config.describe_configuration_recorders()["ConfigurationRecorders"]
        statuses = {s["name"]: s.get("recording", False) for s in self.config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]}
        for recorder in recorders:
            group = recorder.get("recordingGroup", {})
            strategy = group.get("recordingStrategy", {}).get("useOnly", "ALL_SUPPORTED_RESOURCE_TYPES")
            if strategy == "EXCLUSION_BY_RESOURCE_TYPES":
                recorded = RESOURCE_COMPLIANCE_TYPE not in group.get("exclusionByResourceTypes", {}).get("resourceTypes", [])
            else:
                recorded = group.get("allSupported", True) or RESOURCE_COMPLIANCE_TYPE in group.get("resourceTypes", [])
            if statuses.get(recorder["name"]) and recorded:
                return True
        return False

    def resources(self, resource_types: set[str]) -> list[str]:
        """The ResourceCompliance ids (``<type>/<id>``) of the resources of ``resource_types`` with a
        compliance history, deleted ones included, sorted."""
        pages = self.config.get_paginator("list_discovered_resources").paginate(
            resourceType=RESOURCE_COMPLIANCE_TYPE,
            includeDeletedResources=True,
            PaginationConfig={"PageSize": DISCOVERED_PAGE_SIZE},
        )
        return sorted(
            resource["resourceId"]
            for page in pages
            for resource in page["resourceIdentifiers"]
            if resource["resourceId"].partition("/")[0] in resource_types
        )

    def items(self, compliance_id: str, period: Period) -> list[dict[str, Any]]:
        """The items of one resource captured before the period's end, back to the last one at or
        before its start (the state in force then), newest first."""
        pages = self.config.get_paginator("get_resource_config_history").paginate(
            resourceType=RESOURCE_COMPLIANCE_TYPE,
            resourceId=compliance_id,
            laterTime=period.end,
            chronologicalOrder="Reverse",
            PaginationConfig={"PageSize": HISTORY_PAGE_SIZE},
        )
        items: list[dict[str, Any]] = []
        for page in pages:
            items += page["configurationItems"]
            if any(item["configurationItemCaptureTime"] <= period.start for item in page["configurationItems"]):
                break
        return items

    def histories(self, compliance_ids: list[str], period: Period) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """(id, items) for every resource, in the order given, read ``READERS`` at a time."""
        with ThreadPoolExecutor(max_workers=READERS) as pool:
            yield from zip(compliance_ids, pool.map(lambda rid: self.items(rid, period), compliance_ids))
