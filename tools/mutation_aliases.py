"""pytest plugin of `make mutation` (pyproject.toml, [tool.mutmut]): each rule's check under one module name.

mutmut names a mutant after the mutated file's path (``rules.<rule>.check``) and switches it on only
in functions whose ``__module__`` has that name. smguard and the tests import the checks as
``smguard.rules.<rule>.check`` (smguard/rules/__init__.py points that package at rules/), which would
load every check a second time under a name no mutant is ever switched on in: every mutant would
survive as untested. So, when pytest loads this plugin (``-p``, before any conftest or test module
imports smguard), each rule folder is imported as ``rules.<rule>`` and registered as
``smguard.rules.<rule>`` too: one module object per check, named as mutmut names it.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import smguard.rules


def _alias_rule_folders() -> None:
    for folder in sorted(Path(next(iter(smguard.rules.__path__))).iterdir()):
        if not (folder / "check.py").is_file():
            continue
        package = importlib.import_module(f"rules.{folder.name}")
        sys.modules[f"smguard.rules.{folder.name}"] = package
        sys.modules[f"smguard.rules.{folder.name}.check"] = importlib.import_module(f"rules.{folder.name}.check")
        setattr(smguard.rules, folder.name, package)


_alias_rule_folders()
