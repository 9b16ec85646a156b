"""Fixtures of the fault suite: moto, and a fake clock under botocore's retries and the engine's deadline."""

from __future__ import annotations

import types

import botocore.endpoint
import pytest

import smguard.engine.clients
from tests.faults.injector import FakeClock


@pytest.fixture
def fake_clock(aws, monkeypatch) -> FakeClock:
    """botocore's back-off sleeps, the delivery policy and the invocation deadline all use this clock."""
    clock = FakeClock()
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=clock.sleep))
    monkeypatch.setattr(smguard.engine.clients, "clock", clock)
    return clock
