"""One evidence row per (account, region, rule, resource), and the CSV and JSON Lines writers.

Both files hold the same records (smguard.results.EXPORT: the row's fields plus its rule's severity
and control mappings) in the same order and are written as pages arrive, so an export of millions
of results needs no more memory than one page.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import IO, Any

from smguard.evidence.exemptions import parse_exempt_annotation
from smguard.results import EXPORT, rule_facts

CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: Excel on Windows reads a CSV without one in the system's code page
and garbles every non-ASCII character (names, annotations); every other reader skips the mark."""


@dataclass(frozen=True)
class EvaluationRow:
    account_id: str
    region: str
    rule: str
    """The smguard rule (its folder name), the same in every account and deployment mode."""
    config_rule_name: str
    """The Config rule as the AWS Config console of ``account_id`` shows it
    (``smguard-...-conformance-pack-<suffix>``; ``smguard-...`` or ``OrgConfigRule-smguard-...-<suffix>``
    from a deployment before the conformance pack)."""
    resource_type: str
    resource_id: str
    compliance: str
    annotation: str | None
    exemption_ticket: str | None
    exemption_expires: str | None
    exemption_approver: str | None
    result_recorded_time_utc: str | None
    rule_invoked_time_utc: str | None

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
            compliance=result["ComplianceType"],
            annotation=annotation,
            exemption_ticket=exemption.ticket if exemption else None,
            exemption_expires=exemption.expires.isoformat() if exemption else None,
            exemption_approver=exemption.approver if exemption else None,
            result_recorded_time_utc=_iso(result.get("ResultRecordedTime")),
            rule_invoked_time_utc=_iso(result.get("ConfigRuleInvokedTime")),
        )

    @property
    def exempt(self) -> bool:
        return self.exemption_expires is not None


COLUMNS = EXPORT.names


class RowWriter:
    """Writes each row to evaluations.csv (opened with :data:`CSV_ENCODING`) and evaluations.jsonl at once."""

    def __init__(self, csv_file: IO[str], jsonl_file: IO[str]) -> None:
        self._csv = csv.writer(csv_file, lineterminator="\r\n")
        self._csv.writerow(COLUMNS)
        self._jsonl = jsonl_file
        self.count = 0

    def write(self, row: EvaluationRow) -> None:
        record = EXPORT.record({**asdict(row), **rule_facts(row.rule)})
        self._csv.writerow(EXPORT.csv_row(record))
        self._jsonl.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.count += 1


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
