"""summary.html printed to PDF by headless Chromium on A4 and on Letter, and the PDF read back.

The page sets no paper size (the printer's paper decides); each test copy adds only
``@page{size:...}``, as choosing the paper in a print dialog does. The PDF's text positions
(pdfminer) show that nothing runs past the right margin, that no table row is split across pages,
that the non-compliant table's header row repeats on every page it continues on, and that rule
names and regions stay on one line. The page is filled with more and longer rows than the demo's:
50 non-compliant resources (the most it lists) with organization-rule names, ARNs as ids and
annotations with long unbroken words, and 40 exemptions.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

from smguard.catalogue import rule_names
from smguard.deploy.naming import names
from smguard.engine.exemptions import Exemption
from smguard.evidence.pack_names import AccountPackNames
from smguard.evidence.rows import EvaluationRow
from smguard.evidence.score_section import render_score_section
from smguard.evidence.score_timeline import ScoreTimeline
from smguard.evidence.scores import AccountScores
from smguard.evidence.summary import NON_COMPLIANT_LISTED, Summary, render_html
from tests.evidence.test_episodes import PERIOD, item
from tests.evidence.test_summary_in_chromium import chromium

MM = 72 / 25.4
MARGIN = 12 * MM
"""The stylesheet's left and right page margin (@page margin: 14mm 12mm)."""
PAPERS = {"A4": (595.3, 841.9), "letter": (612.0, 792.0)}
REGIONS = ("eu-west-1", "ap-southeast-2", "us-gov-west-1")
KEY = "arn:aws:kms:ap-southeast-2:444455556666:key/mrk-1234abcd12ab34cd56ef1234567890ab"


def row(index: int, rule: str, compliance: str, annotation: str, resource_id: str) -> EvaluationRow:
    return EvaluationRow(
        account_id=f"{index:012d}",
        region=REGIONS[index % len(REGIONS)],
        rule=rule,
        config_rule_name=f"OrgConfigRule-smguard-{rule.replace('_', '-')}-{index:08d}",
        resource_type="AWS::SageMaker::EndpointConfig",
        resource_id=resource_id,
        compliance=compliance,
        annotation=annotation,
        exemption_ticket=None,
        exemption_expires=None,
        exemption_approver=None,
        result_recorded_time_utc=None,
        rule_invoked_time_utc=None,
    )


def crowded_scores() -> str:
    """The compliance score of 30 accounts (every fifth without a pack: a long reason instead of a number) and a
    month of three accounts whose score changes every day (31 listed days each)."""
    pack = names(rule_names()[0]).pack_rule("x7k2m9qa")
    scores = AccountScores()
    for index in range(30):
        compliant = row(index, rule_names()[0], "COMPLIANT", "ok", f"nb-{index}")
        scores.add(replace(compliant, config_rule_name=pack if index % 5 else names(compliant.rule).member_rule("a1b2c3d4")))
        scores.add(replace(compliant, resource_id=f"nb-open-{index}", compliance="NON_COMPLIANT", config_rule_name=pack))
    timeline = ScoreTimeline(PERIOD, include_rule=lambda name: True)
    for index in range(3):
        flips = [item(day + 0.5, {pack: "NON_COMPLIANT" if (day + index) % 2 else "COMPLIANT"}, resource=f"nb-{index}") for day in range(31)]
        timeline.add(f"{index:012d}", REGIONS[index], flips)
        timeline.add(f"{index:012d}", REGIONS[index], [item(-1, {pack: "COMPLIANT"}, resource=f"nb-steady-{index}")])
    # Every account's pack is a member's copy of the organization pack: the longest name a record shows.
    pack_names = AccountPackNames({(f"{i:012d}", REGIONS[i % len(REGIONS)]): {"x7k2m9qa": "OrgConformsPack-smguard-m3n4b5v6"} for i in range(30)})
    return render_score_section(scores.records("2026-11-25T06:00:00Z", None, pack_names), timeline.records(None, pack_names))


