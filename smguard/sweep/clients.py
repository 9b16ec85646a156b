"""boto3 clients for a sweep: one session, adaptive retries, safe to share between threads."""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from smguard import __version__

DEFAULT_MAX_WORKERS = 8
"""Concurrent Describe calls. SageMaker's Describe APIs are throttled per account; adaptive retries
slow every thread down together when AWS pushes back, so more threads would only queue."""
MAX_WORKERS_LIMIT = 32

SWEEP_BOTO_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 10},
    max_pool_connections=MAX_WORKERS_LIMIT,
    connect_timeout=5,
    read_timeout=30,
    user_agent_extra=f"smguard/{__version__} smguard-evaluate",
)
"""Adaptive mode adds client-side rate limiting on top of backoff: a sweep of thousands of
resources backs off as a whole on throttling instead of each call retrying blindly."""


class ClientSetupError(Exception):
    """A client cannot be built from the session's settings (e.g. a malformed endpoint URL)."""


class SweepClients:
    """rdklib's ClientFactory interface (``build_client``) over one boto3 session.

    A rule's ``gather_facts`` calls ``build_client`` exactly as it does in Lambda; here the clients
    belong to the caller's profile and region. ``boto3.Session.client`` is not thread-safe, so
    clients are built under a lock and then shared (boto3 clients are thread-safe).
    """

    def __init__(self, session: boto3.Session, config: Config = SWEEP_BOTO_CONFIG) -> None:
        self.session = session
        self.config = config
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str | None], Any] = {}

    @property
    def region(self) -> str | None:
        return self.session.region_name

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        """A cached client; ``assume_role_mode`` is accepted for rdklib compatibility and ignored:
        a sweep reads the account of the chosen profile, it never assumes a rule's role."""
        key = (service, region or self.region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                try:
                    client = self.session.client(service, region_name=key[1], config=self.config)
                except ValueError as error:
                    # botocore raises a bare ValueError for a malformed endpoint (AWS_ENDPOINT_URL, endpoint_url in
                    # the profile) and InvalidRegionError, also a ValueError, for a malformed region.
                    raise ClientSetupError(
                        f"cannot create the {service} client: {error}; check AWS_ENDPOINT_URL, the region and the profile"
                    ) from error
                self._clients[key] = client
            return client
