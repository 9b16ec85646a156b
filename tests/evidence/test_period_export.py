"""smguard export --from/--to: a scripted history through the real rule handlers -> embedded Config -> episodes.csv."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner

from smguard.catalogue import load
from smguard.cli.main import cli
from smguard.deploy.naming import names
from smguard.embedded import install, result_token
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from smguard.evidence import ExportRequest, export_bundle, verify_bundle
from smguard.evidence.period import EPISODE_COLUMNS
from tests.evidence.conftest import ACCOUNT, EXEMPTIONS_PARAMETER, NOTEBOOK, REGION, REGISTER, deploy
from tests.support.events import change_event, configuration_item

ROOT = "notebook_root_access"
INTERNET = "notebook_direct_internet"
EXPORTED_AT = datetime(2026, 11, 25, 6, 0, tzinfo=timezone.utc)
FIXED_SHARE = (31 - 4.375) / 31
OCTOBER = {"period_from": date(2026, 10, 1), "period_to": date(2026, 10, 31)}
HISTORY = [
    # (capture time, rule, notebook, RootAccess/DirectInternetAccess)
    ("2026-09-01T08:00:00.000Z", ROOT, "nb-locked", {"RootAccess": "Disabled"}),
    ("2026-09-01T08:00:00.000Z", INTERNET, "nb-locked", {"DirectInternetAccess": "Disabled"}),
    ("2026-09-20T09:00:00.000Z", ROOT, "nb-fixed", {"RootAccess": "Enabled"}),
    ("2026-10-02T12:00:00.000Z", ROOT, "nb-vendor", {"RootAccess": "Enabled"}),
    ("2026-10-05T09:00:00.000Z", ROOT, "nb-fixed", {"RootAccess": "Disabled"}),
    ("2026-10-10T00:00:00.000Z", ROOT, "nb-open", {"RootAccess": "Enabled"}),
    ("register", None, None, None),  # the security team approves nb-vendor's exemption
    ("2026-10-12T12:00:00.000Z", ROOT, "nb-vendor", {"RootAccess": "Enabled"}),
    ("2026-11-03T00:00:00.000Z", ROOT, "nb-open", {"RootAccess": "Disabled"}),  # after the period
]


def evaluate(session: boto3.Session, rule: str, name: str, configuration: dict, captured: str) -> None:
    """``rule``'s real handler, invoked as Config does for a change of notebook ``name`` captured at ``captured``."""
    config_rule = names(rule).config_rule
    item = configuration_item(NOTEBOOK, name, {"NotebookInstanceName": name, **configuration}, capture_time=captured)
    event = change_event(
        item,
        parameters={"ExemptionsParameterName": EXEMPTIONS_PARAMETER},
        rule_name=config_rule,
        result_token=result_token(config_rule, account_id=ACCOUNT, region=REGION, invoked_at=datetime.fromisoformat(captured)),
    )
    load(rule).handler(event, None)


@pytest.fixture
def history(aws) -> Iterator[boto3.Session]:
    install()
    SHARED_EXEMPTION_REGISTERS.clear()
    session = boto3.Session(region_name=REGION)
    config = session.client("config")
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config"})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-history"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    ssm = session.client("ssm")
    ssm.put_parameter(Name=EXEMPTIONS_PARAMETER, Value=json.dumps({"version": 1, "exemptions": []}), Type="String")
    deploy(session)
    for captured, rule, name, configuration in HISTORY:
        if rule is None:
            ssm.put_parameter(Name=EXEMPTIONS_PARAMETER, Value=json.dumps(REGISTER), Type="String", Overwrite=True)
            SHARED_EXEMPTION_REGISTERS.clear()
            continue
        evaluate(session, rule, name, configuration, captured)
    yield session
    SHARED_EXEMPTION_REGISTERS.clear()


def episodes(bundle: Path) -> list[list[str]]:
    raw = (bundle / "episodes.csv").read_bytes()
    assert b"\r\n" in raw
    return list(csv.reader(raw.decode("utf-8").splitlines()))


def test_the_period_bundle_holds_closed_open_and_exempted_episodes(history: boto3.Session, tmp_path: Path) -> None:
    bundle = export_bundle(history, ExportRequest(account_id=ACCOUNT, **OCTOBER), tmp_path / "b", clock=lambda: EXPORTED_AT)
    rule = names(ROOT).config_rule
    assert episodes(bundle) == [
        list(EPISODE_COLUMNS),
        [ACCOUNT, REGION, ROOT, rule, NOTEBOOK, "nb-fixed", "2026-09-20T09:00:00Z", "2026-10-05T09:00:00Z", "360.00", "COMPLIANT", "", ""],
        [ACCOUNT, REGION, ROOT, rule, NOTEBOOK, "nb-open", "2026-10-10T00:00:00Z", "", "528.00", "", "", ""],
        [ACCOUNT, REGION, ROOT, rule, NOTEBOOK, "nb-vendor", "2026-10-02T12:00:00Z", "2026-10-12T12:00:00Z", "240.00", "EXEMPT", "SEC-1234", "2099-03-31"],
    ]
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["period"] == {
        "from": "2026-10-01",
        "to": "2026-10-31",
        "start": "2026-10-01T00:00:00Z",
        "end": "2026-11-01T00:00:00Z",
        "episodes": 3,
        "open_at_end": 1,
        "per_rule": {INTERNET: {"episodes": 0, "open_at_end": 0}, ROOT: {"episodes": 3, "open_at_end": 1}},
    }
    assert "episodes.csv" in manifest["files"]
    assert verify_bundle(bundle).intact


