"""smguard export --from/--to: a scripted history through the real rule handlers -> embedded Config -> episodes.csv."""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner

from smguard.cli.main import cli
from smguard.embedded import install
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from smguard.evidence import ExportRequest, export_bundle, verify_bundle
from smguard.evidence.period import EPISODE_COLUMNS
from smguard.embedded.history_delivery import deliver_compliance_history
from smguard.embedded.stack import pack_rule_names
from smguard.evidence.request import HISTORY_EXEMPTIONS_LIMIT
from tests.evidence.conftest import ACCOUNT, EXEMPTIONS_PARAMETER, MEMBER, NOTEBOOK, REGION, REGISTER, deploy, judge_notebook, member_session, pack_rule
from tests.support.events import configuration_item

ROOT = "notebook_root_access"
INTERNET = "notebook_direct_internet"
EXPORTED_AT = datetime(2026, 11, 25, 6, 0, tzinfo=timezone.utc)
CENTRAL_BUCKET = "org-config-history"
ORGANIZATION_PREFIX = "o-a1b2c3d4e5"
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


def evaluate(rule: str, name: str, configuration: dict, captured: str, account_id: str = ACCOUNT, config_rule: str | None = None) -> None:
    """``rule``'s real handler, invoked as Config does for a change of notebook ``name`` of
    ``account_id`` captured at ``captured``, as the Config rule ``config_rule`` (default: the rule of
    the account's smguard conformance pack)."""
    config_rule = config_rule or pack_rule(account_session(account_id), rule)
    item = configuration_item(NOTEBOOK, name, {"NotebookInstanceName": name, **configuration}, capture_time=captured)
    judge_notebook(rule, item, config_rule, account_id, datetime.fromisoformat(captured))


def account_session(account_id: str) -> boto3.Session:
    session = boto3.Session(region_name=REGION)
    return session if account_id == ACCOUNT else member_session(session, account_id)


def start_recording(session: boto3.Session, account_id: str, bucket: str = "config-history", prefix: str | None = None) -> None:
    """Config on, as an account enables it: a recorder of every supported type and a delivery channel."""
    config = session.client("config")
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{account_id}:role/config"})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket, **({"s3KeyPrefix": prefix} if prefix else {})})
    config.start_configuration_recorder(ConfigurationRecorderName="default")


@pytest.fixture
def history(aws) -> Iterator[boto3.Session]:
    install()
    SHARED_EXEMPTION_REGISTERS.clear()
    session = boto3.Session(region_name=REGION)
    session.client("s3").create_bucket(Bucket=CENTRAL_BUCKET)
    start_recording(session, ACCOUNT, CENTRAL_BUCKET, ORGANIZATION_PREFIX)
    ssm = session.client("ssm")
    ssm.put_parameter(Name=EXEMPTIONS_PARAMETER, Value=json.dumps({"version": 1, "exemptions": []}), Type="String")
    deploy(session)
    for captured, rule, name, configuration in HISTORY:
        if rule is None:
            ssm.put_parameter(Name=EXEMPTIONS_PARAMETER, Value=json.dumps(REGISTER), Type="String", Overwrite=True)
            SHARED_EXEMPTION_REGISTERS.clear()
            continue
        evaluate(rule, name, configuration, captured)
    yield session
    SHARED_EXEMPTION_REGISTERS.clear()


def episodes(bundle: Path) -> list[list[str]]:
    raw = (bundle / "episodes.csv").read_bytes()
    assert b"\r\n" in raw and raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, as evaluations.csv
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_the_period_bundle_holds_closed_open_and_exempted_episodes(history: boto3.Session, tmp_path: Path) -> None:
    bundle = export_bundle(history, ExportRequest(account_id=ACCOUNT, **OCTOBER), tmp_path / "b", clock=lambda: EXPORTED_AT)
    rule = pack_rule(history, ROOT)
    assert episodes(bundle) == [
        list(EPISODE_COLUMNS),
        ["smguard-episodes/1", ACCOUNT, REGION, ROOT, rule, NOTEBOOK, "nb-fixed", "2026-09-20 09:00:00", "2026-10-05 09:00:00", "360.00", "COMPLIANT", "", ""],
        ["smguard-episodes/1", ACCOUNT, REGION, ROOT, rule, NOTEBOOK, "nb-open", "2026-10-10 00:00:00", "", "528.00", "", "", ""],
        ["smguard-episodes/1", ACCOUNT, REGION, ROOT, rule, NOTEBOOK, "nb-vendor", "2026-10-02 12:00:00", "2026-10-12 12:00:00", "240.00", "EXEMPT", "SEC-1234", "2099-03-31"],
    ]
    manifest = json.loads((bundle / "manifest.json").read_text())
    deployed = pack_rule_names(history.client("config"))
    assert manifest["period"] == {
        "from": "2026-10-01",
        "to": "2026-10-31",
        "start": "2026-10-01T00:00:00Z",
        "end": "2026-11-01T00:00:00Z",
        "episodes": 3,
        "open_at_end": 1,
        # Every rule of the pack, each with its episodes: only notebook_root_access had any.
        "per_rule": {rule: {"episodes": 3 if rule == ROOT else 0, "open_at_end": 1 if rule == ROOT else 0} for rule in deployed},
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
    assert [row[6:11] for row in episodes(bundle)[1:]] == [["nb-open", "2026-10-10 00:00:00", "2026-11-03 00:00:00", "576.00", "COMPLIANT"]]


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


@pytest.fixture
def organization_history(history: boto3.Session) -> boto3.Session:
    """``history`` plus a member account delivering to the same central bucket, and an aggregator
    over both; Config's six-hourly deliveries have run up to the export."""
    member = member_session(history)
    start_recording(member, MEMBER, CENTRAL_BUCKET, ORGANIZATION_PREFIX)
    deploy(member, MEMBER)
    member.client("config").put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
    history.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        AccountAggregationSources=[{"AccountIds": [ACCOUNT, MEMBER], "AwsRegions": [REGION]}],
    )
    evaluate(ROOT, "nb-member", {"RootAccess": "Enabled"}, "2026-10-20T06:30:00.000Z", account_id=MEMBER)
    evaluate(ROOT, "nb-member", {"RootAccess": "Disabled"}, "2026-10-20T18:30:00.000Z", account_id=MEMBER)
    for account_id in (ACCOUNT, MEMBER):
        deliver_compliance_history(account_id, REGION, EXPORTED_AT)
    return history


