"""A rule's descriptive facts (rules/<rule>/metadata.json), read into a typed, checked object.

metadata.json holds only what the code cannot say: title, description, severity, risk,
remediation, the AWS anchors the rule corresponds to and what it does beyond them. Scope,
triggers and parameters are the rule class's (smguard.engine.rule); the name is the folder's.
A missing, unknown or malformed field is an error naming the rule folder and the field, so the
template, docs and exports never show a half-described rule.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

SEVERITIES = ("critical", "high", "medium", "low")
MAPPING_PATTERNS = {
    "aws_config_managed_rules": r"[a-z0-9]+(-[a-z0-9]+)*",
    "security_hub_controls": r"[A-Za-z0-9]+\.\d+",
    "nist_800_53": r"[A-Z]{2}-\d+(\(\d+\))?",
}
"""Each anchor list's id format: managed rule identifiers, Security Hub control ids, NIST SP 800-53 controls."""


class InvalidRuleMetadataError(ValueError):
    """A rule folder's metadata.json is missing, unreadable, or has a missing, unknown or malformed field."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"{path.parent.parent.name}/{path.parent.name}/{path.name}: {problem}")


@dataclass(frozen=True)
class Mappings:
    """The AWS Config managed rules, Security Hub controls and NIST SP 800-53 controls a rule corresponds to."""

    aws_config_managed_rules: tuple[str, ...]
    security_hub_controls: tuple[str, ...]
    nist_800_53: tuple[str, ...]


@dataclass(frozen=True)
class RuleMetadata:
    title: str
    description: str
    severity: str
    risk: str
    remediation: str
    mappings: Mappings
    beyond_managed_rule: str
    """What the rule checks beyond its AWS anchor."""
    no_remediation: str | None = None
    """Why the rule has no automated fix; present exactly when its app.py declares no remediation."""


OPTIONAL_FIELDS = ("no_remediation",)
TEXT_FIELDS = tuple(f.name for f in fields(RuleMetadata) if f.name != "mappings")
FIELDS = tuple(f.name for f in fields(RuleMetadata))


def load_metadata(path: Path) -> RuleMetadata:
    """Read and check one rule's metadata.json."""
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        raise InvalidRuleMetadataError(path, "is missing") from None
    except json.JSONDecodeError as error:
        raise InvalidRuleMetadataError(path, f"is not valid JSON: {error}") from None
    return parse_metadata(path, document)


def parse_metadata(path: Path, document: object) -> RuleMetadata:
    if not isinstance(document, dict):
        raise InvalidRuleMetadataError(path, "must hold a JSON object")
    missing = [name for name in FIELDS if name not in document and name not in OPTIONAL_FIELDS]
    if missing:
        raise InvalidRuleMetadataError(path, f"field {missing[0]!r} is missing")
    unknown = sorted(set(document) - set(FIELDS))
    if unknown:
        raise InvalidRuleMetadataError(
            path, f"field {unknown[0]!r} is unknown (scope, triggers and parameters are declared in app.py; the name is the folder's)"
        )
    for name in TEXT_FIELDS:
        if name in OPTIONAL_FIELDS and name not in document:
            continue
        value = document[name]
        if not (isinstance(value, str) and value.strip()):
            raise InvalidRuleMetadataError(path, f"field {name!r} must be a non-empty string, not {value!r}")
    if document["severity"] not in SEVERITIES:
        raise InvalidRuleMetadataError(path, f"field 'severity' {document['severity']!r} is not one of {', '.join(SEVERITIES)}")
    return RuleMetadata(
        **{name: document[name] for name in TEXT_FIELDS if name in document}, mappings=_mappings(path, document["mappings"])
    )


def _mappings(path: Path, mappings: object) -> Mappings:
    if not isinstance(mappings, dict) or set(mappings) != set(MAPPING_PATTERNS):
        raise InvalidRuleMetadataError(path, f"field 'mappings' must be an object with exactly {', '.join(MAPPING_PATTERNS)}")
    values: dict[str, Any] = {}
    for key, pattern in MAPPING_PATTERNS.items():
        ids = mappings[key]
        if not isinstance(ids, list) or not all(isinstance(i, str) and re.fullmatch(pattern, i) for i in ids):
            raise InvalidRuleMetadataError(
                path, f"field 'mappings.{key}' must be a list of ids like {pattern} (empty when there is none), not {ids!r}"
            )
        if len(set(ids)) != len(ids):
            raise InvalidRuleMetadataError(path, f"field 'mappings.{key}' lists an id twice")
        values[key] = tuple(ids)
    return Mappings(**values)
