"""SARIF 2.1.0 for code-review tools (GitHub code scanning and others) to show findings inline.

Rules come from each rule's metadata.json; results are the findings a reviewer must act on:
NON_COMPLIANT as level ``error``, UNKNOWN as ``warning`` (the template does not decide it).
COMPLIANT and NOT_APPLICABLE are not emitted (they are not problems, and a viewer would list them
as such), but counted in the run's properties, so nothing is lost. Locations are file paths
relative to the directory the scan ran in (``%SRCROOT%``), with the resource's line.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smguard.catalogue import RuleEntry
from smguard.scan.scanner import UNKNOWN, ScanFinding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"NON_COMPLIANT": "error", UNKNOWN: "warning"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
"""GitHub reads properties.security-severity as a CVSS-like score: critical >= 9.0, high 7.0-8.9,
medium 4.0-6.9, low 0.1-3.9."""
SOURCE_ROOT = "%SRCROOT%"


def sarif_log(findings: Sequence[ScanFinding], entries: Sequence[RuleEntry], root: Path, version: str) -> dict[str, Any]:
    """The SARIF log of one scan: one run, the scanned rules, one result per finding to act on."""
    rule_index = {entry.name: index for index, entry in enumerate(entries)}
    counts = Counter(finding.result for finding in findings)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "smguard",
                        "version": version,
                        "rules": [_rule(entry) for entry in entries],
                    }
                },
                "originalUriBaseIds": {SOURCE_ROOT: {"uri": root.resolve().as_uri() + "/"}},
                "results": [
                    _result(finding, rule_index[finding.rule], root) for finding in findings if finding.result in LEVELS
                ],
                "properties": {"resultCounts": {result: counts[result] for result in sorted(counts)}},
            }
        ],
    }


def _rule(entry: RuleEntry) -> dict[str, Any]:
    metadata = entry.metadata
    severity = metadata.severity
    return {
        "id": entry.name,
        "name": _camel(entry.name),
        "shortDescription": {"text": metadata.title},
        "fullDescription": {"text": metadata.description},
        "help": {"text": f"{metadata.risk}\n\nRemediation: {metadata.remediation}"},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "severity": severity,
            "security-severity": SECURITY_SEVERITY[severity],
            "tags": ["security", "sagemaker", *entry.rule.resource_types],
        },
    }


def _result(finding: ScanFinding, index: int, root: Path) -> dict[str, Any]:
    uri = _relative_uri(Path(finding.file), root)
    return {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVELS[finding.result],
        "message": {"text": f"{finding.logical_id} ({finding.resource_type}): {finding.annotation}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": SOURCE_ROOT},
                    "region": {"startLine": finding.line},
                },
                "logicalLocations": [{"name": finding.logical_id, "kind": "resource"}],
            }
        ],
        # Stable across line moves: the same rule on the same resource of the same file is one alert.
        "partialFingerprints": {
            "smguardResource/v1": hashlib.sha256(f"{finding.rule}|{uri}|{finding.logical_id}".encode()).hexdigest()
        },
        "properties": {"result": finding.result, "resourceType": finding.resource_type},
    }


def _relative_uri(path: Path, root: Path) -> str:
    absolute = path.resolve()
    try:
        return absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        return absolute.as_uri()


def _camel(identifier: str) -> str:
    return "".join(part.capitalize() for part in identifier.split("_"))
