"""smguard verify: an intact bundle passes; every modified, missing or added file is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from smguard.cli.main import cli
from smguard.evidence import ExportRequest, export_bundle, verify_bundle
from smguard.evidence.manifest import sha256_of
from tests.evidence.conftest import ACCOUNT


@pytest.fixture
def bundle(world, tmp_path) -> Path:
    return export_bundle(world.session, ExportRequest(account_id=ACCOUNT), tmp_path / "bundle")


def verify(*args: str):
    return CliRunner().invoke(cli, ["verify", *args], catch_exceptions=False)


def test_an_intact_bundle_verifies_and_says_the_manifest_itself_was_checked_against_nothing(bundle):
    result = verify(str(bundle))
    assert result.exit_code == 0
    assert result.stdout == (
        f"{bundle}: the 6 files match manifest.json, but nothing shows that manifest.json is the one the export wrote: "
        "without --manifest-sha256 it was checked against nothing, and whoever changed a file could have rewritten the "
        f"manifest too. Its SHA-256 is {sha256_of(bundle / 'manifest.json')}: compare it with the hash kept at export "
        f"(the ticket, the e-mail), or pin it: smguard verify {bundle} --manifest-sha256 <that hash>\n"
    )


@pytest.mark.parametrize("form", ["{digest}", "{upper}", "sha256:{digest}", "SHA256:{upper}"])
def test_a_pinned_manifest_verifies_in_every_form_a_hash_is_printed(bundle, form):
    digest = sha256_of(bundle / "manifest.json")
    result = verify(str(bundle), "--manifest-sha256", form.format(digest=digest, upper=digest.upper()))
    assert result.exit_code == 0
    assert result.stdout == f"{bundle}: intact. manifest.json has the SHA-256 kept at export ({digest}) and the 6 files it lists match it.\n"


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        (" {digest}", "' {digest}' starts with whitespace (pasted with it?); give the 64 hexadecimal digits alone"),
        ("{digest}\n", "'{digest}\\n' ends with whitespace (pasted with it?); give the 64 hexadecimal digits alone"),
        ("{head} {tail}", "'{head} {tail}' contains whitespace (pasted with it?); give the 64 hexadecimal digits alone"),
        ("md5:{digest}", "'md5:{digest}' is a md5 hash; give the manifest's SHA-256 (64 hexadecimal digits, or sha256:<digits>)"),
        ("{digest}0", "'{digest}0' has 65 characters; a SHA-256 is 64 hexadecimal digits"),
        ("sha256:{head}", "'sha256:{head}' has 32 characters; a SHA-256 is 64 hexadecimal digits"),
        ("{head}{bad}", "'{head}{bad}' contains 'g', not a hexadecimal digit (0-9, a-f)"),
    ],
)
def test_a_malformed_hash_is_a_usage_error_naming_the_problem(bundle, given, problem):
    digest = sha256_of(bundle / "manifest.json")
    values = {"digest": digest, "head": digest[:32], "tail": digest[32:], "bad": "g" * 32}
    result = verify(str(bundle), "--manifest-sha256", given.format(**values))
    assert result.exit_code == 2
    assert "replaced" not in result.output
    assert problem.format(**values) in " ".join(result.stderr.split()), result.stderr


def test_operating_system_files_are_noted_not_failed(bundle):
    """Opening the bundle in Finder or Explorer writes these; the evidence is unchanged."""
    (bundle / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (bundle / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (bundle / "sub").mkdir()
    (bundle / "sub" / "desktop.ini").write_text("[.ShellClassInfo]")
    result = verify(str(bundle))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "noted: .DS_Store (macOS Finder's folder view settings, written by the operating system; not evidence, not verified)",
        "noted: Thumbs.db (Windows Explorer's thumbnail cache, written by the operating system; not evidence, not verified)",
        "noted: sub/desktop.ini (Windows Explorer's folder settings, written by the operating system; not evidence, not verified)",
    ]
    assert result.stdout.splitlines()[3].startswith(f"{bundle}: the 6 files match manifest.json")
    assert result.stderr == ""
    (bundle / "notes.txt").write_text("added")
    failed = verify(str(bundle))
    assert failed.exit_code == 1  # noted files never hide a real problem
    assert failed.stderr.splitlines()[0] == "unexpected: notes.txt (in the bundle, not listed in the manifest)"


def test_a_file_that_only_looks_like_os_metadata_still_fails(bundle):
    (bundle / ".DS_Store.csv").write_text("x")
    (bundle / "thumbs.DB.bak").write_text("x")
    result = verify(str(bundle))
    assert result.exit_code == 1
    assert "unexpected: .DS_Store.csv (in the bundle, not listed in the manifest)" in result.stderr
    assert "unexpected: thumbs.DB.bak (in the bundle, not listed in the manifest)" in result.stderr


@pytest.mark.parametrize("name", ["evaluations.csv", "evaluations.jsonl", "rules.json", "summary.html"])
def test_changing_one_byte_of_any_file_fails(bundle, name):
    data = bytearray((bundle / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (bundle / name).write_bytes(bytes(data))
    result = verify(str(bundle))
    assert result.exit_code == 1
    assert f"modified: {name} (SHA-256 differs from the manifest)" in result.output
    assert "does not match its manifest (1 problem(s)); do not rely on it" in result.output


def test_a_changed_row_is_caught_even_when_the_size_is_the_same(bundle):
    text = (bundle / "evaluations.csv").read_text()
    (bundle / "evaluations.csv").write_text(text.replace("nb-open,NON_COMPLIANT", "nb-open,COMPLIANT_____", 1))
    assert verify_bundle(bundle).modified == ["evaluations.csv"]


def test_missing_and_extra_files_are_all_named(bundle):
    (bundle / "rules.json").unlink()
    (bundle / "notes.txt").write_text("added later")
    (bundle / "extra").mkdir()
    (bundle / "extra" / "evaluations.csv").write_text("x")
    (bundle / "summary.html").write_text("<p>all green</p>")
    result = verify(str(bundle))
    assert result.exit_code == 1
    for line in (
        "modified: summary.html (SHA-256 differs from the manifest)",
        "missing: rules.json (listed in the manifest, not in the bundle)",
        "unexpected: extra/evaluations.csv (in the bundle, not listed in the manifest)",
        "unexpected: notes.txt (in the bundle, not listed in the manifest)",
        "(4 problem(s))",
    ):
        assert line in result.output


def test_an_added_empty_folder_is_named(bundle):
    (bundle / "later").mkdir()
    (bundle / "nested" / "deeper").mkdir(parents=True)
    result = verify(str(bundle))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "unexpected: later/ (in the bundle, not listed in the manifest)",
        "unexpected: nested/deeper/ (in the bundle, not listed in the manifest)",
        f"Error: {bundle} does not match its manifest (2 problem(s)); do not rely on it",
    ]


def test_a_rewritten_manifest_is_caught_by_the_hash_kept_outside(bundle):
    recorded = sha256_of(bundle / "manifest.json")
    (bundle / "evaluations.csv").write_text("account_id\n")
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["files"]["evaluations.csv"]["sha256"] = sha256_of(bundle / "evaluations.csv")
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    assert verify(str(bundle)).exit_code == 0  # consistent with itself...
    result = verify(str(bundle), "--manifest-sha256", recorded)
    assert result.exit_code == 1  # ...but not the manifest of the export
    assert f"not the {recorded} recorded at export: the manifest was replaced" in result.output


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: (b / "manifest.json").unlink(), "manifest.json is missing: the bundle is incomplete"),
        (lambda b: (b / "manifest.json").write_text("{not json"), "manifest.json is not a readable smguard manifest"),
        (lambda b: (b / "manifest.json").write_text('{"format": "other", "files": {}}'), "is not a readable smguard manifest"),
    ],
)
def test_without_a_usable_manifest_nothing_verifies(bundle, damage, message):
    damage(bundle)
    result = verify(str(bundle))
    assert result.exit_code == 1
    assert message in result.output


def test_a_path_that_is_no_bundle(tmp_path):
    result = verify(str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "is not a folder; give the path of an evidence bundle" in result.output