def test_the_summary_page_shows_the_share_compliant_and_the_times_to_fix(history: boto3.Session, tmp_path: Path) -> None:
    bundle = export_bundle(history, ExportRequest(account_id=ACCOUNT, **OCTOBER), tmp_path / "b", clock=lambda: EXPORTED_AT)
    page = (bundle / "summary.html").read_text()
    section = page[page.index('<section id="period">') : page.index("</section>", page.index('<section id="period">'))]
    assert "Over the period 2026-10-01T00:00:00Z to 2026-11-01T00:00:00Z" in section

    def rule_row(rule: str) -> dict[str, str]:
        row = re.search(rf'<tr data-rule="{rule}">(.*?)</tr>', section)
        assert row is not None
        return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', row.group(1)))

    # nb-locked all period; nb-fixed all but Oct 1 00:00 to Oct 5 09:00 (4.375 of 31 days); nb-open and nb-vendor never compliant while judged.
    assert rule_row(ROOT) == {
        "resources": "4",
        "always-compliant": "1",
        "average-share": f"{(1 + FIXED_SHARE) / 4:.4f}",
        "fixed": "2",
        "median-hours": "300.00",
        "worst-hours": "360.00",
        "open": "1",
    }
    assert rule_row(INTERNET) == {
        "resources": "1", "always-compliant": "1", "average-share": "1.0000", "fixed": "0", "median-hours": "", "worst-hours": "", "open": "0"
    }  # fmt: skip
    below = re.findall(r"<code>(nb-[a-z]+)</code></td><td data-share=\"([0-9.]+)\">", section)
    assert below == [("nb-fixed", f"{FIXED_SHARE:.4f}"), ("nb-open", "0.0000"), ("nb-vendor", "0.0000")]


def test_a_bundle_without_a_period_has_no_episodes(history: boto3.Session, tmp_path: Path) -> None:
    bundle = export_bundle(history, ExportRequest(account_id=ACCOUNT), tmp_path / "b", clock=lambda: EXPORTED_AT)
    assert not (bundle / "episodes.csv").exists()
    assert "period" not in json.loads((bundle / "manifest.json").read_text())
    assert 'id="period"' not in (bundle / "summary.html").read_text()


def test_a_period_reaching_past_the_export_ends_at_the_export(history: boto3.Session, tmp_path: Path) -> None:
    request = ExportRequest(account_id=ACCOUNT, period_from=date(2026, 11, 1), period_to=date(2026, 12, 31))
    bundle = export_bundle(history, request, tmp_path / "b", clock=lambda: EXPORTED_AT)
    assert json.loads((bundle / "manifest.json").read_text())["period"]["end"] == "2026-11-25T06:00:00Z"
    assert [row[5:10] for row in episodes(bundle)[1:]] == [["nb-open", "2026-10-10T00:00:00Z", "2026-11-03T00:00:00Z", "576.00", "COMPLIANT"]]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "2026-10-31", "--to", "2026-10-01"], "--from 2026-10-31 is after --to 2026-10-01"),
        (["--from", "2026-13-01", "--to", "2026-10-01"], "'2026-13-01' does not match the format '%Y-%m-%d'"),
        (["--from", "yesterday", "--to", "2026-10-01"], "'yesterday' does not match the format '%Y-%m-%d'"),
        (["--from", "2026-10-01"], "give both --from and --to"),
        (["--to", "2026-10-01"], "give both --from and --to"),
    ],
)
def test_a_wrong_period_is_a_usage_error_before_anything_is_read(tmp_path: Path, arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["export", "--account", ACCOUNT, "--region", REGION, "--out", str(tmp_path / "b"), *arguments])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "b").exists()


def test_a_period_that_has_not_begun_is_refused(history: boto3.Session, tmp_path: Path) -> None:
    from smguard.evidence.errors import InvalidExportRequestError

    request = ExportRequest(account_id=ACCOUNT, period_from=date(2026, 12, 1), period_to=date(2026, 12, 31))
    with pytest.raises(InvalidExportRequestError, match="--from 2026-12-01 has not begun yet"):
        export_bundle(history, request, tmp_path / "b", clock=lambda: EXPORTED_AT)
    assert not (tmp_path / "b").exists()
