"""`smguard demo` end to end: embedded AWS -> every rule's lambda_handler -> Config dashboard -> evidence bundle."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from smguard.catalogue import discover, load, rule_names
from smguard.cli.demo import EMBEDDED_CALLER, is_earlier_demo_bundle
from smguard.cli.main import cli
from smguard.demo.dashboard import Result, RuleStatus, render
from smguard.demo.environment import EXEMPT_NOTEBOOK, EXEMPT_RULE, EXEMPTION_TICKET
from smguard.demo.history import EXEMPTED_DAYS, HISTORY_DAYS, REOPENED_HOURS
from smguard.demo.excerpt import BEGIN, SKIPPED, ExcerptError, excerpt, with_excerpt
from smguard.deploy.naming import CONFORMANCE_PACK_INFIX, names
from smguard.score import compliance_score
from smguard.evidence.manifest import write_manifest
from tests.support.declared import declaration, rules_on_jobs


def expected_counts(rule: str) -> tuple[str, int, int, int]:
    """(overall compliance, compliant, non-compliant, not applicable) of ``rule`` on the dashboard.

    Each rule declares what it reports on the demo's account in its folder
    (``rules/<rule>/tests/declared.py``: ``DEMO``, before exemptions); the register's exemption moves
    its notebook from non-compliant to not applicable for the exempted rule. Overall, as AWS Config
    says: non-compliant when any resource is, compliant when some are and none is not. (Today the
    reference environment complies everywhere except the model, as moto drops EnableNetworkIsolation;
    each violation is non-compliant for the rules it breaks; the exempt notebook and the two
    non-default security groups are NOT_APPLICABLE.)
    """
    compliant, non_compliant, not_applicable = declaration(rule).DEMO
    if rule == EXEMPT_RULE:
        non_compliant, not_applicable = non_compliant - 1, not_applicable + 1
    overall = "NON_COMPLIANT" if non_compliant else "COMPLIANT" if compliant else "INSUFFICIENT_DATA"
    return overall, compliant, non_compliant, not_applicable


def expected_counts_after_remediation(rule: str) -> tuple[str, int, int, int]:
    """What the dashboard and the bundle show after the demo's operator remediated: every
    non-compliant resource of a rule whose fix interrupts no one was fixed by its runbook (the demo's
    remediations all succeed), a fix that interrupts users was left to the resource's owner."""
    overall, compliant, non_compliant, not_applicable = expected_counts(rule)
    remediation = load(rule).rule.remediation
    if remediation is None or remediation.interrupts or not non_compliant:
        return overall, compliant, non_compliant, not_applicable
    return "COMPLIANT", compliant + non_compliant, 0, not_applicable


