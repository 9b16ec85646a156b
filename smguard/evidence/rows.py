"""One evidence row per (account, region, rule, resource), and the CSV and JSON Lines writers.

Both files hold the same rows in the same order and are written as pages arrive, so an export of
millions of results needs no more memory than one page.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from typing import IO, Any

from smguard.evidence.exemptions import parse_exempt_annotation

CSV_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell starting with these as a formula; resource names and annotations come
from the audited accounts, so the CSV neutralises them (JSON Lines keeps the exact text)."""


@dataclass(frozen=True)
class EvaluationRow:
    account_id: str
    region: str
    rule: str
    """The smguard rule (its folder name), the same in every account and deployment mode."""
    config_rule_name: str
    """The Config rule as the AWS Config console of ``account_id`` shows it (``smguard-...`` or
    ``OrgConfigRule-smguard-...-<suffix>``)."""
    resource_type: str
    resource_id: str
    compliance_type: str
    annotation: str | None
    exemption_ticket: str | None
    exemption_expires: str | None
    exemption_approver: str | None
    result_recorded_time: str | None
    rule_invoked_time: str | None

    @classmethod
    def from_result(cls, result: dict[str, Any], rule: str, account_id: str, region: str) -> EvaluationRow:
        """From an EvaluationResult (or AggregateEvaluationResult) of smguard's ``rule`` as boto3 parses it."""
        qualifier = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
        annotation = result.get("Annotation")
        exemption = parse_exempt_annotation(annotation)
        return cls(
            account_id=result.get("AccountId", account_id),
            region=result.get("AwsRegion", region),
            rule=rule,
            config_rule_name=qualifier["ConfigRuleName"],
            resource_type=qualifier["ResourceType"],
            resource_id=qualifier["ResourceId"],
            compliance_type=result["ComplianceType"],
            annotation=annotation,
            exemption_ticket=exemption.ticket if exemption else None,
            exemption_expires=exemption.expires.isoformat() if exemption else None,
            exemption_approver=exemption.approver if exemption else None,
            result_recorded_time=_iso(result.get("ResultRecordedTime")),
            rule_invoked_time=_iso(result.get("ConfigRuleInvokedTime")),
        )

    @property
    def exempt(self) -> bool:
        return self.exemption_expires is not None


COLUMNS = tuple(field.name for field in fields(EvaluationRow))


class RowWriter:
    """Writes each row to evaluations.csv and evaluations.jsonl at once."""

    def __init__(self, csv_file: IO[str], jsonl_file: IO[str]) -> None:
        self._csv = csv.writer(csv_file, lineterminator="\r\n")
        self._csv.writerow(COLUMNS)
        self._jsonl = jsonl_file
        self.count = 0

    def write(self, row: EvaluationRow) -> None:
        self._csv.writerow([_csv_cell(value) for value in asdict(row).values()])
        self._jsonl.write(json.dumps(asdict(row), ensure_ascii=False, separators=(",", ":")) + "\n")
        self.count += 1


def _csv_cell(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value.startswith(CSV_FORMULA_TRIGGERS) else value


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