def test_an_organization_period_is_read_from_the_central_history_files(organization_history: boto3.Session, tmp_path: Path) -> None:
    keys = [o["Key"] for o in organization_history.client("s3").list_objects_v2(Bucket=CENTRAL_BUCKET)["Contents"]]
    assert f"{ORGANIZATION_PREFIX}/AWSLogs/{MEMBER}/Config/{REGION}/2026/10/20/ConfigHistory/{MEMBER}_Config_{REGION}_ConfigHistory_AWS::Config::ResourceCompliance_20261020T063000Z_20261020T063000Z_1.json.gz" in keys
    request = ExportRequest(aggregator="organization", history_bucket=f"{CENTRAL_BUCKET}/{ORGANIZATION_PREFIX}", **OCTOBER)
    bundle = export_bundle(organization_history, request, tmp_path / "b", clock=lambda: EXPORTED_AT)
    rule, member_rule = pack_rule(organization_history, ROOT), pack_rule(member_session(organization_history), ROOT)
    assert episodes(bundle) == [
        list(EPISODE_COLUMNS),
        ["smguard-episodes/1", ACCOUNT, REGION, ROOT, rule, NOTEBOOK, "nb-fixed", "2026-09-20 09:00:00", "2026-10-05 09:00:00", "360.00", "COMPLIANT", "", ""],
        ["smguard-episodes/1", ACCOUNT, REGION, ROOT, rule, NOTEBOOK, "nb-open", "2026-10-10 00:00:00", "", "528.00", "", "", ""],
        # NOT_APPLICABLE is not aggregated: the exemption is not named (the limits say so).
        ["smguard-episodes/1", ACCOUNT, REGION, ROOT, rule, NOTEBOOK, "nb-vendor", "2026-10-02 12:00:00", "2026-10-12 12:00:00", "240.00", "NOT_APPLICABLE", "", ""],
        ["smguard-episodes/1", MEMBER, REGION, ROOT, member_rule, NOTEBOOK, "nb-member", "2026-10-20 06:30:00", "2026-10-20 18:30:00", "12.00", "COMPLIANT", "", ""],
    ]
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["period"]["episodes"] == 4
    assert HISTORY_EXEMPTIONS_LIMIT in manifest["limits"]


