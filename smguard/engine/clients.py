"""boto3 clients for the rules: built once per warm container, retried, optionally in another account.

Building a client costs tens of milliseconds and loads a service model, so clients are cached and
reused across resources and warm invocations. In organization mode the rule runs as a role in the
member account (``ExecutionRoleName``); its credentials are cached until shortly before they
expire instead of calling STS on every invocation. STS is reached through boto3's own endpoint
resolution, which honours ``AWS_ENDPOINT_URL`` and works in every partition.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
from botocore.config import Config

from smguard import __version__
from smguard.engine.errors import DeadlineExceededError

BOTO_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5},
    connect_timeout=5,
    read_timeout=20,
    user_agent_extra=f"smguard/{__version__}",
)
"""Standard retry mode: exponential backoff with jitter on throttling, 5xx and timeouts. botocore
reads ``max_attempts`` as retries: at most 6 attempts, about 2 minutes in the worst case (6 read
timeouts); a chain of such calls is held to the function's timeout by ``invocation_deadline``."""

MAX_BACKOFF_SECONDS = 25.0
"""botocore's longest wait between two attempts: its back-off is capped at 20 s, and an
``x-amz-retry-after`` header may add at most 5 s."""
ATTEMPT_RESERVE_SECONDS = BOTO_CONFIG.connect_timeout + BOTO_CONFIG.read_timeout + MAX_BACKOFF_SECONDS + 2
"""What one more attempt may take (connect and read timeouts) plus the wait before the next attempt
is checked, plus 2 s to log, count and raise: no attempt starts with less time left."""

clock = time.monotonic
"""The time source of invocation deadlines (a fake clock in the fault tests)."""

_deadline: ContextVar[float | None] = ContextVar("smguard_invocation_deadline", default=None)


@contextmanager
def invocation_deadline(context: object) -> Iterator[None]:
    """Within the block, AWS call attempts refuse to start when the Lambda context says time is short.

    Without a Lambda context (tests, the command-line tool) there is no deadline."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    token = _deadline.set(clock() + remaining() / 1000 if callable(remaining) else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def refuse_late_attempts(event_name: str = "", **_: Any) -> None:
    """botocore ``before-send`` hook: raise instead of starting an attempt that could outlive the function."""
    deadline = _deadline.get()
    if deadline is None:
        return
    left = deadline - clock()
    if left < ATTEMPT_RESERVE_SECONDS:
        operation = event_name.rsplit(".", 1)[-1] or "an AWS call"
        raise DeadlineExceededError(
            f"{max(left, 0):.1f} s of the function's time are left, less than the {ATTEMPT_RESERVE_SECONDS:.0f} s "
            f"another {operation} attempt and its back-off may take; failing now rather than at Lambda's timeout"
        )


def _with_deadline(client: Any) -> Any:
    client.meta.events.register_first("before-send", refuse_late_attempts, unique_id="smguard-deadline")
    return client


ASSUMED_SESSION_SECONDS = 3600
REFRESH_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True)
class _AssumedRole:
    session: boto3.Session
    expires: datetime


class ClientCache:
    """Clients and assumed-role sessions shared by every invocation of one warm container."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[tuple[str | None, ...], Any] = {}
        self._roles: dict[tuple[str, str | None], _AssumedRole] = {}
        self._default_session: boto3.Session | None = None

    def client(self, service: str, region: str | None = None, role_arn: str | None = None) -> Any:
        """A client for ``service``, as this function's role or, when given, as ``role_arn``."""
        region = region or _default_region()
        endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
        with self._lock:
            if role_arn:
                assumed = self._assumed_role(role_arn, region)
                key: tuple[str | None, ...] = (service, region, endpoint, role_arn, assumed.expires.isoformat())
                session = assumed.session
            else:
                key = (service, region, endpoint)
                session = self._session()
            client = self._clients.get(key)
            if client is None:
                client = _with_deadline(session.client(service, region_name=region, config=BOTO_CONFIG))
                self._clients[key] = client
            return client

    def forget_role(self, role_arn: str) -> None:
        """Drop a role's credentials, e.g. after AWS reported them expired, so the next call re-assumes."""
        with self._lock:
            self._roles = {key: value for key, value in self._roles.items() if key[0] != role_arn}
            self._clients = {key: value for key, value in self._clients.items() if role_arn not in key}

    def clear(self) -> None:
        """Forget every client and credential (a new configuration or a new test)."""
        with self._lock:
            self._clients.clear()
            self._roles.clear()
            self._default_session = None

    def _session(self) -> boto3.Session:
        if self._default_session is None:
            self._default_session = boto3.Session()
        return self._default_session

    def _assumed_role(self, role_arn: str, region: str | None) -> _AssumedRole:
        cached = self._roles.get((role_arn, region))
        if cached and cached.expires - REFRESH_MARGIN > datetime.now(timezone.utc):
            return cached
        sts = _with_deadline(self._session().client("sts", region_name=region, config=BOTO_CONFIG))
        credentials = sts.assume_role(
            RoleArn=role_arn,
            RoleSessionName="smguard-config-rule",
            DurationSeconds=ASSUMED_SESSION_SECONDS,
        )["Credentials"]
        assumed = _AssumedRole(
            session=boto3.Session(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
                region_name=region,
            ),
            expires=_as_utc(credentials["Expiration"]),
        )
        self._roles[(role_arn, region)] = assumed
        self._clients = {key: value for key, value in self._clients.items() if role_arn not in key}
        return assumed


class ClientFactory:
    """rdklib's ClientFactory interface over the shared cache, bound to one invocation's role."""

    def __init__(self, cache: ClientCache, role_arn: str | None, region: str | None = None) -> None:
        self._cache = cache
        self.role_arn = role_arn
        self._region = region

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        role = self.role_arn if assume_role_mode else None
        return self._cache.client(service, region or self._region, role)


def _default_region() -> str | None:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


def _as_utc(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
