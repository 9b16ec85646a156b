"""An in-process AWS for the demo: moto with smguard's Config compliance APIs, isolated from any real account."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from moto import mock_aws

from smguard import embedded
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from smguard.engine.handler import SHARED_CLIENTS

ISOLATING_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "demo-embedded-aws",
    "AWS_SECRET_ACCESS_KEY": "demo-embedded-aws",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
"""Fake credentials and no profile files: nothing in the demo can reach a real account."""
DROPPED_ENVIRONMENT = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL")
"""A real endpoint or session must not leak in; AWS_ENDPOINT_URL would also bypass moto's interception."""


@contextlib.contextmanager
def embedded_aws(region: str) -> Iterator[None]:
    """moto's ``mock_aws`` with the Config compliance APIs installed; the environment is restored after."""
    saved = dict(os.environ)
    for name in DROPPED_ENVIRONMENT:
        os.environ.pop(name, None)
    os.environ.update(ISOLATING_ENVIRONMENT, AWS_REGION=region, AWS_DEFAULT_REGION=region)
    embedded.install()
    SHARED_CLIENTS.clear()
    SHARED_EXEMPTION_REGISTERS.clear()
    try:
        with mock_aws():
            yield
    finally:
        SHARED_CLIENTS.clear()
        SHARED_EXEMPTION_REGISTERS.clear()
        os.environ.clear()
        os.environ.update(saved)
