"""summary.html rendered by headless Chromium: it loads nothing from outside and shows the bundle's numbers.

Chromium comes from Debian (``.ci/run`` installs it when missing). The page is opened from a
file:// URL with networking features off; ``--dump-dom`` gives the DOM after rendering, and a
screenshot proves it paints.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from smguard.evidence import ExportRequest, export_bundle
from tests.evidence.conftest import ACCOUNT, EXEMPTIONS_PARAMETER, MEMBER, REGISTER

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
ROOT = "notebook_root_access"
INTERNET = "notebook_direct_internet"



def chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: run `apt-get install -y chromium` (.ci/run does it when missing)")
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )


class Counts(HTMLParser):
    """Every element's data-* attributes and text, from the DOM Chromium dumped."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self.external: list[str] = []
        self._open: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        for key in ("src", "href"):
            if key in attributes:
                self.external.append(f"{tag} {key}={attributes[key]}")
        if tag == "link" or tag == "script":
            self.external.append(tag)
        entry = {k: v for k, v in attributes.items() if k.startswith("data-") or k == "id"}
        entry["_tag"] = tag
        entry["_text"] = ""
        entry["_all"] = ""
        self.cells.append(entry)
        if tag not in ("meta", "br", "wbr", "rect"):
            self._open.append(entry)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1]["_tag"] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        """``_text``: the element's own text; ``_all``: with its descendants'."""
        if self._open:
            self._open[-1]["_text"] += data
        for element in self._open:
            element["_all"] += data

    def find(self, **attributes: str) -> list[dict[str, str]]:
        return [c for c in self.cells if all(c.get(k.replace("data_", "data-", 1)) == v for k, v in attributes.items())]


def rendered(bundle: Path, tmp_path: Path) -> Counts:
    dom = chromium(bundle / "summary.html", tmp_path / "profile", "--dump-dom").stdout
    assert "SageMaker guardrails: compliance evidence" in dom
    counts = Counts()
    counts.feed(dom)
    return counts


def cell(counts: Counts, **attributes: str) -> str:
    [found] = counts.find(**attributes)
    return found["_text"].strip()


def test_the_page_renders_the_bundles_numbers(organization, tmp_path):
    bundle = export_bundle(organization.session, ExportRequest(aggregator="organization"), tmp_path / "bundle")
    manifest = json.loads((bundle / "manifest.json").read_text())
    counts = rendered(bundle, tmp_path)

    assert counts.external == []
    assert cell(counts, id="total-results") == str(manifest["counts"]["rows"]) == "7"
    for compliance, expected in manifest["counts"]["per_compliance_type"].items():
        assert cell(counts, id=f"total-{compliance.lower()}") == str(expected)
    for rule, per_type in manifest["counts"]["per_rule"].items():
        for compliance, expected in per_type.items():
            assert cell(counts, data_rule=rule, data_compliance=compliance, _tag="td") == str(expected)
            bars = counts.find(data_rule=rule, data_compliance=compliance, _tag="rect")
            assert [bar["data-count"] for bar in bars] == ([str(expected)] if expected else [])
    assert cell(counts, data_rule=ROOT, data_exempt="0") == "0"  # exemptions are NOT_APPLICABLE: not aggregated
    assert cell(counts, id="limit-0") == manifest["limits"][0]  # after its <strong>Not in this bundle:</strong>
    assert cell(counts, data_account=f"{ACCOUNT} us-east-1", data_compliance="NON_COMPLIANT") == "2"
    assert cell(counts, data_account=f"{MEMBER} us-east-1", data_compliance="NON_COMPLIANT") == "1"
    assert cell(counts, data_account=f"{MEMBER} us-east-1", data_compliance="COMPLIANT") == "1"
    non_compliant = counts.find(id="non-compliant")
    assert len(non_compliant) == 1
    # An aggregator carries no NOT_APPLICABLE result: the exemptions section says none in force can be listed.
    assert counts.find(id="exemptions-aggregated")[0]["_all"].startswith("Exemptions in force are not in this bundle:")
    [listed] = counts.find(id="exemptions-count")
    assert (listed["data-in-force"], listed["data-expired"]) == ("0", "0")


