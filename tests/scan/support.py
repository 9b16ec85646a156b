"""Helpers for the scan tests: run the real scanner over fixture templates with the real catalogue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from smguard.catalogue import discover
from smguard.scan import scan_templates

TEMPLATES = Path(__file__).with_name("templates")


def scan(
    *names: str | Path,
    params: Mapping[str, Mapping[str, str]] | None = None,
    overrides: Mapping[str, str] | None = None,
    region: str | None = None,
    rules: tuple[str, ...] | None = None,
) -> list[tuple[int, str, str, str, str]]:
    """(line, logical id, rule, result, annotation) of every finding, in the scanner's order."""
    entries = [entry for entry in discover() if rules is None or entry.name in rules]
    parameters = {entry.name: entry.rule.evaluate_parameters(dict((params or {}).get(entry.name, {}))) for entry in entries}
    paths = [name if isinstance(name, Path) else TEMPLATES / name for name in names]
    findings = scan_templates(paths, entries, parameters, overrides or {}, region)
    return [(f.line, f.logical_id, f.rule, f.result, f.annotation) for f in findings]


def rules_in(expected: Sequence[tuple[int, str, str, str, str]]) -> tuple[str, ...]:
    """The rules an expected scan result names, to scan with only them."""
    named = tuple(dict.fromkeys(rule for _, _, rule, _, _ in expected))
    assert named, "an expected scan result names no rule"
    return named
