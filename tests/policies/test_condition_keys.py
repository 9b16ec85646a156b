"""Every SCP statement lists only actions that carry its condition key.

A ``Null: true`` Deny on an action that never carries the key denies that action always; a
``...IfExists`` or negated operator does the same. parliament does not catch it: it skips keys
under ``Null`` and its action catalogue predates the ``...KmsKeyArn`` keys. The support table in
policies/condition-key-support.json, copied from the Service Authorization Reference, decides.
"""

from __future__ import annotations

import datetime
import re

import pytest

from .policy_data import SCP_NAMES, SUPPORT_TABLE, rendered


def unsupported_pairs(statement: dict, table: dict) -> list[str]:
    """The "action / key" pairs of the statement that the table does not list as supported."""
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    problems = []
    for block in statement.get("Condition", {}).values():
        for key in block:
            if key in table["global_keys"]:
                continue
            supported = table["keys"].get(key, {}).get("actions", [])
            problems += [f"{action} / {key}" for action in actions if action not in supported]
    return problems


STATEMENTS = [
    pytest.param(statement, id=f"{name.removeprefix('smguard-')}-{statement['Sid']}")
    for name in SCP_NAMES
    for statement in rendered(name)["Statement"]
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_every_action_supports_the_statement_key(statement):
    assert unsupported_pairs(statement, SUPPORT_TABLE) == []


@pytest.mark.parametrize("statement", STATEMENTS)
def test_no_statement_uses_a_deprecated_key(statement):
    """The Reference replaced sagemaker:VolumeKmsKey/OutputKmsKey by ...Arn and lists the old
    names on no action any more; a Null deny on them could deny every request."""
    keys = {key for block in statement["Condition"].values() for key in block}
    replaced = {key for key, entry in SUPPORT_TABLE["keys"].items() if "replaced_by" in entry}
    assert not keys & replaced


def test_check_flags_an_action_without_the_key():
    statement = {
        "Action": ["sagemaker:CreateTrainingJob", "sagemaker:CreateTransformJob"],
        "Condition": {"Null": {"sagemaker:NetworkIsolation": "true"}},
    }
    assert unsupported_pairs(statement, SUPPORT_TABLE) == [
        "sagemaker:CreateTransformJob / sagemaker:NetworkIsolation"
    ]


def test_check_flags_wildcards_and_unknown_keys():
    """The table names exact actions, so a wildcard cannot be vouched for."""
    wildcard = {"Action": "sagemaker:Create*", "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}}}
    unknown = {"Action": "sagemaker:CreateModel", "Condition": {"Null": {"sagemaker:Nope": "true"}}}
    assert unsupported_pairs(wildcard, SUPPORT_TABLE) == ["sagemaker:Create* / sagemaker:VpcSubnets"]
    assert unsupported_pairs(unknown, SUPPORT_TABLE) == ["sagemaker:CreateModel / sagemaker:Nope"]


def test_support_table_cites_its_sources():
    covered = set()
    for source in SUPPORT_TABLE["sources"]:
        assert source["url"].startswith("https://docs.aws.amazon.com/"), source
        datetime.date.fromisoformat(source["retrieved"])
        covered.add(source["covers"])
    assert covered == {"sagemaker:* keys", "aws:PrincipalArn"}


def test_support_table_lists_service_keys_with_full_action_names():
    for key, entry in SUPPORT_TABLE["keys"].items():
        assert key.startswith("sagemaker:")
        assert all(re.fullmatch(r"sagemaker:[A-Za-z0-9]+", action) for action in entry["actions"]), key
