"""An AWS for the demo, isolated from any real account: moto in this process, or served over HTTP.

``embedded_aws`` intercepts boto3 in this process (``mock_aws``); ``served_aws`` runs the same
backends behind a local endpoint (``smguard demo --serve``), which other processes reach through
``AWS_ENDPOINT_URL`` and this process's handlers too.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

from moto import mock_aws

from smguard import embedded
from smguard.embedded.server import embedded_server
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from smguard.engine.handler import SHARED_CLIENTS

ISOLATING_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "demo-embedded-aws",
    "AWS_SECRET_ACCESS_KEY": "demo-embedded-aws",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
"""Fake credentials and no profile files: nothing in the demo can reach a real account."""
DROPPED_ENVIRONMENT = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL", "MOTO_ACCOUNT_ID"
)  # fmt: skip
"""A real endpoint or session must not leak in; AWS_ENDPOINT_URL would also bypass moto's interception,
and MOTO_ACCOUNT_ID would put every request in one account whatever its credentials."""


@contextlib.contextmanager
def embedded_aws(region: str) -> Iterator[None]:
    """moto's ``mock_aws`` with the Config compliance APIs installed; the environment is restored after."""
    with _isolated(region):
        embedded.install()
        with mock_aws():
            yield


@contextlib.contextmanager
def served_aws(region: str) -> Iterator[str]:
    """The embedded AWS at a local endpoint, which this process uses too; yields the endpoint URL."""
    requests_log = logging.getLogger("werkzeug")  # one stderr line per request would bury the demo's output
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    try:
        with _isolated(region), embedded_server() as endpoint:
            os.environ["AWS_ENDPOINT_URL"] = endpoint
            yield endpoint
    finally:
        requests_log.setLevel(level)


@contextlib.contextmanager
def _isolated(region: str) -> Iterator[None]:
    saved = dict(os.environ)
    for name in DROPPED_ENVIRONMENT:
        os.environ.pop(name, None)
    os.environ.update(ISOLATING_ENVIRONMENT, AWS_REGION=region, AWS_DEFAULT_REGION=region)
    SHARED_CLIENTS.clear()
    SHARED_EXEMPTION_REGISTERS.clear()
    try:
        yield
    finally:
        SHARED_CLIENTS.clear()
        SHARED_EXEMPTION_REGISTERS.clear()
        os.environ.clear()
        os.environ.update(saved)
