import pytest

from smguard.score import INSUFFICIENT_DATA, NegativeCountError, PackScore, compliance_score


def test_the_score_is_the_compliant_share_of_compliant_and_non_compliant_pairs_with_two_decimals():
    assert compliance_score(5, 3) == "62.50"
    assert compliance_score(1, 2) == "33.33"
    assert compliance_score(2, 1) == "66.67"
    assert compliance_score(4, 0) == "100.00"
    assert compliance_score(0, 4) == "0.00"


def test_no_evaluated_pair_is_insufficient_data_not_a_perfect_score():
    assert compliance_score(0, 0) == INSUFFICIENT_DATA == "INSUFFICIENT_DATA"


def test_a_negative_count_is_refused_by_name():
    with pytest.raises(NegativeCountError, match="non_compliant=-1"):
        compliance_score(3, -1)


def test_not_applicable_pairs_are_not_possible_combinations():
    score = PackScore.of(["COMPLIANT", "NOT_APPLICABLE", "NON_COMPLIANT", "COMPLIANT", "NOT_APPLICABLE"])
    assert (score.compliant, score.non_compliant, score.score) == (2, 1, "66.67")
