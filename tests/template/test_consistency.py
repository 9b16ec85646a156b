"""Every rule folder is deployed as its declaration says, in both modes; nothing else is deployed."""

from __future__ import annotations

import importlib
import json
import re

import pytest

from smguard.catalogue import RULES_DIR, discover
from smguard.deploy.iam import required_actions
from smguard.deploy.naming import camel, names, resource_name
from smguard.deploy.reevaluation import HANDLER
from smguard.deploy.rule_stack import CHANGE_MESSAGE_TYPES, SCHEDULED_MESSAGE_TYPE
from smguard.deploy.stack_parameters import engine_parameter_names
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER
from tests.template.conftest import MODE_PARAMETERS, OPTIONAL_FEATURES, deployed_pack, resolver
from tests.template.intrinsics import PSEUDO, Resolver

ENTRIES = discover()
IDS = [entry.name for entry in ENTRIES]

# What every function role holds besides the rule's evaluation actions (logs, failure destination).
FUNCTION_BASE_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage", "kms:GenerateDataKey", "kms:Decrypt"}


def statement_actions(policy: dict) -> set[str]:
    actions: set[str] = set()
    for statement in policy["Statement"]:
        value = statement["Action"]
        actions.update([value] if isinstance(value, str) else value)
    return actions


def test_rule_folders_are_the_deployed_functions_and_no_other(template):
    functions = {
        resource["Properties"]["Handler"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    folders = {path.parent.name for path in RULES_DIR.glob("*/app.py")}
    # Besides the rules: the exemption-expiry re-evaluation (smguard/deploy/reevaluation.py).
    assert functions == {f"rules.{name}.app.lambda_handler" for name in folders} | {HANDLER}


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_handler_path_resolves_to_the_rules_handler(template, entry):
    properties = template["Resources"][f"{camel(entry.name)}Function"]["Properties"]
    module_name, attribute = properties["Handler"].rsplit(".", 1)
    # The artifact imports rules.<rule>.app (tests/template/test_build.py runs it there); in this
    # process the same file is smguard.rules.<rule>.app, one module identity.
    handler = getattr(importlib.import_module(f"smguard.{module_name}"), attribute)
    assert handler is entry.handler
    assert handler.rule.name == entry.name
    assert properties["FunctionName"] == resource_name(entry.name)


def expected_message_types(entry) -> list[str]:
    types = list(CHANGE_MESSAGE_TYPES) if CHANGE_TRIGGER in entry.rule.triggers else []
    return types + ([SCHEDULED_MESSAGE_TYPE] if PERIODIC_TRIGGER in entry.rule.triggers else [])


def expected_input_parameters(entry) -> set[str]:
    return {spec.name for spec in entry.rule.parameters.specs()} | set(engine_parameter_names())


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
@pytest.mark.parametrize("mode", ["Account", "Organization"])
def test_the_conformance_pack_declares_the_rule_with_its_function_triggers_and_parameters(template, mode, entry):
    pack = deployed_pack(template, {**MODE_PARAMETERS[mode], **OPTIONAL_FEATURES})
    properties = pack.resolve(pack.template["Resources"][f"{camel(entry.name)}ConfigRule"]["Properties"])
    assert properties["ConfigRuleName"] == names(entry.name).config_rule
    assert len(properties["Description"]) <= 256
    assert properties["Source"]["Owner"] == "CUSTOM_LAMBDA"
    assert properties["Source"]["SourceIdentifier"] == f"arn:aws:lambda:eu-west-1:111122223333:function:{camel(entry.name)}Function"
    details = properties["Source"]["SourceDetails"]
    assert [d["MessageType"] for d in details] == expected_message_types(entry)
    assert {d["EventSource"] for d in details} == {"aws.config"}
    frequencies = {d.get("MaximumExecutionFrequency") for d in details if d["MessageType"] == SCHEDULED_MESSAGE_TYPE}
    assert frequencies == ({entry.rule.maximum_execution_frequency} if PERIODIC_TRIGGER in entry.rule.triggers else set())
    if CHANGE_TRIGGER in entry.rule.triggers:
        assert properties["Scope"]["ComplianceResourceTypes"] == list(entry.rule.resource_types)
    else:
        assert "Scope" not in properties
    parameters = properties["InputParameters"]
    assert set(parameters) == expected_input_parameters(entry)
    assert parameters["ExemptionsParameterName"] == "/smguard/exemptions"
    # Account mode: the functions evaluate with their own role; organization mode: the member accounts' role.
    assert parameters["ExecutionRoleName"] == ("" if mode == "Account" else "smguard-rule-execution")


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_config_invokes_the_function_from_this_account_only_in_account_mode(template, entry):
    resolved = resolver(template, "Account")
    permission = resolved.resolve(template["Resources"][f"{camel(entry.name)}ConfigPermission"]["Properties"])
    assert permission["Principal"] == "config.amazonaws.com"
    assert permission["SourceAccount"] == "111122223333"
    assert not resolved.resource_exists(f"{camel(entry.name)}OrganizationPermission")


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_organization_mode_lets_config_invoke_from_the_member_accounts(template, entry):
    resolved = resolver(template, "Organization")
    assert not resolved.resource_exists(f"{camel(entry.name)}ConfigPermission")
    # No condition can name the member accounts (docs/deployment.md, residual risk): exactly this.
    permission = resolved.resolve(template["Resources"][f"{camel(entry.name)}OrganizationPermission"]["Properties"])
    assert permission == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": f"arn:aws:lambda:eu-west-1:111122223333:function:{camel(entry.name)}Function",
        "Principal": "config.amazonaws.com",
    }


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_account_mode_role_grants_exactly_the_rules_actions(template, entry):
    resolved = resolver(template, "Account", optional_features=False)
    role = resolved.resolve(template["Resources"][f"{camel(entry.name)}Role"]["Properties"])
    (policy,) = role["Policies"]
    assert statement_actions(policy["PolicyDocument"]) == FUNCTION_BASE_ACTIONS | set(required_actions(entry.rule))


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_organization_mode_role_only_assumes_the_execution_role(template, entry):
    resolved = resolver(template, "Organization", optional_features=False)
    role = resolved.resolve(template["Resources"][f"{camel(entry.name)}Role"]["Properties"])
    (policy,) = role["Policies"]
    assert statement_actions(policy["PolicyDocument"]) == FUNCTION_BASE_ACTIONS | {"sts:AssumeRole"}
    (assume,) = [s for s in policy["PolicyDocument"]["Statement"] if s["Action"] == "sts:AssumeRole"]
    assert assume["Resource"] == "arn:aws:iam::*:role/smguard-rule-execution"
    function = f"arn:aws:lambda:{PSEUDO['AWS::Region']}:{PSEUDO['AWS::AccountId']}:function:{resource_name(entry.name)}"
    assert assume["Condition"] == {
        "StringEquals": {"aws:ResourceOrgID": "o-abcdefghij"},
        # Issue 14, finding 6: the role lent to another function cannot assume the execution role.
        "ArnEquals": {"lambda:SourceFunctionArn": function},
    }


def test_member_execution_role_allows_the_rules_calls_and_trusts_only_the_functions(template):
    resolved = resolver(template, "Organization")
    stack_set = resolved.resolve(template["Resources"]["ExecutionRoleStackSet"]["Properties"])
    assert stack_set["PermissionModel"] == "SERVICE_MANAGED"
    assert stack_set["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert stack_set["StackInstancesGroup"][0]["DeploymentTargets"] == {"OrganizationalUnitIds": ["r-abcd"]}
    member = json.loads(stack_set["TemplateBody"])
    assert {key for key, resource in member["Resources"].items() if resource["Type"] == "AWS::IAM::Role"} == {
        "ExecutionRole", *(f"{camel(entry.name)}RemediationRole" for entry in ENTRIES if entry.rule.remediation)
    }
    role = member["Resources"]["ExecutionRole"]["Properties"]
    (policy,) = role["Policies"]
    assert statement_actions(policy["PolicyDocument"]) == {a for e in ENTRIES for a in required_actions(e.rule)}
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Condition"] == {"ArnEquals": {"aws:PrincipalArn": {"Ref": "FunctionRoleArns"}}}
    passed = {p["ParameterKey"]: p["ParameterValue"] for p in stack_set["Parameters"]}
    assert set(passed["FunctionRoleArns"].split(",")) == {
        f"arn:aws:iam::111122223333:role/{camel(entry.name)}Role" for entry in ENTRIES
    }
    assert passed["ExecutionRoleName"] == "smguard-rule-execution"
    assert {name: passed[name] for name in ("RemediationMode", "FlowLogRemediationDestinationArn")} == {
        "RemediationMode": "Manual", "FlowLogRemediationDestinationArn": OPTIONAL_FEATURES["FlowLogRemediationDestinationArn"]
    }


def test_every_rule_parameter_is_a_described_validated_template_parameter(template):
    for entry in ENTRIES:
        for spec in entry.rule.parameters.specs():
            declared = template["Parameters"][f"{camel(entry.name)}{spec.name}"]
            assert declared["Default"] == ""
            assert spec.description in declared["Description"]
            assert "AllowedValues" in declared or "AllowedPattern" in declared


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
@pytest.mark.parametrize("mode", ["Account", "Organization"])
def test_vpc_attachment_creates_network_interfaces_only_in_the_given_subnets_and_security_groups(template, mode, entry):
    role = template["Resources"][f"{camel(entry.name)}Role"]["Properties"]
    attached = resolver(template, mode).resolve(role)["Policies"][0]["PolicyDocument"]["Statement"]
    values = {**MODE_PARAMETERS[mode], **OPTIONAL_FEATURES, "SubnetIds": "", "SecurityGroupIds": ""}
    detached = Resolver(template, values).resolve(role)["Policies"][0]["PolicyDocument"]["Statement"]
    ec2 = "arn:aws:ec2:eu-west-1:111122223333:"
    assert [s for s in attached if s not in detached] == [
        {
            "Sid": "CreateNetworkInterfacesOnlyInTheGivenSubnetsAndSecurityGroups",
            "Effect": "Allow",
            "Action": "ec2:CreateNetworkInterface",
            "Resource": [f"{ec2}network-interface/*", f"{ec2}subnet/*", f"{ec2}security-group/*"],
            "Condition": {
                "StringEqualsIfExists": {
                    "ec2:SubnetID": ["subnet-0123456789abcdef0"],
                    "ec2:SecurityGroupID": ["sg-0123456789abcdef0"],
                }
            },
        },
        {
            "Sid": "ManageOwnNetworkInterfaces",
            "Effect": "Allow",
            "Action": ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
            "Resource": f"{ec2}network-interface/*",
        },
        {
            "Sid": "DescribeNetworkInterfacesAndSubnets",
            "Effect": "Allow",
            "Action": ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
            "Resource": "*",
        },
    ]
    assert len(detached) == len(attached) - 3


@pytest.mark.parametrize(("value", "reserved"), [("5", {"ReservedConcurrentExecutions": "5"}), ("0", {})])
def test_reserved_concurrency_zero_means_no_reservation(template, value, reserved):
    resolved = Resolver(template, {**MODE_PARAMETERS["Account"], "FunctionReservedConcurrency": value})
    for entry in ENTRIES:
        properties = resolved.resolve(template["Resources"][f"{camel(entry.name)}Function"]["Properties"])
        assert {k: v for k, v in properties.items() if k == "ReservedConcurrentExecutions"} == reserved


def test_reserved_concurrency_accepts_only_plain_whole_numbers_up_to_1000(template):
    pattern = template["Parameters"]["FunctionReservedConcurrency"]["AllowedPattern"]
    accepted = ["0", "1", "5", "99", "999", "1000"]
    refused = ["", "00", "05", "-1", "1001", "2000", "1.5", " 5"]
    assert [v for v in accepted + refused if re.fullmatch(pattern, v)] == accepted
