"""The policy documents as documents: valid, within AWS's size limits, and well-formed."""

from __future__ import annotations

import json
import re

import pytest

from smguard.policies import (
    AISERVICES_OPT_OUT_POLICY,
    MANIFEST_FILE,
    PARAMETERS,
    longest_values,
    POLICIES_DIR,
    SIZE_LIMITS,
    SERVICE_CONTROL_POLICY,
    PolicySourceError,
    load_policies,
)

from .policy_data import POLICIES, SCP_NAMES, rendered

DATA_FILES = {MANIFEST_FILE, "condition-key-support.json"}


def test_every_json_file_in_policies_is_a_listed_policy_or_known_data():
    on_disk = {path.name for path in POLICIES_DIR.glob("*.json")}
    assert on_disk == DATA_FILES | {policy.file for policy in POLICIES.values()}


@pytest.mark.parametrize("path", sorted(POLICIES_DIR.glob("*.json")), ids=lambda path: path.name)
def test_file_is_a_json_object(path):
    assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)


def _worst_case_size(policy) -> int:
    values = longest_values()
    assert policy.placeholders() <= values.keys(), "a placeholder has no longest value"
    return len(json.dumps(policy.rendered(values), separators=(",", ":")))


@pytest.mark.parametrize("name", POLICIES)
def test_minified_size_is_within_the_aws_limit(name):
    size = _worst_case_size(POLICIES[name])
    assert size <= SIZE_LIMITS[POLICIES[name].type], f"{size} characters with the longest parameter values"


