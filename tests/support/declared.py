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


def rules_on_jobs() -> set[str]:
    """The rules whose every resource type is a SageMaker job kind (smguard.resources.jobs): no template
    declares their resources, and in the embedded AWS their resources are created today (moto stamps a
    job's CreationTime with the clock; no API creates one in the past), so the demo's month of history
    holds their results only from today's run."""
    from smguard.catalogue import discover
    from smguard.resources import resource_types
    from smguard.resources.jobs import JobType

    types = resource_types()
    return {entry.name for entry in discover() if all(isinstance(types[t], JobType) for t in entry.rule.resource_types)}
