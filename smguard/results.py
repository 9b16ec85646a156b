"""The one vocabulary of a rule's result on a resource, for every output of smguard.

``smguard evaluate`` (an account), ``smguard scan`` (a template) and ``smguard export`` (the
evidence bundle) report the same thing: a rule's compliance on a resource. Each field is declared
here once, with its meaning and its JSON Schema; each output is a list of these fields plus a
``schema`` field naming the output and its version (``smguard-evaluate/1``), so a reader can tell
which layout a record has. The CSV headers, the JSON keys and the JSON Schema files in
docs/schemas/ are all derived from these declarations (``python -m smguard.results docs/schemas``
writes the files; a test fails when they are stale).

The export's conformance-pack compliance score (one record per account and region, and per day of a
period) is an output of the same declarations: its fields are counts of these results.

Records are built with :meth:`ResultOutput.record`, which refuses a missing or an unknown field:
a row class that drifted from its output's fields fails the first time it is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from smguard.rule_metadata import MAPPING_PATTERNS, SEVERITIES

SCHEMA_BASE_URI = "https://smguard.invalid/schemas/"
"""Only an identifier (``$id``): the schema files ship in docs/schemas/ and nothing is fetched."""
AWS_COMPLIANCE = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
UNKNOWN = "UNKNOWN"
"""Only ``scan`` reports it: the template does not decide the result."""
CSV_LIST_SEPARATOR = " "
"""Ids in one CSV cell: a space needs no quoting and is no list separator of any spreadsheet locale."""
ISO_UTC = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"
"""A time in JSON: ISO 8601 in UTC with milliseconds, as AWS Config records it."""
CSV_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
"""What Excel, LibreOffice and Google Sheets read as a date and time; the header says it is UTC."""


class ResultFieldError(ValueError):
    """A record was built with a field its output does not declare, or without one it does."""


@dataclass(frozen=True)
class ResultField:
    name: str
    description: str
    schema: Mapping[str, Any]
    """The JSON Schema of a present value."""
    nullable: bool = False
    """Whether the value may be null (an empty CSV cell)."""

    def value_schema(self) -> dict[str, Any]:
        if self.nullable:
            return {"description": self.description, "anyOf": [dict(self.schema), {"type": "null"}]}
        return {"description": self.description, **self.schema}


def _string(pattern: str | None = None) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, **({"pattern": pattern} if pattern else {})}


def _ids(pattern: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "pattern": f"^{pattern}$"}, "uniqueItems": True}


SCHEMA = ResultField("schema", "The output and its version, e.g. smguard-evaluate/1: which fields this record has.", _string())
RULE = ResultField(
    "rule",
    "The smguard rule by its short name (its folder), the same in every account and deployment mode.",
    _string("^[a-z][a-z0-9_]*$"),
)
CONFIG_RULE_NAME = ResultField(
    "config_rule_name",
    "The AWS Config rule as the Config console of account_id shows it: smguard-<rule-with-hyphens>-conformance-pack-<suffix> "
    "for the rule of smguard's conformance pack; from a deployment before the pack, smguard-<rule-with-hyphens>, or "
    "OrgConfigRule-smguard-<rule-with-hyphens>-<suffix> for an organization rule's copy.",
    _string(),
)
ACCOUNT_ID = ResultField("account_id", "The AWS account of the resource.", _string(r"^\d{12}$"))
REGION = ResultField("region", "The AWS region of the resource.", _string(r"^[a-z]{2}(-[a-z]+)+-\d+$"))
RESOURCE_TYPE = ResultField(
    "resource_type", "The AWS Config resource type, e.g. AWS::SageMaker::NotebookInstance.", _string("^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$")
)
RESOURCE_ID = ResultField(
    "resource_id",
    "The resource's id as AWS Config records it (a notebook's name, a security group's id); in a template scan, "
    "the resource's logical id.",
    _string(),
)
COMPLIANCE = ResultField(
    "compliance", "The rule's result on the resource, as AWS Config names it.", {"type": "string", "enum": list(AWS_COMPLIANCE)}
)
ANNOTATION = ResultField(
    "annotation", "The rule's explanation: which property has which value, and how to fix it.", {"type": "string"}
)
SEVERITY = ResultField(
    "severity", "The rule's severity (metadata.json of the rule).", {"type": "string", "enum": list(SEVERITIES)}
)
SECURITY_HUB_CONTROLS = ResultField(
    "security_hub_controls",
    "The AWS Security Hub controls the rule corresponds to, e.g. SageMaker.3 (in CSV: separated by spaces).",
    _ids(MAPPING_PATTERNS["security_hub_controls"]),
)
NIST_800_53_CONTROLS = ResultField(
    "nist_800_53_controls",
    "The NIST SP 800-53 Rev. 5 controls the rule corresponds to, e.g. AC-6(10) (in CSV: separated by spaces).",
    _ids(MAPPING_PATTERNS["nist_800_53"]),
)
AWS_CONFIG_MANAGED_RULES = ResultField(
    "aws_config_managed_rules",
    "The AWS Config managed rules the rule corresponds to, by identifier (in CSV: separated by spaces).",
    _ids(MAPPING_PATTERNS["aws_config_managed_rules"]),
)
EXEMPTION_TICKET = ResultField(
    "exemption_ticket", "When the result is an exemption in force (EXEMPT until ...): its ticket, if any.", _string(), nullable=True
)
EXEMPTION_EXPIRES = ResultField(
    "exemption_expires",
    "When the result is an exemption in force: its last valid day (ISO date, UTC).",
    {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    nullable=True,
)
EXEMPTION_APPROVER = ResultField(
    "exemption_approver", "When the result is an exemption in force: who approved it, if recorded.", _string(), nullable=True
)
RESULT_RECORDED_TIME = ResultField(
    "result_recorded_time_utc",
    "When AWS Config recorded the result, in UTC (JSON: ISO 8601 with milliseconds and Z; CSV: YYYY-MM-DD HH:MM:SS).",
    {"type": "string", "format": "date-time", "pattern": ISO_UTC},
    nullable=True,
)
RULE_INVOKED_TIME = ResultField(
    "rule_invoked_time_utc",
    "When AWS Config invoked the rule evaluation that produced the result, in UTC (formats as result_recorded_time_utc).",
    {"type": "string", "format": "date-time", "pattern": ISO_UTC},
    nullable=True,
)
OPENED_TIME = ResultField(
    "opened_time_utc",
    "When the rule's result on the resource became NON_COMPLIANT, in UTC (before the period's start for a breach already "
    "open then; CSV: YYYY-MM-DD HH:MM:SS).",
    {"type": "string", "format": "date-time"},
)
CLOSED_TIME = ResultField(
    "closed_time_utc",
    "When it stopped being NON_COMPLIANT, in UTC; empty while still open at the end of the period.",
    {"type": "string", "format": "date-time"},
    nullable=True,
)
DURATION_HOURS = ResultField(
    "duration_hours", "From opened to closed, or to the end of the period while open, in hours.", {"type": "number", "minimum": 0}
)
CLOSED_AS = ResultField(
    "closed_as",
    "How the episode ended: COMPLIANT (fixed), EXEMPT (an approved exemption), NOT_APPLICABLE, NO_RESULT, DELETED; "
    "empty while open.",
    {"type": "string", "enum": ["COMPLIANT", "EXEMPT", "NOT_APPLICABLE", "NO_RESULT", "DELETED"]},
    nullable=True,
)
CONFORMANCE_PACK = ResultField(
    "conformance_pack",
    "The conformance pack whose rules the score counts, by its name in account_id and region as the Config console and "
    "ListConformancePackComplianceScores show it: smguard (the account's own pack) or OrgConformsPack-smguard-<suffix> (a "
    "member account's copy of the organization pack); read from DescribeConformancePacks (the pack whose ID carries the "
    "rules' suffix), or through an aggregator from DescribeAggregateComplianceByConformancePacks when it lists one smguard "
    "pack there. Empty when there is no score; a score whose pack cannot be named is none (no_score_reason says why).",
    _string(),
    nullable=True,
)
COMPLIANT_PAIRS = ResultField(
    "compliant_pairs",
    "How many rule-resource pairs of the conformance pack's rules are COMPLIANT; empty when there is no score.",
    {"type": "integer", "minimum": 0},
    nullable=True,
)
NON_COMPLIANT_PAIRS = ResultField(
    "non_compliant_pairs",
    "How many rule-resource pairs of the conformance pack's rules are NON_COMPLIANT; empty when there is no score.",
    {"type": "integer", "minimum": 0},
    nullable=True,
)
SCORE = ResultField(
    "score",
    "100 * compliant_pairs / (compliant_pairs + non_compliant_pairs) with two decimals (NOT_APPLICABLE pairs, exemptions "
    "included, are not counted), or INSUFFICIENT_DATA when both are 0 (smguard/score.py); empty when there is no score.",
    {"type": "string", "pattern": r"^(100\.00|\d{1,2}\.\d{2}|INSUFFICIENT_DATA)$"},
    nullable=True,
)
NO_SCORE_REASON = ResultField(
    "no_score_reason",
    "Why there is no score (no conformance pack rule, pairs of several packs, a pack that cannot be named, or an export "
    "whose filters leave out results the score counts); empty when there is one.",
    _string(),
    nullable=True,
)
SCORE_AS_OF = ResultField(
    "as_of_utc",
    "The moment whose results are counted, in UTC: the export's time, or the end of the day (the export's time for a day "
    "it ends); CSV: YYYY-MM-DD HH:MM:SS.",
    {"type": "string", "format": "date-time"},
)
DAY = ResultField(
    "day", "The UTC day whose end the score is of (ISO date).", {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
)
SCORE_FIELDS = (CONFORMANCE_PACK, COMPLIANT_PAIRS, NON_COMPLIANT_PAIRS, SCORE, NO_SCORE_REASON)
"""A score and what it comes from, or why there is none."""
SCORED_ACCOUNT = (
    replace(ACCOUNT_ID, description="The AWS account the score is of."),
    replace(REGION, description="The AWS region the score is of (a conformance pack is deployed per account and region)."),
)
FILE = ResultField("file", "The template file, as given on the command line.", _string())
LINE = ResultField("line", "The line of the template where the resource is declared.", {"type": "integer", "minimum": 1})

RULE_FACTS = (SEVERITY, SECURITY_HUB_CONTROLS, NIST_800_53_CONTROLS, AWS_CONFIG_MANAGED_RULES)
"""What a result carries from its rule's metadata.json, so a result can be read without the rule's docs."""
TIMES = frozenset({RESULT_RECORDED_TIME.name, RULE_INVOKED_TIME.name, OPENED_TIME.name, CLOSED_TIME.name, SCORE_AS_OF.name})


@dataclass(frozen=True)
class ResultOutput:
    """One output's record: its name, version, title and fields (after ``schema``)."""

    name: str
    version: int
    title: str
    fields: tuple[ResultField, ...]

    @property
    def schema_id(self) -> str:
        return f"smguard-{self.name}/{self.version}"

    @property
    def names(self) -> tuple[str, ...]:
        """The keys of a record and the CSV header, in order."""
        return (SCHEMA.name, *(field.name for field in self.fields))

    def record(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The record of ``values`` (every field of the output, nothing else), in the output's order."""
        declared = self.names[1:]
        missing = [name for name in declared if name not in values]
        unknown = sorted(set(values) - set(declared))
        if missing or unknown:
            raise ResultFieldError(
                f"{self.schema_id}: a record needs exactly {', '.join(declared)}; "
                f"missing {missing or 'nothing'}, unknown {unknown or 'nothing'}"
            )
        return {SCHEMA.name: self.schema_id, **{name: values[name] for name in declared}}

    def csv_row(self, record: Mapping[str, Any]) -> list[str]:
        """A record's CSV cells: lists joined by spaces, times as a spreadsheet reads them, null empty,
        and a cell a spreadsheet would run as a formula neutralised (see :func:`neutralise`)."""
        return [neutralise(_csv_text(name, record[name])) for name in self.names]

    def record_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                SCHEMA.name: {"description": SCHEMA.description, "const": self.schema_id},
                **{field.name: field.value_schema() for field in self.fields},
            },
            "required": list(self.names),
            "additionalProperties": False,
        }


