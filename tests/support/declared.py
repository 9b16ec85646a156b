"""A rule's declaration of what the suite's tests across all rules need to know about it.

Each rule folder holds ``tests/declared.py``: what its check needs (the hostile suite,
tests/hostile/declared.py) and what it reports in the demo's account (tests/cli/test_demo.py).
It lives in the folder so that adding a rule, by copying a folder, needs no table elsewhere.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class UndeclaredRuleError(LookupError):
    """A rule folder without tests/declared.py: the suite's tests across all rules cannot hold it to its cases."""


def declaration(rule_name: str) -> ModuleType:
    name = f"smguard.rules.{rule_name}.tests.declared"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        raise UndeclaredRuleError(
            f"rule {rule_name} has no rules/{rule_name}/tests/declared.py: declare there what its check needs (NEEDED) and what it reports in the demo (DEMO)"
        ) from None