def crowded_summary() -> Summary:
    rules = rule_names()
    summary = Summary()
    for rule in rules:
        summary.expect_rule(rule, f"The control {rule} checks")
    for index in range(NON_COMPLIANT_LISTED):
        annotation = f"KmsKeyId is {KEY}{index:02d}, not one of KmsKeyArns; " + "use an approved key. " * 6 + f"END{index:02d}"
        arn = f"arn:aws:sagemaker:{REGIONS[index % 3]}:{index:012d}:endpoint-config/fraud-scoring-model-endpoint-config-{index:02d}"
        summary.add(row(index, rules[index % len(rules)], "NON_COMPLIANT", annotation, arn))
    for index in range(40):
        exemption = Exemption(
            index, rules[index % len(rules)], f"exempt-{index:02d}", f"Vendor agent needs root until the image ships. REASON{index:02d}",
            date(2027, 1, 1 + index % 28), "cloud-security-approvals@bank.example" if index % 2 else None, f"SEC-{1000 + index}",
        )
        annotation = exemption.exempt_annotation() if index % 4 else exemption.expired_annotation([f"RootAccess is Enabled. END{index:02d}"])
        summary.add(row(index, exemption.rule, "NOT_APPLICABLE" if index % 4 else "NON_COMPLIANT", annotation, f"exempt-{index:02d}"))
    return summary


