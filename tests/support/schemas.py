"""Validate an output against its JSON Schema as docs/schemas/ ships it (the file, not the code that wrote it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from smguard.results import ResultOutput, schema_file_name

SCHEMAS = Path(__file__).parents[2] / "docs" / "schemas"


def validator(output: ResultOutput) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / schema_file_name(output)).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(output: ResultOutput, document: Any) -> None:
    """Every problem named, not just the first."""
    problems = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator(output).iter_errors(document)]
    assert problems == [], problems
