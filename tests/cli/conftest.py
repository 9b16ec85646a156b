"""Fixtures for the command-line tests: a request-counting moto server the CLI reaches through AWS_ENDPOINT_URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from smguard.engine.handler import SHARED_CLIENTS
from tests.support.moto_server import CountingMotoServer


@pytest.fixture(scope="session")
def _server() -> Iterator[CountingMotoServer]:
    server = CountingMotoServer().start()
    yield server
    server.stop()


@pytest.fixture
def moto_server(_server: CountingMotoServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingMotoServer]:
    """An empty AWS at AWS_ENDPOINT_URL; counts start at zero."""
    _server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", _server.url)
    SHARED_CLIENTS.clear()
    yield _server
    SHARED_CLIENTS.clear()
    _server.reset()


@pytest.fixture
def client(moto_server: CountingMotoServer):
    """boto3 clients on the server, for seeding (their requests are not counted afterwards: reset counts)."""

    def build(service: str) -> Any:
        return boto3.client(service, region_name="us-east-1", endpoint_url=moto_server.url)

    return build
