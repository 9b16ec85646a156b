"""Create smguard's Config rules in the embedded AWS, shaped as template.yaml deploys them.

moto's PutConfigRule refuses a CUSTOM_LAMBDA rule whose function does not exist, so each rule gets
a Lambda function too. The function's code is a placeholder: the embedded AWS never invokes it;
whoever drives the demo or a test calls the rule's real ``lambda_handler`` in-process with a
result token from :func:`smguard.embedded.result_token`.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.deploy.naming import names, resource_name
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER

FUNCTION_ROLE_NAME = "smguard-rule-function"
_LAMBDA_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)
_CHANGE_MESSAGES = ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification")


def config_rule_name(entry: RuleEntry) -> str:
    """The account-mode Config rule's name, as template.yaml names it (``smguard-notebook-root-access``)."""
    return names(entry.name).config_rule


def config_rule_definition(
    entry: RuleEntry, function_arn: str, parameters: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The PutConfigRule ``ConfigRule`` for ``entry``: scope, triggers and parameters."""
    details = []
    if CHANGE_TRIGGER in entry.rule.triggers:
        details += [{"EventSource": "aws.config", "MessageType": message} for message in _CHANGE_MESSAGES]
    frequency = entry.rule.maximum_execution_frequency
    if PERIODIC_TRIGGER in entry.rule.triggers:
        details.append(
            {"EventSource": "aws.config", "MessageType": "ScheduledNotification", "MaximumExecutionFrequency": frequency}
        )
    rule: dict[str, Any] = {
        "ConfigRuleName": config_rule_name(entry),
        "Description": entry.metadata.title[:256],
        "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": function_arn, "SourceDetails": details},
    }
    if CHANGE_TRIGGER in entry.rule.triggers:
        rule["Scope"] = {"ComplianceResourceTypes": list(entry.rule.resource_types)}
    if PERIODIC_TRIGGER in entry.rule.triggers:
        rule["MaximumExecutionFrequency"] = frequency
    if parameters:
        rule["InputParameters"] = json.dumps(dict(parameters))
    return rule


def deploy_rule(session: Any, entry: RuleEntry, parameters: Mapping[str, str] | None = None) -> str:
    """Create (or update) ``entry``'s function and Config rule in ``session``'s account and region.

    Returns the Config rule's name.
    """
    function_arn = ensure_function(session, resource_name(entry.name))
    session.client("config").put_config_rule(ConfigRule=config_rule_definition(entry, function_arn, parameters))
    return config_rule_name(entry)


def ensure_function(session: Any, function_name: str) -> str:
    lambda_client = session.client("lambda")
    try:
        return lambda_client.get_function(FunctionName=function_name)["Configuration"]["FunctionArn"]
    except lambda_client.exceptions.ResourceNotFoundException:
        pass
    return lambda_client.create_function(
        FunctionName=function_name,
        Runtime="python3.12",
        Role=_ensure_role(session),
        Handler="app.lambda_handler",
        Code={"ZipFile": _placeholder_package()},
        Description="Placeholder: the embedded AWS runs the rule's handler in-process.",
    )["FunctionArn"]


def _ensure_role(session: Any) -> str:
    iam = session.client("iam")
    try:
        return iam.get_role(RoleName=FUNCTION_ROLE_NAME)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        return iam.create_role(RoleName=FUNCTION_ROLE_NAME, AssumeRolePolicyDocument=_LAMBDA_TRUST)["Role"]["Arn"]


def _placeholder_package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("app.py", "def lambda_handler(event, context):\n    raise RuntimeError('placeholder')\n")
    return buffer.getvalue()
