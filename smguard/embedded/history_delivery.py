"""Config's delivery of configuration history files to the delivery channel's S3 bucket, for the
compliance history (``compliance_history``) of the embedded AWS.

AWS (Developer Guide, "Example Configuration History Delivery Notification" and "Example Amazon
EBS Configuration History"; AWS blog "Understanding the differences between configuration history
and configuration snapshot files in AWS Config"): every six hours Config writes, per resource type
with changes, one gzipped JSON object ``{"fileVersion": "1.0", "configurationItems": [...]}`` to the
channel's bucket under
``[<prefix>/]AWSLogs/<account>/Config/<region>/<yyyy>/<m>/<d>/ConfigHistory/<account>_Config_<region>_ConfigHistory_<type>_<first>_<last>_<n>.json.gz``
(month and day without a leading zero, times as ``20160927T195818Z``). A bucket of another account
(an organization's central one) works when its policy lets Config write.

The embedded AWS has no clock of its own: :func:`deliver_compliance_history` is Config's
six-hourly delivery, run when the caller says time has come to ``until``. Decisions: windows are
aligned to 00:00, 06:00, 12:00 and 18:00 UTC; ``<first>`` and ``<last>`` are the capture times of
the window's first and last item; a window is delivered once, when complete before ``until``.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from moto.config.models import config_backends
from moto.s3.models import s3_backends

from smguard.embedded.compliance_history import RESOURCE_COMPLIANCE, ComplianceItem, compliance_history

DELIVERY_INTERVAL = timedelta(hours=6)
_DELIVERED_ATTRIBUTE = "smguard_history_delivered_until"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class DeliveryBucketMissingError(LookupError):
    """The delivery channel names a bucket that does not exist (AWS: the delivery fails)."""


def _window_start(moment: datetime) -> datetime:
    return _EPOCH + DELIVERY_INTERVAL * ((moment - _EPOCH) // DELIVERY_INTERVAL)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def history_key(prefix: str | None, account_id: str, region: str, items: list[ComplianceItem]) -> str:
    first, last = items[0].captured_at, items[-1].captured_at
    folder = f"AWSLogs/{account_id}/Config/{region}/{first.year}/{first.month}/{first.day}/ConfigHistory"
    name = f"{account_id}_Config_{region}_ConfigHistory_{RESOURCE_COMPLIANCE}_{_stamp(first)}_{_stamp(last)}_1.json.gz"
    return f"{prefix.rstrip('/')}/{folder}/{name}" if prefix else f"{folder}/{name}"


def deliver_compliance_history(account_id: str, region: str, until: datetime) -> list[str]:
    """Deliver the complete six-hour windows before ``until`` not delivered yet; returns the keys written.

    Nothing is delivered without a delivery channel (as in AWS).
    """
    backend = config_backends[account_id][region]
    channel = next(iter(backend.delivery_channels.values()), None)
    if channel is None:
        return []
    delivered_until: datetime = backend.__dict__.get(_DELIVERED_ATTRIBUTE, _EPOCH)
    complete_until = _window_start(until)
    history = compliance_history(backend)
    windows: dict[datetime, list[ComplianceItem]] = defaultdict(list)
    for compliance_id in history.resource_ids():
        for item in history.items(compliance_id):
            if delivered_until <= item.captured_at < complete_until:
                windows[_window_start(item.captured_at)].append(item)
    if windows and channel.s3_bucket_name not in s3_backends.bucket_accounts:
        raise DeliveryBucketMissingError(
            f"the delivery channel of account {account_id}, {region} names the bucket {channel.s3_bucket_name}, which does not exist"
        )
    keys = []
    for start in sorted(windows):
        items = sorted(windows[start], key=lambda item: (item.captured_at, item.resource_id))
        key = history_key(channel.s3_key_prefix, account_id, region, items)
        body = {"fileVersion": "1.0", "configurationItems": [item.to_history_file_item(account_id, region) for item in items]}
        partition, owner = s3_backends.bucket_accounts[channel.s3_bucket_name]
        s3_backends[owner][partition].put_object(channel.s3_bucket_name, key, gzip.compress(json.dumps(body).encode()))
        keys.append(key)
    backend.__dict__[_DELIVERED_ATTRIBUTE] = max(delivered_until, complete_until)
    return keys