CSV_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell starting with these as a formula; resource names and annotations come
from the audited accounts, so CSV output neutralises them (JSON keeps the exact text)."""


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(CSV_FORMULA_TRIGGERS) else cell


def _csv_text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return CSV_LIST_SEPARATOR.join(value)
    if name in TIMES:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).strftime(CSV_TIME_FORMAT)
    return str(value)


EVALUATE = ResultOutput(
    "evaluate",
    1,
    "smguard evaluate --format json: one record per rule and resource of the evaluated account and region",
    (RULE, ACCOUNT_ID, REGION, RESOURCE_TYPE, RESOURCE_ID, COMPLIANCE, ANNOTATION, *RULE_FACTS),
)
SCAN = ResultOutput(
    "scan",
    1,
    "smguard scan --format json: one record per rule and template resource",
    (
        RULE,
        RESOURCE_TYPE,
        RESOURCE_ID,
        replace(
            COMPLIANCE,
            description=COMPLIANCE.description + " UNKNOWN: the template does not decide it (the annotation says why).",
            schema={"type": "string", "enum": [*AWS_COMPLIANCE, UNKNOWN]},
        ),
        ANNOTATION,
        *RULE_FACTS,
        FILE,
        LINE,
    ),
)
EXPORT = ResultOutput(
    "export",
    1,
    "smguard export, evaluations.jsonl (one record per line) and evaluations.csv: one record per rule and resource",
    (
        ACCOUNT_ID,
        REGION,
        RULE,
        CONFIG_RULE_NAME,
        RESOURCE_TYPE,
        RESOURCE_ID,
        COMPLIANCE,
        replace(ANNOTATION, nullable=True),
        *RULE_FACTS,
        EXEMPTION_TICKET,
        EXEMPTION_EXPIRES,
        EXEMPTION_APPROVER,
        RESULT_RECORDED_TIME,
        RULE_INVOKED_TIME,
    ),
)
EPISODES = ResultOutput(
    "episodes",
    1,
    "smguard export --from/--to, episodes.csv: one record per non-compliance episode of a resource against a rule",
    (
        ACCOUNT_ID,
        REGION,
        RULE,
        CONFIG_RULE_NAME,
        RESOURCE_TYPE,
        RESOURCE_ID,
        OPENED_TIME,
        CLOSED_TIME,
        DURATION_HOURS,
        CLOSED_AS,
        replace(EXEMPTION_TICKET, description="The exemption that ended the episode (closed_as EXEMPT): its ticket, if any."),
        replace(EXEMPTION_EXPIRES, description="The exemption that ended the episode: its last valid day (ISO date, UTC)."),
    ),
)
"""Written as CSV only (no JSON, so no JSON Schema file)."""
COMPLIANCE_SCORES = ResultOutput(
    "compliance-scores",
    1,
    "smguard export, compliance_scores.jsonl (one record per line) and compliance_scores.csv: the conformance-pack compliance "
    "score of each account and region, counted from the bundle's evaluations",
    (*SCORED_ACCOUNT, *SCORE_FIELDS, SCORE_AS_OF),
)
SCORE_TIMELINE = ResultOutput(
    "score-timeline",
    1,
    "smguard export --from/--to, compliance_score_timeline.csv: the conformance-pack compliance score of each account and "
    "region at the end of every day of the period, from the compliance history",
    (*SCORED_ACCOUNT, DAY, SCORE_AS_OF, *SCORE_FIELDS),
)
"""Written as CSV only, as episodes.csv."""
OUTPUTS = (EVALUATE, SCAN, EXPORT, COMPLIANCE_SCORES)
"""The outputs written as JSON, each with a JSON Schema file in docs/schemas/ (the first three one record per rule
and resource, the score one per account and region)."""
ARRAY_OUTPUTS = frozenset({EVALUATE.name, SCAN.name})
"""Outputs written as one JSON array of records; the export writes one record per line (JSON Lines)."""


@cache
def rule_facts(rule: str) -> dict[str, Any]:
    """The :data:`RULE_FACTS` of the installed catalogue's rule ``rule`` (short name)."""
    from smguard.catalogue import load  # the catalogue imports the rules; only outputs need it

    metadata = load(rule).metadata
    mappings = metadata.mappings
    return {
        SEVERITY.name: metadata.severity,
        SECURITY_HUB_CONTROLS.name: list(mappings.security_hub_controls),
        NIST_800_53_CONTROLS.name: list(mappings.nist_800_53),
        AWS_CONFIG_MANAGED_RULES.name: list(mappings.aws_config_managed_rules),
    }


def json_schema(output: ResultOutput) -> dict[str, Any]:
    """The JSON Schema (2020-12) of ``output``'s JSON: an array of records, or one JSON Lines record."""
    record = output.record_schema()
    head = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE_URI}{schema_file_name(output)}",
        "title": output.schema_id,
        "description": output.title,
    }
    if output.name in ARRAY_OUTPUTS:
        return {**head, "type": "array", "items": {"$ref": "#/$defs/record"}, "$defs": {"record": record}}
    return {**head, **record}


def schema_file_name(output: ResultOutput) -> str:
    return f"smguard-{output.name}.schema.json"


def schema_documents() -> dict[str, str]:
    """File name -> text of every output's JSON Schema, as docs/schemas/ holds them."""
    return {schema_file_name(o): json.dumps(json_schema(o), indent=2, ensure_ascii=False) + "\n" for o in OUTPUTS}


def main(argv: Sequence[str]) -> None:
    """``python -m smguard.results FOLDER``: write the JSON Schema files into FOLDER."""
    if len(argv) != 1:
        raise SystemExit("usage: python -m smguard.results FOLDER")
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in schema_documents().items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