DASHBOARD_ROW = re.compile(r"^ (\S+) +│ (\S+) +│ +(\d+) │ +(\d+) │ +(\d+) $")
BUNDLE = "demo-evidence"
"""The folder `make demo` writes, named so in docs/demo-output.txt and the README."""
ROOT = Path(__file__).resolve().parents[2]
REGENERATE = f"regenerate it: .venv/bin/smguard demo --out {BUNDLE} --replace > docs/demo-output.txt"
VARYING = (
    (re.compile(r"\b(vpc|subnet|sg)-[0-9a-f]{17}\b"), r"\1-<id>"),
    (re.compile(r"key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "key/<id>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "<date>"),
    (re.compile(r"T\d{2}:\d{2}:\d{2}\.\d{6}Z"), "T<time>Z"),  # sagemaker_jobs' window: when the demo ran
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
    (re.compile(r"-conformance-pack-[a-z0-9]+\b"), "-conformance-pack-<suffix>"),  # AWS Config's suffix of a pack's rule
    # The products' team account (smguard/demo/products.py): its id, its flow log's and generated names' suffixes.
    # A generated name's suffix first: one of digits only would otherwise read as an account id.
    (re.compile(r"-[0-9A-F]{12}\b"), "-<suffix>"),
    (re.compile(r"\b(?!123456789012\b)\d{12}\b"), "<account>"),
    (re.compile(r"\bfl-[0-9a-f]{17}\b"), "fl-<id>"),
    (re.compile(r"key/[0-9a-f-]{1,35}(?= *│)"), "key/<id>"),  # a key ARN the table wraps...
    (re.compile(r"(│ +)[0-9a-f-]{1,35}(, an enabled customer managed key)"), r"\1<id>\2"),  # ...and its rest
)
"""What differs from one demo run to the next: moto's ids (fixed lengths, so the layout does not move), dates, hashes."""


def earlier_demo_bundle(folder: Path, caller: dict[str, str] = EMBEDDED_CALLER) -> Path:
    """A bundle as an earlier demo leaves it: intact, of the embedded account and caller."""
    folder.mkdir(parents=True)
    (folder / "evaluations.csv").write_text("account_id\n")
    write_manifest(folder, {"requested_by": dict(caller), "request": {"scope": "account", "account_id": "123456789012"}})
    return folder


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The demo as `make demo > file` runs it: stdout no terminal, COLUMNS unset, the bundle in the current folder,
    replacing the bundle of an earlier demo."""
    folder = tmp_path_factory.mktemp("demo")
    earlier = earlier_demo_bundle(folder / BUNDLE)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner(env={"COLUMNS": None}).invoke(cli, ["demo", "--out", BUNDLE, "--replace"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in earlier.iterdir()) == [
        "compliance_score_timeline.csv", "compliance_scores.csv", "compliance_scores.jsonl",
        "episodes.csv", "evaluations.csv", "evaluations.jsonl", "manifest.json", "rules.json", "summary.html",
    ]
    return result.stdout, folder / BUNDLE


def stable_lines(text: str) -> list[str]:
    for pattern, replacement in VARYING:
        text = pattern.sub(replacement, text)
    return [line.rstrip() for line in text.splitlines()]


def dashboard_rows(output: str) -> dict[str, tuple[str, int, int, int]]:
    return {
        match.group(1): (match.group(2), int(match.group(3)), int(match.group(4)), int(match.group(5)))
        for match in map(DASHBOARD_ROW.match, output.splitlines())
        if match
    }


def test_the_dashboard_counts_each_rule_as_expected_before_and_after_remediation(demo):
    output, _ = demo
    before, remediation, after = re.split(r"^(Remediation .*)$", output, maxsplit=1, flags=re.MULTILINE)

    deployed = {entry.name for entry in discover()}
    assert dashboard_rows(before) == {rule: expected_counts(rule) for rule in deployed}
    assert dashboard_rows(after) == {rule: expected_counts_after_remediation(rule) for rule in deployed}
    first = min(deployed)
    shown = f"{names(first).config_rule}{CONFORMANCE_PACK_INFIX}<suffix>"  # stable_lines' form of the pack's suffix
    assert f"Names in AWS: {shown}, ..." in stable_lines(output)


def pack_score(counts: list[tuple[str, int, int, int]]) -> str:
    return compliance_score(sum(c[1] for c in counts), sum(c[2] for c in counts))


def test_the_conformance_pack_score_is_shown_before_and_after_remediation_from_the_same_pairs(demo):
    output, _ = demo
    deployed = sorted(entry.name for entry in discover())
    before = [expected_counts(rule) for rule in deployed]
    after = [expected_counts_after_remediation(rule) for rule in deployed]
    scores = [line for line in output.splitlines() if "onformance pack smguard: compliance score" in line]

    assert scores == [
        f"{shown}onformance pack smguard: compliance score {pack_score(counts)}% ({sum(c[1] for c in counts)} of "
        f"{sum(c[1] + c[2] for c in counts)} rule-resource pairs compliant)"
        for shown, counts in (("C", before), ("After remediation: c", after))
    ]
    assert float(pack_score(after)) > float(pack_score(before))
    # The bundle, exported after the remediation, holds the score the dashboard showed last.
    assert (
        f"  compliance_scores.csv: {pack_score(after)} for smguard in 123456789012 us-east-1 "
        f"({sum(c[1] for c in after)} of {sum(c[1] + c[2] for c in after)} pairs compliant)"
    ) in output.splitlines()


def test_the_rules_are_deployed_as_template_yaml_names_them(demo):
    _, bundle = demo
    deployed = {row["config_rule_name"] for row in csv.DictReader((bundle / "evaluations.csv").open(encoding="utf-8-sig"))}
    # The pack's rules share the suffix AWS Config gives the pack's rules.
    suffix = next(iter(deployed)).rpartition("-")[2]
    # Every rule the demo's account gives a resource to judge (a rule on a type the demo does not create has no row).
    assert deployed == {names(entry.name).pack_rule(suffix) for entry in discover() if sum(expected_counts(entry.name)[1:])}


def test_the_bundle_holds_every_result_and_verifies(demo):
    output, bundle = demo

    rows = list(csv.DictReader((bundle / "evaluations.csv").open(encoding="utf-8-sig")))
    counts = Counter((row["rule"], row["compliance"]) for row in rows)
    for rule in {row["rule"] for row in rows}:  # exported after the remediation
        _, compliant, non_compliant, not_applicable = expected_counts_after_remediation(rule)
        assert (counts[(rule, "COMPLIANT")], counts[(rule, "NON_COMPLIANT")], counts[(rule, "NOT_APPLICABLE")]) == (
            compliant,
            non_compliant,
            not_applicable,
        )
    verified = CliRunner().invoke(cli, ["verify", str(bundle)])
    assert verified.exit_code == 0, verified.output
    assert f"{bundle}: the 8 files match manifest.json, but nothing shows that manifest.json is the one the export wrote" in verified.stdout
    assert f"  `smguard verify {BUNDLE}`: intact (8 files)" in output.splitlines()


def test_the_bundle_holds_the_months_closed_exempted_and_open_episodes(demo):
    """The month the demo plays (smguard.demo.history), then today's remediation: every result
    non-compliant at the end is an episode still open; the default group opened and fixed is closed
    after REOPENED_HOURS; the exempted notebook's breach was closed by its exemption; each breach the
    operator's remediation fixed is closed as COMPLIANT when the rules ran again."""
    output, bundle = demo
    episodes = list(csv.DictReader((bundle / "episodes.csv").open(encoding="utf-8-sig")))
    rows = list(csv.DictReader((bundle / "evaluations.csv").open(encoding="utf-8-sig")))
    still_open = {(e["rule"], e["resource_id"]) for e in episodes if not e["closed_time_utc"]}
    assert still_open == {(r["rule"], r["resource_id"]) for r in rows if r["compliance"] == "NON_COMPLIANT"}
    # Jobs exist only since today (tests.support.declared.rules_on_jobs): their open episodes start today.
    on_jobs = rules_on_jobs()
    assert all(float(e["duration_hours"]) >= HISTORY_DAYS * 24 for e in episodes if not e["closed_time_utc"] and e["rule"] not in on_jobs)
    assert all(float(e["duration_hours"]) < 24 for e in episodes if e["rule"] in on_jobs)
    played = [e for e in episodes if e["closed_time_utc"] and float(e["duration_hours"]) < HISTORY_DAYS * 24]
    assert sorted((e["rule"], e["resource_type"], e["duration_hours"], e["closed_as"], e["exemption_ticket"]) for e in played) == [
        (EXEMPT_RULE, "AWS::SageMaker::NotebookInstance", f"{(HISTORY_DAYS - EXEMPTED_DAYS) * 24:.2f}", "EXEMPT", EXEMPTION_TICKET),
        ("vpc_default_sg", "AWS::EC2::SecurityGroup", f"{REOPENED_HOURS:.2f}", "COMPLIANT", ""),
    ]
    assert [e["resource_id"] for e in episodes if e["closed_as"] == "EXEMPT"] == [EXEMPT_NOTEBOOK]
    remediated = [e for e in episodes if e["closed_time_utc"] and e not in played]
    assert Counter(e["rule"] for e in remediated) == Counter(
        {rule: expected_counts(rule)[2] - expected_counts_after_remediation(rule)[2] for rule in rule_names()}
    ) - Counter()
    assert {e["closed_as"] for e in remediated} == {"COMPLIANT"} and len({e["closed_time_utc"] for e in remediated}) == 1
    assert f"  episodes.csv: {len(episodes)} non-compliance episodes over the last {HISTORY_DAYS} days, {len(still_open)} still open" in output.splitlines()


def test_the_violations_are_reported_with_their_annotations(demo):
    _, bundle = demo
    rows = {
        (row["rule"], row["resource_id"]): (row["compliance"], row["annotation"])
        for row in csv.DictReader((bundle / "evaluations.csv").open(encoding="utf-8-sig"))
    }

    assert rows[("notebook_root_access", "ds-scratch")] == (
        "NON_COMPLIANT",
        "RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).",
    )
    assert rows[("sagemaker_kms", "churn-v1")] == (
        "NON_COMPLIANT",
        "KmsKeyId is absent (volumes use an AWS managed key); create a new endpoint configuration with KmsKeyId and "
        "update the endpoint.",
    )
    assert rows[("studio_domain_vpc_only", "d-marketing-studio")] == (
        "NON_COMPLIANT",
        "AppNetworkAccessType is PublicInternetOnly (direct internet access); set VpcOnly with UpdateDomain while no "
        "apps run.",
    )
    exempt = rows[(EXEMPT_RULE, EXEMPT_NOTEBOOK)]
    assert exempt[0] == "NOT_APPLICABLE"
    assert re.fullmatch(
        r"EXEMPT until \d{4}-\d{2}-\d{2} \(ticket SEC-1042, approved by cloud-security@example.com\): CUDA driver "
        r"build needs root until the golden GPU image ships\.",
        exempt[1],
    )


def test_the_open_default_group_and_the_vpc_without_flow_logs_are_remediated_and_then_comply(demo):
    output, bundle = demo
    before, _, after = re.split(r"^(Remediation .*)$", output, maxsplit=1, flags=re.MULTILINE)
    rows = list(csv.DictReader((bundle / "evaluations.csv").open(encoding="utf-8-sig")))
    [group] = [row["resource_id"] for row in rows if row["rule"] == "vpc_default_sg" and row["resource_id"] in before and
               f"The default security group {row['resource_id']} has 1 inbound" in " ".join(before.split())]
    [vpc] = [row["resource_id"] for row in rows if row["rule"] == "vpc_flow_logs" and
             f"VPC {row['resource_id']} has no VPC-level flow log." in " ".join(before.split())]
    remediations = " ".join(after.split())
    for rule, resource, runbook in (
        ("vpc_default_sg", group, "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules"),
        ("vpc_flow_logs", vpc, "smguard-EnableVpcFlowLog"),
    ):
        assert re.search(rf"│ {rule} │ {runbook} │ .*│ {resource} │ SUCCEEDED", remediations), (rule, remediations)
    by_key = {(row["rule"], row["resource_id"]): row["compliance"] for row in rows}
    assert (by_key[("vpc_default_sg", group)], by_key[("vpc_flow_logs", vpc)]) == ("COMPLIANT", "COMPLIANT")
    assert re.search(r"│ notebook_root_access │ AWS-DisableSageMakerNotebookRootAccess │ .*│ ds-scratch │ NOT_RUN \(offered, left to its owner:", remediations)
    assert by_key[("notebook_root_access", "ds-scratch")] == "NON_COMPLIANT"


def test_an_existing_bundle_folder_is_refused_before_anything_runs(tmp_path):
    (tmp_path / "evidence").mkdir()

    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "evidence")])

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --out: {tmp_path / 'evidence'} exists; give a new folder (a bundle is never overwritten)"
    )
    assert result.stdout == ""


