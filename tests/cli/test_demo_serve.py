"""`smguard demo --serve`: the embedded AWS served until interrupted, used by other smguard processes."""

from __future__ import annotations

import csv
import io
import json
import os
import select
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest

from smguard.catalogue import rule_names
from smguard.deploy.naming import CONFORMANCE_PACK_NAME, names, rule_of
from smguard.demo.history import HISTORY_DAYS
from tests.cli.test_demo import expected_counts
from tests.support.declared import rules_on_jobs

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 120
"""Building, deploying and evaluating takes about 15 s here; the margin is for a loaded machine."""
ENVIRONMENT_KEYS = {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION"}


class Served:
    """A running `smguard demo --serve` and what its first line announced."""

    def __init__(self, *options: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "smguard.cli", "demo", "--serve", *options],
            cwd=ROOT,
            env={**clean_environment(), "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        ready, _, _ = select.select([self.process.stdout], [], [], STARTUP_SECONDS)
        assert ready, f"no first line within {STARTUP_SECONDS} s"
        self.first_line = self.process.stdout.readline()  # type: ignore[union-attr]
        assert self.first_line, f"exited {self.process.wait()} before announcing: {self.process.stderr.read()}"  # type: ignore[union-attr]
        self.announcement: dict[str, Any] = json.loads(self.first_line)

    def smguard(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        """A smguard command in a new process, with nothing but the announced environment to find the AWS."""
        return subprocess.run(
            [sys.executable, "-m", "smguard.cli", *arguments],
            cwd=ROOT,
            env={**clean_environment(), "PYTHONPATH": str(ROOT), "COLUMNS": "200", **self.announcement["environment"]},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def stop(self, number: signal.Signals) -> tuple[int, str]:
        self.process.send_signal(number)
        rest, errors = self.process.communicate(timeout=60)
        return self.process.returncode, errors

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def clean_environment() -> dict[str, str]:
    """This environment without AWS settings or credentials: a shell that only sets what the demo prints."""
    return {
        **{name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "MOTO_"))},
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


@pytest.fixture
def serve() -> Iterator[Any]:
    started: list[Served] = []

    def start(*options: str) -> Served:
        started.append(Served(*options))
        return started[-1]

    yield start
    for served in started:
        served.kill()


def counts_by_rule(bundle: Path) -> dict[tuple[str, str], Counter[str]]:
    """(account, rule short name) -> compliance type -> results."""
    counts: dict[tuple[str, str], Counter[str]] = {}
    for row in csv.DictReader((bundle / "evaluations.csv").open(encoding="utf-8-sig")):
        assert rule_of(row["config_rule_name"], rule_names()) == row["rule"], row
        counts.setdefault((row["account_id"], row["rule"]), Counter())[row["compliance"]] += 1
    return counts


def test_an_account_is_served_until_interrupted_and_export_evaluate_and_verify_work_against_it(serve, tmp_path):
    served = serve()

    announced = served.announcement
    assert set(announced) == {"endpoint_url", "region", "account_id", "environment"}
    assert announced["endpoint_url"].startswith("http://127.0.0.1:")
    assert (announced["region"], announced["account_id"]) == ("us-east-1", "123456789012")
    assert set(announced["environment"]) == ENVIRONMENT_KEYS
    assert announced["environment"]["AWS_ENDPOINT_URL"] == announced["endpoint_url"]
    assert announced["environment"]["AWS_REGION"] == announced["environment"]["AWS_DEFAULT_REGION"] == "us-east-1"

    exported = served.smguard("export", "--account", "123456789012", "--out", str(tmp_path / "evidence"))
    assert exported.returncode == 0, exported.stderr
    counts = counts_by_rule(tmp_path / "evidence")
    assert counts == {
        ("123456789012", rule): Counter({"COMPLIANT": c, "NON_COMPLIANT": n, "NOT_APPLICABLE": na}) - Counter()
        for rule in rule_names()
        for _, c, n, na in [expected_counts(rule)]
        if c + n + na  # a rule on a type the demo does not create has no row
    }
    verified = served.smguard("verify", str(tmp_path / "evidence"))
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(f"{tmp_path / 'evidence'}: the 6 files match manifest.json, but nothing shows")
    month = served.smguard("export", "--account", "123456789012", *PERIOD, "--out", str(tmp_path / "month"))
    assert month.returncode == 0, month.stderr
    assert closed_as(tmp_path / "month") == {"COMPLIANT": 1, "EXEMPT": 1, "": sum(c["NON_COMPLIANT"] for c in counts.values())}
    evaluated = served.smguard("evaluate", "--rules", "notebook_root_access", "--format", "csv")
    assert evaluated.returncode == 0, evaluated.stderr
    found = {row["resource_id"]: row for row in csv.DictReader(evaluated.stdout.splitlines())}
    assert (found["ds-scratch"]["compliance"], found["ds-scratch"]["annotation"]) == (
        "NON_COMPLIANT",
        "RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).",
    )
    # With the register the stack gives every deployed rule, evaluate reports what the deployed rule reported
    # (the bundle), the exemption included: one vocabulary, one register, the same code. (notebook_root_access
    # runs with its defaults in both; other rules get the demo stack's parameters, which evaluate would need too.)
    with_register = served.smguard(
        "evaluate", "--rules", "notebook_root_access", "--format", "json", "--exemptions-parameter", "/smguard/exemptions"
    )
    assert with_register.returncode == 0, with_register.stderr
    evaluated_results = {r["resource_id"]: (r["compliance"], r["annotation"]) for r in json.loads(with_register.stdout)}
    deployed_results = {
        r["resource_id"]: (r["compliance"], r["annotation"])
        for r in map(json.loads, (tmp_path / "evidence" / "evaluations.jsonl").read_text(encoding="utf-8").splitlines())
        if r["rule"] == "notebook_root_access"
    }
    assert evaluated_results == deployed_results
    assert evaluated_results["gpu-driver-build"][1].startswith("EXEMPT until ")
    recorded = served.smguard("evaluate", "--source", "config", "--format", "csv")
    described = served.smguard("evaluate", "--format", "csv")
    assert recorded.returncode == described.returncode == 0, recorded.stderr
    # The served account records with AWS Config; the notebook settings it does not record are read with
    # Describe, and the recorded path's annotations say so.
    recorded_rows, described_rows = (list(csv.DictReader(io.StringIO(out.stdout))) for out in (recorded, described))
    for rows in (recorded_rows, described_rows):
        for row in rows:
            if row["rule"] == "notebook_platform":
                row["annotation"] = "(read with DescribeNotebookInstance)" in row["annotation"]
    assert recorded_rows == [
        {**row, "annotation": True} if row["rule"] == "notebook_platform" else row for row in described_rows
    ]

    assert served.stop(signal.SIGINT) == (0, "")


TODAY = datetime.now(timezone.utc).date()
PERIOD = ("--from", (TODAY - timedelta(days=HISTORY_DAYS)).isoformat(), "--to", TODAY.isoformat())


def closed_as(bundle: Path) -> Counter[str]:
    """How the episodes of the bundle's period ended ("" while still open): the demo's month played
    (smguard.demo.history) fixes one breach, exempts one and leaves every current one open."""
    return Counter(row["closed_as"] for row in csv.DictReader((bundle / "episodes.csv").open(encoding="utf-8-sig")))


def organization_counts(rule: str) -> tuple[int, int]:
    """What an aggregator carries per member account and rule: the single-account demo's results but the
    NOT_APPLICABLE ones (AggregateEvaluationResult is COMPLIANT or NON_COMPLIANT only)."""
    _, compliant, non_compliant, _ = expected_counts(rule)
    return compliant, non_compliant


def client(announcement: dict[str, Any], service: str) -> Any:
    environment = announcement["environment"]
    return boto3.client(
        service,
        endpoint_url=environment["AWS_ENDPOINT_URL"],
        aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
        region_name=environment["AWS_REGION"],
    )


def test_an_organization_is_served_with_template_yamls_organization_pack_and_an_aggregator(serve, tmp_path):
    served = serve("--organization")

    announced = served.announcement
    assert set(announced) == {
        "endpoint_url", "region", "account_id", "environment", "aggregator", "history_bucket", "member_account_ids",
        "management_account_id", "organization_id",
    }  # fmt: skip
    assert set(announced["environment"]) == ENVIRONMENT_KEYS
    security, members = announced["account_id"], announced["member_account_ids"]
    assert len(members) == 2 and security not in members and announced["management_account_id"] not in [security, *members]
    assert client(announced, "sts").get_caller_identity()["Account"] == security
    organizations = client(announced, "organizations")
    assert organizations.describe_organization()["Organization"]["Id"] == announced["organization_id"]

    # Only the management account or a Config delegated administrator may list organization packs.
    config = client(announced, "config")
    [pack] = config.describe_organization_conformance_packs()["OrganizationConformancePacks"]
    assert pack["OrganizationConformancePackName"] == CONFORMANCE_PACK_NAME
    statuses = config.get_organization_conformance_pack_detailed_status(OrganizationConformancePackName=CONFORMANCE_PACK_NAME)
    assert {s["AccountId"]: s["Status"] for s in statuses["OrganizationConformancePackDetailedStatuses"]} == {
        account: "CREATE_SUCCESSFUL" for account in [security, *members]
    }  # every account but the excluded management account
    aggregated: dict[tuple[str, str], Counter[str]] = {}
    for page in config.get_paginator("describe_aggregate_compliance_by_config_rules").paginate(
        ConfigurationAggregatorName=announced["aggregator"]
    ):
        for entry in page["AggregateComplianceByConfigRules"]:
            rule = rule_of(entry["ConfigRuleName"], rule_names())
            assert rule is not None and entry["ConfigRuleName"] == names(rule).pack_rule(entry["ConfigRuleName"].rpartition("-")[2])
            details = config.get_aggregate_compliance_details_by_config_rule(
                ConfigurationAggregatorName=announced["aggregator"],
                ConfigRuleName=entry["ConfigRuleName"],
                AccountId=entry["AccountId"],
                AwsRegion=entry["AwsRegion"],
            )["AggregateEvaluationResults"]
            aggregated[(entry["AccountId"], rule)] = Counter(result["ComplianceType"] for result in details)
            if rule == "notebook_root_access":
                scratch = [r for r in details if r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] == "ds-scratch"]
                assert [(r["ComplianceType"], r["Annotation"]) for r in scratch] == [
                    (
                        "NON_COMPLIANT",
                        "RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).",
                    )
                ]
    assert {key: counts for key, counts in aggregated.items() if key[0] in members} == {
        (account, rule): Counter({"COMPLIANT": compliant, "NON_COMPLIANT": non_compliant}) - Counter()
        for account in members
        for rule in rule_names()
        for compliant, non_compliant in [organization_counts(rule)]
        if compliant + non_compliant  # an aggregator lists no rule without a COMPLIANT or NON_COMPLIANT result
    }

    exported = served.smguard("export", "--aggregator", announced["aggregator"], "--out", str(tmp_path / "evidence"))
    assert exported.returncode == 0, exported.stderr
    assert {key: counts for key, counts in counts_by_rule(tmp_path / "evidence").items() if key[0] in members} == {
        key: counts for key, counts in aggregated.items() if key[0] in members
    }
    verified = served.smguard("verify", str(tmp_path / "evidence"))
    assert verified.returncode == 0, verified.stderr
    month = served.smguard(
        "export", "--aggregator", announced["aggregator"], *PERIOD, "--history-bucket", announced["history_bucket"],
        "--out", str(tmp_path / "month"),
    )  # fmt: skip
    assert month.returncode == 0, month.stderr
    # Per member account: the fixed breach, the exempted one (not named through an aggregator), every current one open,
    # but for the jobs rules' (their jobs exist since today: the history files hold no window of today's run yet).
    on_jobs = rules_on_jobs()
    non_compliant = sum(counts["NON_COMPLIANT"] for key, counts in aggregated.items() if key[0] in members and key[1] not in on_jobs)
    assert closed_as(tmp_path / "month") == {"COMPLIANT": len(members), "NOT_APPLICABLE": len(members), "": non_compliant}

    assert served.stop(signal.SIGTERM) == (0, "")
