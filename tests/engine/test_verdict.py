import pytest

from smguard.engine import Compliance, Verdict
from smguard.engine.verdict import ANNOTATION_MAX_LENGTH, Finding, describe_value, fit_annotation, join_findings


def test_verdicts_carry_their_compliance_type():
    assert Verdict.compliant("RootAccess is Disabled.") == Verdict(Compliance.COMPLIANT, "RootAccess is Disabled.")
    assert Verdict.not_applicable("x.").compliance is Compliance.NOT_APPLICABLE
    assert Verdict.non_compliant("a.", "b.") == Verdict(Compliance.NON_COMPLIANT, "a. b.")


def test_a_non_compliant_verdict_needs_a_finding():
    with pytest.raises(ValueError, match="at least one finding"):
        Verdict.non_compliant()


def test_empty_annotations_are_refused_because_config_rejects_them():
    with pytest.raises(ValueError, match="must not be empty"):
        fit_annotation("   ")


def test_long_text_is_cut_at_a_word_within_the_limit():
    text = "word " * 100
    fitted = fit_annotation(text)
    assert len(fitted) <= ANNOTATION_MAX_LENGTH
    assert fitted.endswith("word...")


def test_findings_that_overflow_are_counted_not_cut():
    findings = [f"Finding number {i} says something about property P{i} and how to fix it." for i in range(8)]
    joined = join_findings(findings)
    assert len(joined) <= ANNOTATION_MAX_LENGTH
    assert joined == " ".join(findings[:3]) + " (+5 more finding(s))"


def test_values_are_described_for_people():
    assert [describe_value(v) for v in (None, "", "Enabled", True, False, 3)] == [
        "absent", "empty", "Enabled", "true", "false", "3"
    ]


def test_a_finding_shows_the_parts_that_fit_counts_the_rest_and_keeps_its_fix():
    parts = tuple(letter * 100 for letter in "abc")
    assert Finding(parts, fixes=(". Fix it.",), lead="VPC v: ").fit() == f"VPC v: {'a' * 100}; {'b' * 100} (+1 more). Fix it."


def test_the_most_specific_fix_that_fits_is_used():
    finding = Finding(("x" * 200,), fixes=(". " + "long fix " * 10, ". Short fix."))
    assert finding.fit() == f"{'x' * 200}. Short fix."


def test_parts_can_be_preferred_to_the_most_specific_fix():
    parts = ("a" * 100, "b" * 100)
    fixes = (". " + "specific " * 8, ". Short.")
    assert Finding(parts, fixes).fit() == f"{'a' * 100} (+1 more). {'specific ' * 8}"
    assert Finding(parts, fixes, prefer_parts=True).fit() == f"{'a' * 100}; {'b' * 100}. Short."


def test_a_part_too_long_alone_is_cut_at_a_word_and_the_fix_kept():
    fitted = Finding(("word " * 60, "second"), fixes=(". Fix it.",)).fit()
    assert len(fitted) <= ANNOTATION_MAX_LENGTH
    assert fitted.endswith("word... (+1 more). Fix it.")


def test_a_finding_among_findings_is_refitted_rather_than_cut():
    inner = Finding(tuple(f"reason {i} " + "y" * 50 for i in range(4)), fixes=(". Inner fix.",))
    joined = join_findings([inner], lead="x" * 100 + " ")
    assert joined == "x" * 100 + f" reason 0 {'y' * 50}; reason 1 {'y' * 50} (+2 more). Inner fix."
