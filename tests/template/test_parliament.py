"""parliament reports nothing on the IAM policies the template creates, in both modes.

parliament lints identity policies. Two of its findings are about what resource-based policies
always look like, and are set aside for those policies only, each with its reason:
- a role's trust policy has no Resource element (IAM refuses one there): MALFORMED "neither
  Resource nor NotResource";
- a KMS key policy's Resource is always "*", meaning the key itself (the key's ARN does not exist
  before the key): RESOURCE_STAR.
One finding is set aside on identity policies, for its reason: parliament's catalogue does not list
lambda:SourceFunctionArn, which Lambda puts on every request made from inside a function and which
the Lambda developer guide ("Using source function ARN to control function access behavior") says
works in any identity-based policy with an ARN operator; the rule roles use it on sts:AssumeRole.
Every other finding, on every policy, fails the test. The Organizations policies (SCPs) the
template also creates are linted by tests/policies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from parliament import analyze_policy_string

from tests.template.conftest import MODES, resolver
from tests.template.intrinsics import Resolver

RESOURCE_POLICY_FINDINGS = {
    "trust": {("MALFORMED", "Statement contains neither Resource nor NotResource")},
    "key": {("RESOURCE_STAR", None)},
    "identity": {("UNKNOWN_CONDITION_FOR_ACTION", "Unknown condition lambda:SourceFunctionArn for action sts:AssumeRole")},
}


def policies(template: dict, mode: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, kind, resolved document) for every IAM policy the template creates in ``mode``."""
    resolved = resolver(template, mode)
    for logical_id, resource in template["Resources"].items():
        if not resolved.resource_exists(logical_id):
            continue
        properties = resolved.resolve(resource.get("Properties", {}))
        kind = resource["Type"]
        if kind == "AWS::IAM::Role":
            yield f"{logical_id} trust", "trust", properties["AssumeRolePolicyDocument"]
            for policy in properties.get("Policies", []):
                yield f"{logical_id} {policy['PolicyName']}", "identity", policy["PolicyDocument"]
        elif kind == "AWS::KMS::Key":
            yield f"{logical_id} key policy", "key", properties["KeyPolicy"]
        elif kind in ("AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"):
            yield f"{logical_id}", "resource", properties["PolicyDocument"]
        elif kind == "AWS::CloudFormation::StackSet":
            member = json.loads(properties["TemplateBody"])
            values = {p["ParameterKey"]: p["ParameterValue"] for p in properties["Parameters"]}
            # The execution role, and the remediation roles (created when RemediationMode is not None).
            member_resolver = Resolver(member, values)
            roles = [key for key, resource in member["Resources"].items() if resource["Type"] == "AWS::IAM::Role"]
            assert "ExecutionRole" in roles
            for role_id in roles:
                if not member_resolver.resource_exists(role_id):
                    continue
                role = member_resolver.resolve(member["Resources"][role_id]["Properties"])
                yield f"member {role_id} trust", "trust", role["AssumeRolePolicyDocument"]
                for policy in role["Policies"]:
                    yield f"member {role_id} {policy['PolicyName']}", "identity", policy["PolicyDocument"]


def unexplained_findings(kind: str, document: dict[str, Any]) -> list[str]:
    analysed = analyze_policy_string(json.dumps(document))
    allowed = RESOURCE_POLICY_FINDINGS.get(kind, set())
    return [
        f"{finding.issue}: {finding.detail}"
        for finding in analysed.findings
        if (finding.issue, None) not in allowed and (finding.issue, str(finding.detail)) not in allowed
    ]


@pytest.mark.parametrize("mode", MODES)
def test_parliament_reports_nothing(template, mode):
    checked = list(policies(template, mode))
    where = {place.split(" ")[-2] if place.startswith("member") else place.split(" ")[0] for place, _, _ in checked}
    # The remediation roles (this account's, or each member account's) and the re-evaluation's roles.
    assert {"VpcDefaultSgRemediationRole", "NotebookRootAccessRemediationRole"} <= where
    if mode == "Account":
        assert {"ReevaluationRole", "ReevaluationScheduleRole"} <= where
    kinds = {kind for _, kind, _ in checked}
    assert {"trust", "identity", "key", "resource"} <= kinds
    reports = {where: findings for where, kind, document in checked if (findings := unexplained_findings(kind, document))}
    assert reports == {}


def test_parliament_still_reports_a_wildcard_action_on_a_role():
    """The set-aside findings do not hide real ones."""
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}
    assert unexplained_findings("identity", document)
    assert unexplained_findings("trust", document)
