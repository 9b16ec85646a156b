"""Record the AWS API calls a rule handler makes, in the test's own process.

Only calls made inside ``RuleHandler.__call__`` count, so a test's own set-up calls (creating
notebooks in moto) are not mistaken for the rule's. The root conftest wraps every test of a rule
folder in a recorder and holds what was recorded to the grants template.yaml gives that rule
(tests/template/grants.py): the rules' handler tests run once, and that run is also the record.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from functools import cache
from pathlib import Path

import botocore.client

from smguard.catalogue import rule_names
from smguard.engine.handler import RuleHandler

_current_rule: contextvars.ContextVar[str | None] = contextvars.ContextVar("smguard_rule", default=None)


def iam_action(client: Any, operation_name: str) -> str:
    """The IAM action of an API call: the service's signing name and the operation."""
    model = client.meta.service_model
    return f"{model.signing_name or model.endpoint_prefix}:{operation_name}"


@cache
def _rules() -> frozenset[str]:
    return frozenset(rule_names())


def is_rule_folder_test(path: Path) -> bool:
    """Whether a test module is one of a rule folder's own tests (``<rule>/tests/test_*.py``)."""
    return path.name.startswith("test_") and path.parent.name == "tests" and path.parent.parent.name in _rules()


@contextmanager
def recording_rule_calls() -> Iterator[dict[str, set[str]]]:
    """Yield rule name -> IAM actions its handler called, filled while the block runs."""
    calls: dict[str, set[str]] = {}
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
            calls.setdefault(rule, set()).add(iam_action(self, operation_name))
        return original_api_call(self, operation_name, api_params)

    RuleHandler.__call__ = handler_call  # type: ignore[method-assign]
    botocore.client.BaseClient._make_api_call = api_call  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        RuleHandler.__call__ = original_call  # type: ignore[method-assign]
        botocore.client.BaseClient._make_api_call = original_api_call  # type: ignore[method-assign]