def test_the_page_paints_an_account_bundle_with_its_exemptions(world, tmp_path):
    bundle = export_bundle(world.session, ExportRequest(account_id=ACCOUNT), tmp_path / "bundle")
    counts = rendered(bundle, tmp_path)
    assert cell(counts, data_rule=ROOT, data_exempt="1") == "1"
    assert cell(counts, data_rule=INTERNET, data_exempt="0") == "0"
    assert counts.find(id="limit-0") == [] and counts.find(id="exemptions-aggregated") == []
    screenshot = tmp_path / "summary.png"
    chromium(bundle / "summary.html", tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1200,1600")
    png = screenshot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_the_page_lists_every_exemption_in_force_or_expired_and_each_rules_severity_and_controls(world, tmp_path):
    """The register gains an entry that has lapsed; the real handler re-evaluates the notebook, so the
    results hold one exemption in force (NOT_APPLICABLE) and one expired (NON_COMPLIANT, ticket only)."""
    register = {**REGISTER, "exemptions": [*REGISTER["exemptions"], LAPSED]}
    world.session.client("ssm").put_parameter(Name=EXEMPTIONS_PARAMETER, Value=json.dumps(register), Type="String", Overwrite=True)
    SHARED_EXEMPTION_REGISTERS.clear()
    world.evaluate(INTERNET, "nb-open", {"RootAccess": "Enabled", "DirectInternetAccess": "Enabled"})
    bundle = export_bundle(world.session, ExportRequest(account_id=ACCOUNT), tmp_path / "bundle")
    counts = rendered(bundle, tmp_path)

    [summary] = counts.find(id="exemptions-count")
    assert (summary["data-in-force"], summary["data-expired"]) == ("1", "1")
    in_force, expired = (counts.find(_tag="tr", data_exemption=resource)[0] for resource in ("nb-vendor", "nb-open"))
    assert (in_force["data-status"], in_force["data-rule"], expired["data-status"], expired["data-rule"]) == (
        "in force", ROOT, "expired", INTERNET,
    )
    table = [" ".join(c["_all"].split()) for c in exemption_cells(counts)]
    assert table == [
        "In force until2099-03-31", f"{ROOT}{ACCOUNT} us-east-1", "SageMaker NotebookInstancenb-vendor", "SEC-1234",
        "jane.doe@bank.example", "Vendor agent install needs root until the hardened image ships.",
        "Expired on2026-10-01", f"{INTERNET}{ACCOUNT} us-east-1", "SageMaker NotebookInstancenb-open", "RISK-77", "",
        "not in the result: an expired exemption's annotation gives the findings instead; see the register",
    ]
    def whole(**attributes: str) -> str:
        [found] = counts.find(**attributes)
        return " ".join(found["_all"].split())

    assert whole(data_rule=ROOT, data_severity="high") == "high"
    assert whole(data_rule=ROOT, data_mapping="security_hub_controls") == "Security Hub: SageMaker.3"
    assert whole(data_rule=ROOT, data_mapping="nist_800_53_controls") == "NIST SP 800-53: AC-3, AC-6, AC-6(10)"
    assert whole(data_rule=INTERNET, data_mapping="aws_config_managed_rules") == "AWS Config: sagemaker-notebook-no-direct-internet-access"


LAPSED = {
    "rule": INTERNET,
    "resource": "nb-open",
    "reason": "Pilot with the vendor's hosted service.",
    "approver": "jane.doe@bank.example",
    "ticket": "RISK-77",
    "expires": "2026-10-01",
}


def exemption_cells(counts: Counts) -> list[dict[str, str]]:
    """The <td> of the exemptions table, in document order (the DOM is flat here: cells follow their row)."""
    start = counts.cells.index(counts.find(id="exemptions")[0])
    return [c for c in counts.cells[start:] if c["_tag"] == "td"]