def test_a_bundle_folder_under_a_regular_file_is_refused_before_anything_runs(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")

    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "notes.txt" / "evidence")])

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --out: {tmp_path / 'notes.txt' / 'evidence'} cannot be created: "
        f"{tmp_path / 'notes.txt'} is a file, not a folder"
    )
    assert result.stdout == ""


def test_a_bundle_that_cannot_be_written_ends_the_demo_with_the_export_error(tmp_path, monkeypatch):
    def disk_full(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("smguard.evidence.bundle.render_html", disk_full)
    result = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["demo", "--out", str(tmp_path / "evidence")])

    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: writing the bundle next to {tmp_path / 'evidence'} failed: [Errno 28] No space left on device; "
        "no bundle was written\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_piped_output_is_120_columns_wide_and_matches_the_sample(demo):
    output, _ = demo
    assert max(len(line) for line in output.splitlines()) == 120
    sample = (ROOT / "docs" / "demo-output.txt").read_text(encoding="utf-8")
    assert stable_lines(sample) == stable_lines(output), f"docs/demo-output.txt is not what the demo prints; {REGENERATE}"


def test_the_readme_sample_is_an_excerpt_of_the_output(demo):
    output, _ = demo
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split(f"{BEGIN}\n```\n", 1)[1].split("```", 1)[0]
    printed = iter(stable_lines(output))
    missing = [line for line in stable_lines(shown) if line != SKIPPED and line not in printed]
    assert missing == [], "README's demo sample must be lines of docs/demo-output.txt, in order ('  ...' skips lines)"


