"""pytest plugin: record the AWS API calls each rule handler makes while the rules' own tests run.

Loaded in a subprocess by test_rule_actions.py (``-p tests.template.aws_calls_plugin``). Only calls
made inside ``RuleHandler.__call__`` count, so the tests' own set-up calls (creating notebooks in
moto) are not mistaken for the rule's. The calls are written as JSON lines ``{"rule", "action"}``
to the file named by ``SMGUARD_AWS_CALLS_FILE``.
"""

from __future__ import annotations

import contextvars
import json
import os
from typing import Any

import botocore.client

from smguard.engine.handler import RuleHandler

_current_rule: contextvars.ContextVar[str | None] = contextvars.ContextVar("smguard_rule", default=None)
_calls: set[tuple[str, str]] = set()


def iam_action(client: Any, operation_name: str) -> str:
    model = client.meta.service_model
    return f"{model.signing_name or model.endpoint_prefix}:{operation_name}"


def pytest_configure(config: Any) -> None:
    original_call = RuleHandler.__call__
    original_api_call = botocore.client.BaseClient._make_api_call

    def handler_call(self: RuleHandler, *args: Any, **kwargs: Any) -> Any:
        token = _current_rule.set(self.rule.name)
        try:
            return original_call(self, *args, **kwargs)
        finally:
            _current_rule.reset(token)

    def api_call(self: Any, operation_name: str, api_params: Any) -> Any:
        rule = _current_rule.get()
        if rule is not None:
            _calls.add((rule, iam_action(self, operation_name)))
        return original_api_call(self, operation_name, api_params)

    RuleHandler.__call__ = handler_call  # type: ignore[method-assign]
    botocore.client.BaseClient._make_api_call = api_call  # type: ignore[method-assign]


def pytest_unconfigure(config: Any) -> None:
    path = os.environ.get("SMGUARD_AWS_CALLS_FILE")
    if path:
        with open(path, "w") as output:
            for rule, action in sorted(_calls):
                output.write(json.dumps({"rule": rule, "action": action}) + "\n")
