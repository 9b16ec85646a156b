"""The rule catalogue: every folder under ``rules/`` with an ``app.py`` is a rule.

There is no central list to edit: the template generator, the command-line tool and the tests all
discover rules here, so adding a rule means adding one folder (code, metadata.json, tests).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import rules
from smguard.engine.handler import RuleHandler
from smguard.engine.rule import SmguardRule

RULES_DIR = Path(rules.__file__).resolve().parent
CONFIG_RULE_PREFIX = "smguard-"
"""A deployed rule is the Config rule ``smguard-<folder name>``."""


@dataclass(frozen=True)
class RuleEntry:
    """One rule folder: its handler, the rule object and its metadata."""

    name: str
    folder: Path
    handler: RuleHandler
    metadata: dict[str, Any]

    @property
    def rule(self) -> SmguardRule:
        return self.handler.rule


def catalogue_name(name: str) -> str:
    """The rule a user means: ``notebook_root_access`` and ``smguard-notebook_root_access`` (its Config
    rule's name) both name ``notebook_root_access``."""
    return name.removeprefix(CONFIG_RULE_PREFIX)


def rule_names() -> list[str]:
    return sorted(path.parent.name for path in RULES_DIR.glob("*/app.py"))


@cache
def load(name: str) -> RuleEntry:
    module = importlib.import_module(f"rules.{name}.app")
    handler = getattr(module, "lambda_handler", None)
    if not isinstance(handler, RuleHandler):
        raise TypeError(f"rules/{name}/app.py must define lambda_handler = RuleHandler(<rule>)")
    folder = RULES_DIR / name
    metadata = json.loads((folder / "metadata.json").read_text())
    return RuleEntry(name=name, folder=folder, handler=handler, metadata=metadata)


def discover() -> list[RuleEntry]:
    """Every rule of the catalogue, in name order."""
    return [load(name) for name in rule_names()]
