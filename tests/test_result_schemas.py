"""The JSON Schema files in docs/schemas/ are generated from smguard/results.py and refuse what they should.

Each command's real output is validated against its file where the output is tested: tests/cli/test_evaluate.py,
tests/scan/test_cli.py, tests/evidence/test_export.py.
"""

from __future__ import annotations

import pytest

from smguard.results import COMPLIANCE_SCORES, EVALUATE, EXPORT, OUTPUTS, SCAN, SCORE_TIMELINE, schema_documents
from tests.support.schemas import SCHEMAS, validator


def test_the_schema_files_are_current():
    assert sorted(p.name for p in SCHEMAS.iterdir()) == sorted(schema_documents())
    for name, text in schema_documents().items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, f"docs/schemas/{name} is stale: run make generate"


def test_every_output_names_the_same_thing_the_same_way():
    assert [o.schema_id for o in OUTPUTS] == ["smguard-evaluate/1", "smguard-scan/1", "smguard-export/1", "smguard-compliance-scores/1"]
    shared = ("schema", "rule", "resource_type", "resource_id", "compliance", "annotation", "severity", "security_hub_controls")
    for output in (EVALUATE, SCAN, EXPORT):  # one record per rule and resource
        assert set(shared) <= set(output.names), output.name
    for output in (COMPLIANCE_SCORES, SCORE_TIMELINE):  # one record per account and region (and day)
        assert {"schema", "account_id", "region", "compliant_pairs", "non_compliant_pairs", "score"} <= set(output.names), output.name


SCORE_RECORD = {
    "schema": "smguard-compliance-scores/1",
    "account_id": "123456789012",
    "region": "eu-west-1",
    "conformance_pack": "smguard",
    "compliant_pairs": 5,
    "non_compliant_pairs": 3,
    "score": "62.50",
    "no_score_reason": None,
    "as_of_utc": "2026-11-25T06:00:00Z",
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"score": "62.5"}, "is not valid under any of the given schemas"),  # two decimals, as the API returns it
        ({"score": 62.5}, "is not valid under any of the given schemas"),  # a string, as the API returns it
        ({"score": "INSUFFICIENT"}, "is not valid under any of the given schemas"),
        ({"compliant_pairs": -1}, "is not valid under any of the given schemas"),
        ({"as_of_utc": "yesterday"}, "is not a 'date-time'"),
    ],
)
def test_the_score_schema_refuses_a_record_that_breaks_the_vocabulary(change, problem):
    assert list(validator(COMPLIANCE_SCORES).iter_errors(SCORE_RECORD)) == []
    for fine in ({"score": "100.00"}, {"score": "0.00"}, {"score": "INSUFFICIENT_DATA", "compliant_pairs": 0, "non_compliant_pairs": 0}):
        assert list(validator(COMPLIANCE_SCORES).iter_errors({**SCORE_RECORD, **fine})) == []
    errors = [error.message for error in validator(COMPLIANCE_SCORES).iter_errors({**SCORE_RECORD, **change})]
    assert len(errors) == 1 and problem in errors[0], errors


EXPORT_RECORD = {
    "schema": "smguard-export/1",
    "account_id": "123456789012",
    "region": "eu-west-1",
    "rule": "notebook_root_access",
    "config_rule_name": "smguard-notebook-root-access",
    "resource_type": "AWS::SageMaker::NotebookInstance",
    "resource_id": "nb-vendor",
    "compliance": "NOT_APPLICABLE",
    "annotation": "EXEMPT until 2099-03-31 (ticket SEC-1234): reason",
    "severity": "high",
    "security_hub_controls": ["SageMaker.3"],
    "nist_800_53_controls": ["AC-6(10)"],
    "aws_config_managed_rules": ["sagemaker-notebook-instance-root-access-check"],
    "exemption_ticket": "SEC-1234",
    "exemption_expires": "2099-03-31",
    "exemption_approver": None,
    "result_recorded_time_utc": "2026-11-20T10:16:00.123Z",
    "rule_invoked_time_utc": None,
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"compliance_type": "COMPLIANT"}, "Additional properties are not allowed ('compliance_type' was unexpected)"),
        ({"compliance": "UNKNOWN"}, "'UNKNOWN' is not one of ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']"),
        ({"schema": "smguard-export/2"}, "'smguard-export/1' was expected"),
        ({"account_id": "12345"}, "'12345' does not match '^\\\\d{12}$'"),
        ({"result_recorded_time_utc": "2026-11-20 10:16:00"}, "is not valid under any of the given schemas"),
        ({"severity": "urgent"}, "'urgent' is not one of ['critical', 'high', 'medium', 'low']"),
        ({"nist_800_53_controls": "AC-6"}, "is not of type 'array'"),
    ],
)
def test_the_export_schema_refuses_a_record_that_breaks_the_vocabulary(change, problem):
    assert list(validator(EXPORT).iter_errors(EXPORT_RECORD)) == []
    errors = [error.message for error in validator(EXPORT).iter_errors({**EXPORT_RECORD, **change})]
    assert len(errors) == 1 and problem in errors[0], errors


def test_a_missing_field_is_refused_by_every_schema():
    for output in (EVALUATE, SCAN):
        assert [e.message for e in validator(output).iter_errors([{"schema": output.schema_id}])][0].endswith("is a required property")
    record = dict(EXPORT_RECORD)
    del record["region"]
    assert [e.message for e in validator(EXPORT).iter_errors(record)] == ["'region' is a required property"]
