"""Configuration items for the demo's accounts, so ``smguard evaluate --source config`` and
``--aggregator`` have recorded items to read.

Config is turned on in each account by :func:`smguard.demo.history.enable_config` (a recorder of
every supported type, started); once everything is built, deployed and judged, the embedded AWS
records each account as its recorder would (:func:`smguard.embedded.recorded_config.record`).
"""

from __future__ import annotations

from collections.abc import Iterable

import boto3

from smguard.demo.history import enable_config, history_bucket
from smguard.demo.organization import DemoOrganization
from smguard.embedded.recorded_config import record


def record_accounts(sessions: Iterable[boto3.Session]) -> int:
    """Record each account (its session's region); the items stored."""
    return sum(record(session) for session in sessions)


def record_organization(management: boto3.Session, built: DemoOrganization) -> int:
    """Record every account of the demo organization; the management account, which holds no
    copy of the organization conformance pack, gets Config turned on first, as the organization's baseline does everywhere."""
    enable_config(management, built.management_account_id, history_bucket(built.security.account_id), built.organization_id)
    return record_accounts([management, *(built.sessions[account_id] for account_id in sorted(built.sessions))])
