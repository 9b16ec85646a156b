"""docs/deployment.md agrees with the template: a VPC endpoint for every service the functions call,
and the log group names its redeploy steps rely on."""

from __future__ import annotations

import re

from smguard.catalogue import discover
from smguard.deploy.iam import required_actions
from smguard.deploy.naming import camel, resource_name
from tests.template.conftest import REPOSITORY

ENGINE_SERVICES = {"config", "sts", "ssm"}
"""Config (every rule), STS (organization mode), SSM (the exemption register)."""


def test_every_called_service_has_a_documented_vpc_endpoint():
    text = (REPOSITORY / "docs" / "deployment.md").read_text()
    documented = set(re.findall(r"com\.amazonaws\.<region>\.([a-z0-9.-]+)`", text))
    called = {action.split(":")[0] for entry in discover() for action in required_actions(entry.rule)}
    assert called | ENGINE_SERVICES <= documented


def test_log_groups_are_retained_under_the_names_the_redeploy_steps_use(template):
    """docs/deployment.md's redeploy steps delete /aws/lambda/smguard-* or import <Rule>LogGroup."""
    groups = {
        logical_id: (resource["DeletionPolicy"], resource["Properties"]["LogGroupName"])
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Logs::LogGroup"
    }
    assert groups == {
        f"{camel(entry.name)}LogGroup": ("Retain", f"/aws/lambda/{resource_name(entry.name)}") for entry in discover()
    }
    text = (REPOSITORY / "docs" / "deployment.md").read_text()
    documented = dict(re.findall(r'"LogicalResourceId": "(\w+)",\s+"ResourceIdentifier": \{"LogGroupName": "([^"]+)"\}', text))
    assert documented and all(groups[logical_id][1] == name for logical_id, name in documented.items())
