"""The deployment docs agree with the template: a VPC endpoint for every service the functions call,
the log group names the redeploy steps rely on, and sam deploy commands (README.md and
docs/deployment.md) whose parameters the template accepts."""

from __future__ import annotations

import re
import shlex

import pytest

from smguard.catalogue import discover
from smguard.deploy.iam import required_actions
from smguard.deploy.naming import camel, resource_name
from smguard.deploy.reevaluation import FUNCTION_NAME
from tests.template.conftest import REPOSITORY

ENGINE_SERVICES = {"config", "sts", "ssm"}
"""Config (every rule), STS (organization mode), SSM (the exemption register)."""
ENDPOINT_OF_PREFIX = {"sagemaker": "sagemaker.api"}
"""IAM service prefixes whose API's interface endpoint has another name (SageMaker's API: com.amazonaws.<region>.sagemaker.api)."""


def test_every_called_service_has_a_documented_vpc_endpoint():
    text = (REPOSITORY / "docs" / "deployment.md").read_text()
    documented = set(re.findall(r"com\.amazonaws\.<region>\.([a-z0-9.-]+)`", text))
    called = {
        ENDPOINT_OF_PREFIX.get(prefix, prefix)
        for entry in discover()
        for prefix in {action.split(":")[0] for action in required_actions(entry.rule)}
    }
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
    } | {"ReevaluationLogGroup": ("Retain", f"/aws/lambda/{FUNCTION_NAME}")}
    assert FUNCTION_NAME.startswith("smguard-")  # the redeploy steps delete /aws/lambda/smguard-*
    text = (REPOSITORY / "docs" / "deployment.md").read_text()
    documented = dict(re.findall(r'"LogicalResourceId": "(\w+)",\s+"ResourceIdentifier": \{"LogGroupName": "([^"]+)"\}', text))
    assert documented and all(groups[logical_id][1] == name for logical_id, name in documented.items())


def documented_deploy_overrides(path) -> list[dict[str, str]]:
    """The --parameter-overrides of every `sam deploy` command in a Markdown file's sh blocks."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", path.read_text(), re.DOTALL):
        for command in re.sub(r"\\\n\s*", " ", block).splitlines():
            if not command.startswith(".tools/sam/bin/sam deploy "):
                continue
            words = shlex.split(command, comments=True)
            if "--parameter-overrides" in words:
                overrides = words[words.index("--parameter-overrides") + 1 :]
                commands.append(dict(word.split("=", 1) for word in overrides))
    return commands


def parameter_problems(template: dict, values: dict[str, str]) -> list[str]:
    """What CloudFormation would refuse in these parameter values (AllowedValues, AllowedPattern, MaxLength)."""
    problems = []
    for name, value in values.items():
        declared = template["Parameters"].get(name)
        if declared is None:
            problems.append(f"{name}: no such parameter")
            continue
        items = value.split(",") if declared["Type"] == "CommaDelimitedList" else [value]
        for item in items:
            if "AllowedValues" in declared and item not in [str(v) for v in declared["AllowedValues"]]:
                problems.append(f"{name}={item}: not an allowed value")
            if "AllowedPattern" in declared and not re.fullmatch(declared["AllowedPattern"], item):
                problems.append(f"{name}={item}: does not match the pattern")
            if len(item) > declared.get("MaxLength", len(item)):
                problems.append(f"{name}={item}: too long")
    return problems


@pytest.mark.parametrize("document", ["README.md", "docs/deployment.md"])
def test_documented_deploy_commands_pass_the_templates_parameter_checks(template, document):
    commands = documented_deploy_overrides(REPOSITORY / document)
    assert {command["DeploymentScope"] for command in commands} == {"Account", "Organization"}
    assert {name: parameter_problems(template, command) for name, command in enumerate(commands)} == {
        name: [] for name in range(len(commands))
    }


def test_a_misspelt_or_invalid_override_is_reported(template):
    assert parameter_problems(template, {"DeploymentScope": "Org", "OrganisationId": "o-1", "ExcludedAccounts": "1,222233334444"}) == [
        "DeploymentScope=Org: not an allowed value",
        "OrganisationId: no such parameter",
        "ExcludedAccounts=1: does not match the pattern",
    ]
