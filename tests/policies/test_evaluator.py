"""Pins the evaluator to the AWS behaviour the policies rely on.

The semantic tests are only as good as the evaluator. These cases fix, for each condition operator
the policies use, what AWS documents for a present, a different and a missing key (for a missing
key: false, except for negated operators, ...IfExists and Null). If a principalmapper upgrade
changed any of it, this file fails before the semantic tests silently change meaning.
"""

from __future__ import annotations

import pytest

from .evaluator import FULL_AWS_ACCESS, Decision, scp_decision, statement_matches

ACTION = "sagemaker:CreateTrainingJob"
KEY = "sagemaker:Example"


def _deny(operator: str, value: str) -> dict:
    return {
        "Effect": "Deny",
        "Action": ACTION,
        "Resource": "*",
        "Condition": {operator: {KEY: value}},
    }


@pytest.mark.parametrize(
    ("operator", "policy_value", "context", "matches"),
    [
        pytest.param("Null", "true", {}, True, id="Null-true-key-missing"),
        pytest.param("Null", "true", {KEY: "x"}, False, id="Null-true-key-present"),
        pytest.param("BoolIfExists", "false", {}, True, id="BoolIfExists-false-key-missing"),
        pytest.param("BoolIfExists", "false", {KEY: "false"}, True, id="BoolIfExists-false-given-false"),
        pytest.param("BoolIfExists", "false", {KEY: "true"}, False, id="BoolIfExists-false-given-true"),
        pytest.param("Bool", "false", {}, False, id="Bool-false-key-missing-is-the-omission-gap"),
        pytest.param("StringNotEquals", "Disabled", {}, True, id="StringNotEquals-key-missing"),
        pytest.param("StringNotEquals", "Disabled", {KEY: "Disabled"}, False, id="StringNotEquals-equal"),
        pytest.param("StringNotEquals", "Disabled", {KEY: "Enabled"}, True, id="StringNotEquals-other"),
        pytest.param("StringNotEquals", "Disabled", {KEY: "disabled"}, True, id="StringNotEquals-case-sensitive"),
        pytest.param("StringEquals", "Enabled", {}, False, id="StringEquals-key-missing"),
        pytest.param("StringEquals", "Enabled", {KEY: "Enabled"}, True, id="StringEquals-equal"),
    ],
)
def test_condition_operators_follow_aws(operator, policy_value, context, matches):
    assert statement_matches(_deny(operator, policy_value), ACTION, "*", context) is matches


@pytest.mark.parametrize(
    ("principal", "matches"),
    [
        pytest.param("arn:aws:iam::111122223333:role/admin", False, id="same-role-any-account"),
        pytest.param("arn:aws:iam::444455556666:role/admin", False, id="same-role-other-account"),
        pytest.param("arn:aws:iam::111122223333:role/admin2", True, id="longer-name"),
        pytest.param("arn:aws:iam::111122223333:role/team/admin", True, id="other-path"),
        pytest.param(None, True, id="key-missing-negated-operator"),
    ],
)
def test_arn_not_like_with_wildcard_account(principal, matches):
    statement = {
        "Effect": "Deny",
        "Action": "config:DeleteConfigRule",
        "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}},
    }
    context = {} if principal is None else {"aws:PrincipalArn": principal}
    assert statement_matches(statement, "config:DeleteConfigRule", "*", context) is matches


def test_full_aws_access_alone_allows_everything():
    assert scp_decision([], "s3:GetObject", "*", {}) is Decision.ALLOWED


def test_scp_deny_wins_over_full_aws_access():
    scp = {"Version": "2012-10-17", "Statement": [_deny("Null", "true")]}
    assert scp_decision([scp], ACTION, "*", {}) is Decision.EXPLICIT_DENY
    assert scp_decision([scp], ACTION, "*", {KEY: "x"}) is Decision.ALLOWED


def test_deny_only_scp_grants_nothing_without_full_aws_access():
    """Why the model includes FullAWSAccess: a deny-list SCP alone would block every request."""
    scp = {"Version": "2012-10-17", "Statement": [_deny("Null", "true")]}
    decision = scp_decision([scp], ACTION, "*", {KEY: "x"}, with_full_aws_access=False)
    assert decision is Decision.IMPLICIT_DENY
    assert FULL_AWS_ACCESS["Statement"] == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