CONTEXT = {
    "created_at": "2026-11-25T06:00:00Z",
    "requested_by": {"account_id": "123456789012", "arn": "arn:aws:sts::123456789012:assumed-role/audit/jane.doe@bank.example", "user_id": "x"},
    "tool": {"name": "smguard", "version": "0.1.0"},
    "region": "eu-west-1",
    "request": {
        "scope": "account", "account_id": "123456789012",
        "filters": {"rules": None, "compliance_types": ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"], "accounts": None, "regions": None},
    },
    "limits": [],
    "counts": {},
}


def text(line: LTTextLine) -> str:
    """A line's text with the font's ligatures (fi, fl) read as their letters."""
    return unicodedata.normalize("NFKC", line.get_text())


def printed(tmp_path: Path, paper: str) -> list[tuple[tuple[float, float], list[LTTextLine]]]:
    """Each page's size and its text lines."""
    html = render_html(crowded_summary(), CONTEXT, score_section=crowded_scores()).replace("</head>", f"<style>@page{{size:{paper}}}</style></head>", 1)
    page, pdf = tmp_path / f"summary-{paper}.html", tmp_path / f"summary-{paper}.pdf"
    page.write_text(html, encoding="utf-8")
    chromium(page, tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    pages = []
    for layout in extract_pages(pdf):
        lines = [line for box in layout if isinstance(box, LTTextContainer) for line in box if isinstance(line, LTTextLine)]
        pages.append(((layout.width, layout.height), lines))
    return pages


def squeezed(lines: list[LTTextLine]) -> str:
    """The page's text without whitespace: an identifier broken at a separator reads whole again."""
    return re.sub(r"\s+", "", "".join(text(line) for line in lines))


def page_of(pages: list[str], marker: str) -> list[int]:
    return [number for number, text in enumerate(pages) if marker in text]


@pytest.fixture(scope="module", params=sorted(PAPERS))
def pdf(request, tmp_path_factory):
    return request.param, printed(tmp_path_factory.mktemp(request.param), request.param)


def test_the_page_is_printed_on_the_chosen_paper(pdf):
    paper, pages = pdf
    width, height = PAPERS[paper]
    assert len(pages) >= 4  # long enough for the tables to continue across pages
    for size, _ in pages:
        assert size == pytest.approx((width, height), abs=1)


def test_no_character_runs_past_the_margins(pdf):
    paper, pages = pdf
    width = PAPERS[paper][0]
    for number, (_, lines) in enumerate(pages):
        chars = [c for line in lines for c in line if isinstance(c, LTChar) and c.get_text().strip()]
        assert chars, f"page {number + 1} has no text"
        left, right = min(c.x0 for c in chars), max(c.x1 for c in chars)
        assert left >= MARGIN - 1, f"{paper} page {number + 1}: text starts at {left:.1f}pt, inside the {MARGIN:.1f}pt margin"
        assert right <= width - MARGIN + 1, f"{paper} page {number + 1}: text ends at {right:.1f}pt, past {width - MARGIN:.1f}pt"


def test_no_row_is_split_across_pages_and_the_header_repeats(pdf):
    _, pages = pdf
    texts = [squeezed(lines) for _, lines in pages]
    for index in range(NON_COMPLIANT_LISTED):
        start, end = page_of(texts, f"fraud-scoring-model-endpoint-config-{index:02d}"), page_of(texts, f"END{index:02d}")
        assert len(start) == 1 and start[:1] == end[:1], f"non-compliant row {index}: starts on {start}, ends on {end}"
    for index in range(40):
        where = page_of(texts, f"exempt-{index:02d}")
        whole = page_of(texts, f"REASON{index:02d}") if index % 4 else page_of(texts, f"SEC-{1000 + index}")
        assert set(where) & set(whole), f"exemption row {index}: resource on {where}, the rest on {whole}"
    continued = {n for index in range(NON_COMPLIANT_LISTED) for n in page_of(texts, f"fraud-scoring-model-endpoint-config-{index:02d}")}
    assert len(continued) >= 2
    for number in continued:
        assert "Why,andhowtofix" in texts[number], f"page {number + 1} continues the table without its header"


def test_the_score_timeline_repeats_its_header_on_every_page_it_continues_on(pdf):
    _, pages = pdf
    texts = [squeezed(lines) for _, lines in pages]
    start = page_of(texts, "Attheendofeachdayoftheperiod")[0]
    day_cells = {n: re.findall(r"(?<!on)2026-10-\d\d", texts[n]) for n in range(start, len(texts))}  # not the captions' "on <day>"
    continued = [n for n, cells in day_cells.items() if cells]
    assert len(continued) >= 2  # three accounts' 31 days each continue across pages
    for number in continued:
        assert "Day(UTC)" in texts[number], f"page {number + 1} continues a score table without its header"
    assert Counter(day for cells in day_cells.values() for day in cells) == Counter({f"2026-10-{day:02d}": 3 for day in range(1, 32)})


def test_rule_names_and_regions_stay_on_one_line(pdf):
    _, pages = pdf
    lines = [text(line) for _, page in pages for line in page]
    summary = crowded_summary()
    listed = Counter(r.rule for r in summary.first_non_compliant) + Counter(e.rule for e in summary.exemptions.listed)
    for rule in rule_names():
        whole = sum(line.count(rule) for line in lines)
        # the chart's label, the per-rule table, every non-compliant row and exemption of the rule
        assert whole >= 2 + listed[rule], f"{rule} is broken across lines: found whole {whole} times"
    regions = Counter(r.region for r in summary.first_non_compliant) + Counter(e.region for e in summary.exemptions.listed)
    for region in REGIONS:  # each row names its region (annotations, which are prose, may also hold it in an ARN)
        assert sum(line.count(region) for line in lines) >= regions[region] > 0, f"{region} is broken across lines"


def test_nothing_is_shrunk_to_fit(pdf):
    """Chromium scales a page whose content is wider than the paper down until it fits, which keeps the
    text inside the margins but small: the text must come out at the print stylesheet's sizes."""
    _, pages = pdf
    heading = [c.size for line in pages[0][1] if text(line).startswith("SageMaker guardrails") for c in line if isinstance(c, LTChar)]
    assert heading and all(size == pytest.approx(14, abs=0.1) for size in heading)  # h1: 14pt
    annotations = [
        c.size for _, lines in pages for line in lines if re.search(r"END\d\d", text(line)) for c in line if isinstance(c, LTChar)
    ]
    assert len(annotations) > 100 and all(size == pytest.approx(8, abs=0.1) for size in annotations)  # tables: 8pt
