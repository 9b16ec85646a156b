"""Every SCP statement lists only actions that carry its condition keys.

A ``Null: true`` Deny on an action that never carries the key denies that action always; a
``...IfExists`` or negated operator does the same. parliament does not catch it: it skips keys
under ``Null`` and its action catalogue predates the ``...KmsKeyArn`` keys. The support table in
policies/condition-key-support.json, copied from the Service Authorization Reference, decides.
"""

from __future__ import annotations

import datetime
import fnmatch
import json
import re
from pathlib import Path

import pytest

from .policy_data import SCP_NAMES, SUPPORT_TABLE, expand, rendered


def unsupported_pairs(statement: dict, table: dict) -> list[str]:
    """The "action / key" pairs of the statement that the table does not list as supported."""
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    problems = []
    for operator, block in statement.get("Condition", {}).items():
        for key in block:
            if key in table["global_keys"]:
                continue
            entry = table["keys"].get(key, {})
            supported = entry.get("actions", [])
            if "operators" in entry and operator not in entry["operators"]:
                problems.append(f"{operator} / {key}")
            for action in actions:
                concrete = table["action_wildcards"].get(action, [action])
                problems += [f"{action} / {key}" for one in concrete if one not in supported][:1]
    return problems


STATEMENTS = [
    pytest.param(statement, id=f"{name.removeprefix('smguard-')}-{statement['Sid']}")
    for name in SCP_NAMES
    for statement in rendered(name)["Statement"]
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_every_action_supports_the_statement_keys(statement):
    assert unsupported_pairs(statement, SUPPORT_TABLE) == []


@pytest.mark.parametrize("statement", STATEMENTS)
def test_no_statement_uses_a_deprecated_key(statement):
    """The Reference replaced sagemaker:VolumeKmsKey/OutputKmsKey by ...Arn and lists the old
    names on no action any more; a Null deny on them could deny every request."""
    keys = {key for block in statement.get("Condition", {}).values() for key in block}
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


def test_check_flags_undeclared_wildcards_unknown_keys_and_wrong_operators():
    """The table names exact actions, so only a declared wildcard can be vouched for."""
    wildcard = {"Action": "sagemaker:Create*", "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}}}
    unknown = {"Action": "sagemaker:CreateModel", "Condition": {"Null": {"sagemaker:Nope": "true"}}}
    operator = {
        "Action": "sagemaker:CreateFeatureGroup",
        "Condition": {"Bool": {"sagemaker:FeatureGroupOfflineStoreConfig": "true"}},
    }
    assert unsupported_pairs(wildcard, SUPPORT_TABLE) == ["sagemaker:Create* / sagemaker:VpcSubnets"]
    assert unsupported_pairs(unknown, SUPPORT_TABLE) == ["sagemaker:CreateModel / sagemaker:Nope"]
    assert unsupported_pairs(operator, SUPPORT_TABLE) == ["Bool / sagemaker:FeatureGroupOfflineStoreConfig"]


def _catalogue() -> list[str]:
    """Every SageMaker action in parliament's copy of the Service Authorization Reference."""
    import parliament

    services = json.loads((Path(parliament.__file__).parent / "iam_definition.json").read_text(encoding="utf-8"))
    [sagemaker] = [service for service in services if service["prefix"] == "sagemaker"]
    return [f"sagemaker:{privilege['privilege']}" for privilege in sagemaker["privileges"]]


@pytest.mark.parametrize("wildcard", sorted(SUPPORT_TABLE["action_wildcards"]))
def test_a_declared_wildcard_matches_exactly_its_declared_actions(wildcard):
    """A new action matching the wildcard would be denied unless it carries the key: it must be
    declared here first, which this test forces once the catalogue knows the action."""
    assert sorted(fnmatch.filter(_catalogue(), wildcard)) == sorted(expand(wildcard))


def test_support_table_cites_its_sources():
    covered = set()
    for source in SUPPORT_TABLE["sources"]:
        assert source["url"].startswith("https://docs.aws.amazon.com/"), source
        datetime.date.fromisoformat(source["retrieved"])
        covered.add(source["covers"])
    assert covered == {"sagemaker:* keys", "aws:PrincipalArn", "cross-check", "aws:ResourceTag and aws:PrincipalAccount"}


def test_support_table_lists_service_keys_with_full_action_names():
    for key, entry in SUPPORT_TABLE["keys"].items():
        assert key.startswith("sagemaker:")
        assert all(re.fullmatch(r"sagemaker:[A-Za-z0-9]+", action) for action in entry["actions"]), key