def _size_cells(text: str, file: str) -> tuple[list[int], int]:
    """The figures in the size column of the document's policy table, and its AWS limit."""
    [row] = [line for line in text.splitlines() if line.startswith(f"| `{file}` |")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    figures = [int(figure.replace(",", "")) for figure in re.findall(r"\d{1,3}(?:,\d{3})*", cells[3])]
    return figures, int(cells[4].replace(",", ""))


@pytest.mark.parametrize("name", POLICIES)
def test_preventive_controls_document_states_the_measured_sizes(name):
    """The table in docs/preventive-controls.md gives the minified size, and for a document with
    placeholders also the size with the longest values the parameters allow: it must stay true."""
    policy = POLICIES[name]
    text = (POLICIES_DIR.parent / "docs" / "preventive-controls.md").read_text(encoding="utf-8")
    expected = [len(policy.minified())]
    if policy.placeholders():
        expected.append(_worst_case_size(policy))
    assert _size_cells(text, policy.file) == (expected, SIZE_LIMITS[policy.type])


# AWS Organizations attaches at most five SCPs to a root, OU or account (Organizations quotas).
# FullAWSAccess takes one and AWS Control Tower's own SCP another; smguard must fit in what is left
# with room for one of the organization's own (issue 14: at most two attachments per target).
SMGUARD_SCP_BUDGET = 2


def _scp_count(directory=POLICIES_DIR) -> int:
    return sum(policy.type == SERVICE_CONTROL_POLICY for policy in load_policies(directory))


def test_the_manifest_lists_at_most_two_service_control_policies():
    assert _scp_count() <= SMGUARD_SCP_BUDGET


def test_the_scp_count_sees_a_third_service_control_policy(tmp_path):
    """The check above has teeth: a manifest with a third SCP is counted as three."""
    entries = [
        {"file": f"p{i}.json", "name": f"p{i}", "type": SERVICE_CONTROL_POLICY, "logical_id": f"P{i}", "description": "p"}
        for i in range(3)
    ]
    (tmp_path / MANIFEST_FILE).write_text(json.dumps({"policies": entries}))
    for entry in entries:
        (tmp_path / entry["file"]).write_text(json.dumps({"Statement": []}))
    assert _scp_count(tmp_path) == 3 > SMGUARD_SCP_BUDGET


def test_size_cells_reads_every_figure_of_the_row():
    text = "| `p.json` | `p` | SCP | 1,198 with the placeholder, at most 3,666 with the longest | 5,120 |"
    assert _size_cells(text, "p.json") == ([1198, 3666], 5120)


@pytest.mark.parametrize("name", SCP_NAMES)
def test_scp_statements_have_unique_alphanumeric_sids(name):
    sids = [statement.get("Sid") for statement in rendered(name)["Statement"]]
    assert all(sid and re.fullmatch(r"[A-Za-z0-9]+", sid) for sid in sids), sids
    assert len(set(sids)) == len(sids)


# Statements whose keys are ANDed on purpose: each holds exactly the keys below, all of which must
# hold for the request to be refused. Every other statement tests one key (keys in one block are
# ANDed, which silently weakens a Deny) or, where listed, none at all.
ANDED_KEYS = {
    # the KMS key is required only when there is an offline store / the online store is enabled
    "DenyOfflineStoreWithoutKmsKey": {"sagemaker:FeatureGroupOfflineStoreConfig", "sagemaker:FeatureGroupOfflineStoreKmsKeyArn"},
    "DenyOnlineStoreWithoutKmsKey": {"sagemaker:FeatureGroupEnableOnlineStore", "sagemaker:FeatureGroupOnlineStoreKmsKeyArn"},
    # sharing may be disabled (no key sent): only a key that is present and not the account's is refused
    "DenyDomainSharingKeyOfAnotherAccount": {"sagemaker:DomainSharingOutputKmsKeyArn"},
    # only an endpoint configuration that names no model (inference components) is judged here
    "DenyModelLessEndpointConfigWithoutIsolation": {"sagemaker:ModelArn", "sagemaker:NetworkIsolation"},
    "DenyModelLessEndpointConfigOutsideVpc": {"sagemaker:ModelArn", "sagemaker:VpcSubnets"},
    # only resources carrying the protection tag, and only for principals other than the administrator
    "ProtectTaggedResources": {"aws:ResourceTag/smguard:guardrail", "aws:PrincipalArn"},
}
UNCONDITIONAL = {"DenyRemoteIdeSessions", "DenyLeaveOrganization"}


@pytest.mark.parametrize("name", SCP_NAMES)
def test_scp_statements_are_denies_with_one_condition_unless_declared(name):
    document = rendered(name)
    assert document["Version"] == "2012-10-17"
    for statement in document["Statement"]:
        sid = statement["Sid"]
        assert statement["Effect"] == "Deny", sid
        assert "Resource" in statement and "Action" in statement, sid
        keys = {key for block in statement.get("Condition", {}).values() for key in block}
        if sid in UNCONDITIONAL:
            assert "Condition" not in statement, sid
        elif sid in ANDED_KEYS:
            assert keys == ANDED_KEYS[sid], sid
        else:
            assert len(statement["Condition"]) == 1 and len(keys) == 1, sid


def test_declared_exceptions_name_existing_statements():
    sids = {statement["Sid"] for name in SCP_NAMES for statement in rendered(name)["Statement"]}
    assert (ANDED_KEYS.keys() | UNCONDITIONAL) <= sids


@pytest.mark.parametrize("name", POLICIES)
def test_rendered_documents_keep_no_placeholder_but_supported_policy_variables(name):
    text = json.dumps(rendered(name))
    assert text.count("${") == text.count("${aws:PrincipalAccount}")


def test_policy_variables_reach_organizations_unresolved():
    """Fn::Sub would resolve ${aws:PrincipalAccount} itself and fail; the fragment escapes it, or
    passes a document without parameters as plain text."""
    for policy in POLICIES.values():
        content = policy.cfn_content()
        text = content if isinstance(content, str) else json.dumps(content)
        if "aws:PrincipalAccount" in text:
            assert ("${!aws:PrincipalAccount}" in text) == (not isinstance(content, str)), policy.name


def test_loader_refuses_an_unsupported_policy_variable(tmp_path):
    _write_policy_dir(tmp_path, {"Statement": [{"Resource": "arn:aws:s3:::b/${aws:username}"}]})
    with pytest.raises(PolicySourceError, match="aws:username"):
        load_policies(tmp_path)


def test_loader_refuses_a_placeholder_that_is_no_template_parameter(tmp_path):
    _write_policy_dir(tmp_path, {"Statement": [{"Resource": "${Unknown}"}]})
    with pytest.raises(PolicySourceError, match="Unknown"):
        load_policies(tmp_path)


def test_loader_refuses_a_dollar_brace_that_is_no_placeholder(tmp_path):
    """Fn::Sub would try to resolve it and fail the stack, so it is caught here."""
    _write_policy_dir(tmp_path, {"Statement": [{"Resource": "arn:aws:s3:::b/${not valid}"}]})
    with pytest.raises(PolicySourceError, match="neither"):
        load_policies(tmp_path)


def _write_policy_dir(directory, content):
    entry = {
        "file": "p.json",
        "name": "p",
        "type": "SERVICE_CONTROL_POLICY",
        "logical_id": "P",
        "description": "p",
    }
    (directory / MANIFEST_FILE).write_text(json.dumps({"policies": [entry]}))
    (directory / "p.json").write_text(json.dumps(content))


def _opt_out() -> dict:
    [policy] = [p for p in POLICIES.values() if p.type == AISERVICES_OPT_OUT_POLICY]
    return policy.content


def test_ai_opt_out_assigns_opt_out_to_every_service():
    """"optOut" is case-sensitive; "default" covers every AI service the policy type supports."""
    assert _opt_out()["services"]["default"]["opt_out_policy"]["@@assign"] == "optOut"


@pytest.mark.parametrize(
    "path",
    [("services",), ("services", "default"), ("services", "default", "opt_out_policy")],
    ids=".".join,
)
def test_ai_opt_out_is_locked_for_child_policies_at_every_level(path):
    """Locking only the default would still let a child policy add e.g. rekognition: optIn,
    which overrides the default for that service."""
    node = _opt_out()
    for key in path:
        node = node[key]
    assert node["@@operators_allowed_for_child_policies"] == ["@@none"]


def test_ai_opt_out_sets_nothing_but_the_default():
    assert set(_opt_out()) == {"services"}
    assert set(_opt_out()["services"]) == {"@@operators_allowed_for_child_policies", "default"}


def test_every_statement_is_mapped_in_the_preventive_controls_document():
    text = (POLICIES_DIR.parent / "docs" / "preventive-controls.md").read_text(encoding="utf-8")
    for name in SCP_NAMES:
        for statement in rendered(name)["Statement"]:
            assert f"`{statement['Sid']}`" in text, statement["Sid"]
