"""A Lambda function for Config rules a test creates itself, outside template.yaml.

The embedded AWS refuses a CUSTOM_LAMBDA rule whose function does not exist (as Config does), so a
test that puts its own rule (an API test's rule, a rule of another smguard version) needs one. Its
code is a placeholder: the embedded AWS never invokes it. smguard's own rules are deployed from
template.yaml instead (:func:`smguard.embedded.stack.deploy_config_rules`), function included.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

FUNCTION_ROLE_NAME = "test-rule-function"
_LAMBDA_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


def placeholder_function(session: Any, function_name: str) -> str:
    """The ARN of the function ``function_name`` in ``session``'s account, created on first use."""
    lambda_client = session.client("lambda")
    try:
        return str(lambda_client.get_function(FunctionName=function_name)["Configuration"]["FunctionArn"])
    except lambda_client.exceptions.ResourceNotFoundException:
        pass
    return str(
        lambda_client.create_function(
            FunctionName=function_name,
            Runtime="python3.12",
            Role=_role(session),
            Handler="app.lambda_handler",
            Code={"ZipFile": _placeholder_package()},
            Description="Placeholder: the embedded AWS never invokes it.",
        )["FunctionArn"]
    )


def _role(session: Any) -> str:
    iam = session.client("iam")
    try:
        return str(iam.get_role(RoleName=FUNCTION_ROLE_NAME)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        return str(iam.create_role(RoleName=FUNCTION_ROLE_NAME, AssumeRolePolicyDocument=_LAMBDA_TRUST)["Role"]["Arn"])


def _placeholder_package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("app.py", "def lambda_handler(event, context):\n    raise RuntimeError('placeholder')\n")
    return buffer.getvalue()