def test_history_is_delivered_only_for_complete_windows_and_once(history: boto3.Session) -> None:
    assert deliver_compliance_history(ACCOUNT, REGION, datetime(2026, 10, 5, 8, 59, tzinfo=timezone.utc)) == [
        f"{ORGANIZATION_PREFIX}/AWSLogs/{ACCOUNT}/Config/{REGION}/2026/9/1/ConfigHistory/{ACCOUNT}_Config_{REGION}_ConfigHistory_AWS::Config::ResourceCompliance_20260901T080000Z_20260901T080000Z_1.json.gz",
        f"{ORGANIZATION_PREFIX}/AWSLogs/{ACCOUNT}/Config/{REGION}/2026/9/20/ConfigHistory/{ACCOUNT}_Config_{REGION}_ConfigHistory_AWS::Config::ResourceCompliance_20260920T090000Z_20260920T090000Z_1.json.gz",
        f"{ORGANIZATION_PREFIX}/AWSLogs/{ACCOUNT}/Config/{REGION}/2026/10/2/ConfigHistory/{ACCOUNT}_Config_{REGION}_ConfigHistory_AWS::Config::ResourceCompliance_20261002T120000Z_20261002T120000Z_1.json.gz",
    ]  # the 2026-10-05 06:00-12:00 window is not complete yet
    later = deliver_compliance_history(ACCOUNT, REGION, EXPORTED_AT)
    assert [key.split("ResourceCompliance_")[1] for key in later] == [
        "20261005T090000Z_20261005T090000Z_1.json.gz",
        "20261010T000000Z_20261010T000000Z_1.json.gz",
        "20261012T120000Z_20261012T120000Z_1.json.gz",
        "20261103T000000Z_20261103T000000Z_1.json.gz",
    ]
    body = history.client("s3").get_object(Bucket=CENTRAL_BUCKET, Key=later[0])["Body"].read()
    [item] = json.loads(gzip.decompress(body))["configurationItems"]
    assert (item["resourceId"], item["configurationItemCaptureTime"], item["awsAccountId"]) == (f"{NOTEBOOK}/nb-fixed", "2026-10-05T09:00:00.000Z", ACCOUNT)
    assert item["configuration"]["configRuleList"][0]["complianceType"] == "COMPLIANT"
    assert deliver_compliance_history(ACCOUNT, REGION, EXPORTED_AT) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"aggregator": "organization"}, "give --history-bucket"),
        ({"aggregator": "organization", "history_bucket": "Not_A_Bucket"}, "is not BUCKET or BUCKET/PREFIX"),
    ],
)
def test_the_history_bucket_goes_with_an_aggregator_period(kwargs: dict, message: str) -> None:
    from smguard.evidence.errors import InvalidExportRequestError

    with pytest.raises(InvalidExportRequestError, match=re.escape(message)):
        ExportRequest(**OCTOBER, **kwargs)


def test_the_history_bucket_is_read_only_for_a_period() -> None:
    from smguard.evidence.errors import InvalidExportRequestError

    with pytest.raises(InvalidExportRequestError, match="--history-bucket is read for the compliance history of a period"):
        ExportRequest(account_id=ACCOUNT, history_bucket=CENTRAL_BUCKET)


def test_an_account_period_read_from_the_history_files_is_the_one_config_answers(history: boto3.Session, tmp_path: Path) -> None:
    deliver_compliance_history(ACCOUNT, REGION, EXPORTED_AT)
    from_config = export_bundle(history, ExportRequest(account_id=ACCOUNT, **OCTOBER), tmp_path / "config", clock=lambda: EXPORTED_AT)
    request = ExportRequest(account_id=ACCOUNT, history_bucket=f"{CENTRAL_BUCKET}/{ORGANIZATION_PREFIX}", **OCTOBER)
    from_files = export_bundle(history, request, tmp_path / "files", clock=lambda: EXPORTED_AT)
    assert episodes(from_files) == episodes(from_config)
    assert [row[10:] for row in episodes(from_files)[1:]] == [["COMPLIANT", "", ""], ["", "", ""], ["EXEMPT", "SEC-1234", "2099-03-31"]]


def test_a_recorder_that_stopped_recording_the_history_is_a_limit_of_the_bundle(history: boto3.Session, tmp_path: Path) -> None:
    history.client("config").stop_configuration_recorder(ConfigurationRecorderName="default")
    bundle = export_bundle(history, ExportRequest(account_id=ACCOUNT, **OCTOBER), tmp_path / "b", clock=lambda: EXPORTED_AT)
    manifest = json.loads((bundle / "manifest.json").read_text())
    [limit] = manifest["limits"]
    assert limit.startswith(f"The configuration recorder of account {ACCOUNT}, region {REGION} is stopped or does not record AWS::Config::ResourceCompliance")
    assert manifest["period"]["episodes"] == 3  # what was recorded while it did is still exported
    assert 'id="limit-0"' in (bundle / "summary.html").read_text()


def test_a_source_without_history_files_is_named_in_the_limits(history: boto3.Session, tmp_path: Path) -> None:
    """A member account with smguard results whose Config records no compliance history (no recorder)."""
    member = member_session(history)
    deploy(member, MEMBER)
    member.client("config").put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
    history.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        AccountAggregationSources=[{"AccountIds": [ACCOUNT, MEMBER], "AwsRegions": [REGION]}],
    )
    evaluate(ROOT, "nb-member", {"RootAccess": "Enabled"}, "2026-10-20T06:30:00.000Z", account_id=MEMBER)
    deliver_compliance_history(ACCOUNT, REGION, EXPORTED_AT)
    request = ExportRequest(aggregator="organization", history_bucket=f"{CENTRAL_BUCKET}/{ORGANIZATION_PREFIX}", **OCTOBER)
    bundle = export_bundle(history, request, tmp_path / "b", clock=lambda: EXPORTED_AT)
    limits = json.loads((bundle / "manifest.json").read_text())["limits"]
    assert (
        f"No compliance history file up to the end of the period was found in s3://{CENTRAL_BUCKET}/{ORGANIZATION_PREFIX} "
        f"for {MEMBER} {REGION}, which has smguard results"
    ) in limits[-1]
    assert {row[1] for row in episodes(bundle)[1:]} == {ACCOUNT}
