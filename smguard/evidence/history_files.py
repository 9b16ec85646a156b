"""Reading an organization's compliance history from the configuration history files in S3.

Each account's delivery channel writes, every six hours, the ``AWS::Config::ResourceCompliance``
items recorded since the last file to its bucket (for an organization, one central bucket), under
``[<prefix>/]AWSLogs/<account>/Config/<region>/<yyyy>/<m>/<d>/ConfigHistory/`` (docs/evidence.md,
"Period evidence"). One account and region is read at a time: every such file up to the end of the
period (the state in force at its start may have been recorded long before), grouped by resource.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from smguard.evidence.episodes import RESOURCE_COMPLIANCE_TYPE, Period
from smguard.evidence.errors import AwsExportError

LIST_PAGE_SIZE = 1000
_FILE_MARKER = f"_ConfigHistory_{RESOURCE_COMPLIANCE_TYPE}_"


class HistoryFileError(AwsExportError):
    """A configuration history file that is not gzipped JSON with ``configurationItems``."""


def file_starts(key: str) -> datetime | None:
    """When the items of a ResourceCompliance history file begin (its name says), or None for another file."""
    name = key.rsplit("/", 1)[-1]
    if _FILE_MARKER not in name:
        return None
    first = name.split(_FILE_MARKER, 1)[1].split("_", 1)[0]
    try:
        return datetime.strptime(first, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


class HistoryFileReader:
    """The history files of ``bucket`` (under ``prefix``) through ``s3``, a boto3 S3 client."""

    def __init__(self, s3: Any, bucket: str, prefix: str = "") -> None:
        self.s3 = s3
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.files_read = 0

    def items(self, account_id: str, region: str, period: Period, resource_types: set[str]) -> dict[str, list[dict[str, Any]]]:
        """ResourceCompliance id -> its items recorded before the period's end, for the resources of ``resource_types``."""
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket,
            Prefix=f"{self.prefix}AWSLogs/{account_id}/Config/{region}/",
            PaginationConfig={"PageSize": LIST_PAGE_SIZE},
        )
        by_resource: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for page in pages:
            for entry in page.get("Contents", []):
                starts = file_starts(entry["Key"])
                if starts is None or starts >= period.end:
                    continue
                for item in self._file_items(entry["Key"]):
                    resource_id = str(item.get("resourceId", ""))
                    if resource_id.partition("/")[0] in resource_types:
                        by_resource[resource_id].append(item)
        return dict(sorted(by_resource.items()))

    def _file_items(self, key: str) -> list[dict[str, Any]]:
        body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        self.files_read += 1
        try:
            document = json.loads(gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body)
            items = document["configurationItems"]
            if not isinstance(items, list):
                raise TypeError("configurationItems is not a list")
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise HistoryFileError(f"s3://{self.bucket}/{key} is not a configuration history file: {error}") from None
        return [item for item in items if isinstance(item, dict) and item.get("resourceType") == RESOURCE_COMPLIANCE_TYPE]