def test_the_readme_sample_is_generated_from_docs_demo_output():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = (ROOT / "docs" / "demo-output.txt").read_text(encoding="utf-8")
    assert with_excerpt(readme, sample) == readme, "README.md's demo excerpt is stale: run `make generate`"


def test_a_readme_without_the_markers_is_refused():
    sample = (ROOT / "docs" / "demo-output.txt").read_text(encoding="utf-8")
    with pytest.raises(ExcerptError, match="README.md must hold the lines"):
        with_excerpt("# smguard\n", sample)
    with pytest.raises(ExcerptError, match="lines starting 'Non-compliant resources', not one"):
        excerpt(sample.replace("Non-compliant resources", "Findings").splitlines())


def test_the_dashboard_fits_80_columns_without_truncating(tmp_path):
    statuses = [
        RuleStatus(
            "sagemaker_model_isolation",
            names("sagemaker_model_isolation").config_rule,
            "NON_COMPLIANT",
            [
                Result(
                    "AWS::SageMaker::NotebookInstance",
                    "ds-scratch",
                    "NON_COMPLIANT",
                    "RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).",
                ),
                Result("AWS::SageMaker::NotebookInstance", "gpu-build", "NOT_APPLICABLE", "EXEMPT until 2099-01-01 (ticket [SEC-1]): root"),
            ],
        )
    ]
    console = Console(width=80, file=io.StringIO())
    console.print(render(statuses, account_id="123456789012", region="us-east-1"))
    lines = console.file.getvalue().splitlines()

    assert max(len(line) for line in lines) == 80
    assert "…" not in "".join(lines)  # nothing cut off: headers and names fit, annotations wrap
    assert [line for line in lines if "sagemaker_model_isolation" in line] == [
        " sagemaker_model_isolation │ NON_COMPLIANT │         0 │         1 │          1 ",
        "│ sagemaker_model_isolation  │ RootAccess is Enabled; set RootAccess to        │",
        "│ sagemaker_model_isolation  │ EXEMPT until 2099-01-01 (ticket [SEC-1]): root │",  # [..] is no markup
    ]


