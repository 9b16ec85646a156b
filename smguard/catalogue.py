"""The rule catalogue: every folder under ``rules/`` with an ``app.py`` is a rule.

There is no central list to edit: the template generator, the docs, the command-line tool and the
tests all discover rules here, so adding a rule means adding one folder (code, metadata.json,
tests). Rules are imported as ``smguard.rules.<rule>`` (the installed package's name for
``rules/``); only the Lambda artifact imports them as ``rules.<rule>``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import smguard.rules
from smguard.deploy.naming import resolve
from smguard.engine.handler import RuleHandler
from smguard.engine.rule import SmguardRule
from smguard.rule_metadata import RuleMetadata, load_metadata

RULES_DIR = Path(next(iter(smguard.rules.__path__))).resolve()


@dataclass(frozen=True)
class RuleEntry:
    """One rule folder: its handler, the rule object and its descriptive metadata."""

    name: str
    folder: Path
    handler: RuleHandler
    metadata: RuleMetadata

    @property
    def rule(self) -> SmguardRule:
        return self.handler.rule


def rule_names() -> list[str]:
    return sorted(path.parent.name for path in RULES_DIR.glob("*/app.py"))


@cache
def load(name: str) -> RuleEntry:
    module = importlib.import_module(f"smguard.rules.{name}.app")
    handler = getattr(module, "lambda_handler", None)
    if not isinstance(handler, RuleHandler):
        raise TypeError(f"rules/{name}/app.py must define lambda_handler = RuleHandler(<rule>)")
    if handler.rule.name != name:
        raise TypeError(f"rules/{name}/app.py's lambda_handler runs the rule of folder {handler.rule.name}, not its own")
    folder = RULES_DIR / name
    metadata = load_metadata(folder / "metadata.json")
    # Every rule either fixes what it finds or says why it cannot: none is left without a fix unnoticed.
    if (handler.rule.remediation is None) == (metadata.no_remediation is None):
        raise TypeError(
            f"rules/{name}: declare a remediation in app.py or say in metadata.json's no_remediation why there is none, not "
            + ("both" if metadata.no_remediation else "neither")
        )
    return RuleEntry(name=name, folder=folder, handler=handler, metadata=metadata)


def lookup(given: str) -> RuleEntry:
    """The rule a user means by ``given``: its folder name or any name it has in AWS
    (``smguard-notebook-root-access-conformance-pack-a1b2c3d4e`` as smguard's conformance pack creates it;
    ``smguard-notebook-root-access`` and ``OrgConfigRule-smguard-notebook-root-access-a1b2c3d4`` of a
    deployment before the pack).

    Raises :class:`smguard.deploy.naming.UnknownRuleError` naming the rules there are."""
    return load(resolve(given, rule_names()))


def discover() -> list[RuleEntry]:
    """Every rule of the catalogue, in name order."""
    return [load(name) for name in rule_names()]
