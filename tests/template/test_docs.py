"""docs/deployment.md lists a VPC endpoint for every service the functions call."""

from __future__ import annotations

import re

from smguard.catalogue import discover
from smguard.deploy.iam import required_actions
from tests.template.conftest import REPOSITORY

ENGINE_SERVICES = {"config", "sts", "ssm"}
"""Config (every rule), STS (organization mode), SSM (the exemption register)."""


def test_every_called_service_has_a_documented_vpc_endpoint():
    text = (REPOSITORY / "docs" / "deployment.md").read_text()
    documented = set(re.findall(r"com\.amazonaws\.<region>\.([a-z0-9.-]+)`", text))
    called = {action.split(":")[0] for entry in discover() for action in required_actions(entry.rule)}
    assert called | ENGINE_SERVICES <= documented