def test_the_earlier_demo_bundle_was_replaced(demo):
    _, bundle = demo
    rows = list(csv.reader((bundle / "evaluations.csv").open(encoding="utf-8-sig")))
    assert len(rows) > 1  # the new rows, not the earlier bundle's lone header


def test_only_an_unchanged_bundle_of_an_earlier_demo_counts_as_one(tmp_path):
    assert is_earlier_demo_bundle(earlier_demo_bundle(tmp_path / "demo"))
    annotated = earlier_demo_bundle(tmp_path / "annotated")
    (annotated / "auditor-notes.txt").write_text("keep")
    assert not is_earlier_demo_bundle(annotated)
    real = earlier_demo_bundle(tmp_path / "real", {**EMBEDDED_CALLER, "arn": "arn:aws:sts::123456789012:assumed-role/audit/jane"})
    assert not is_earlier_demo_bundle(real)
    (tmp_path / "other").mkdir()
    assert not is_earlier_demo_bundle(tmp_path / "other")


def test_replace_leaves_anything_else_alone(tmp_path):
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "keep.txt").write_text("mine")

    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "evidence"), "--replace"])

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --out: {tmp_path / 'evidence'} is not an unchanged bundle of an earlier demo "
        "(embedded account 123456789012), so --replace leaves it alone; move it away or give another folder"
    )
    assert [path.name for path in (tmp_path / "evidence").iterdir()] == ["keep.txt"]
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (["--organization"], "Error: Invalid value for --organization: an organization is only served: add --serve"),
        (
            ["--serve", "--out", "evidence", "--replace"],
            "Error: Invalid value for --out, --replace: --serve writes no bundle; export one from the served AWS with "
            "`smguard export`",
        ),
    ],
    ids=["organization-without-serve", "serve-with-bundle-options"],
)
def test_options_that_do_not_go_together_are_refused_before_anything_runs(arguments, error):
    result = CliRunner().invoke(cli, ["demo", *arguments])

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == error
    assert result.stdout == ""


def test_ctrl_c_while_the_served_aws_is_built_exits_130_without_serving(monkeypatch):
    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr("smguard.demo.environment.build", interrupted)
    result = CliRunner().invoke(cli, ["demo", "--serve"])

    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "")


def test_a_generated_suffix_of_digits_only_is_normalised_as_a_suffix_not_an_account():
    assert stable_lines("SC-1-pp-0000000000001-SageMakerSecurityGroup-123456789012 │") == stable_lines(
        "SC-1-pp-0000000000001-SageMakerSecurityGroup-A7B642C5C006 │"
    )
