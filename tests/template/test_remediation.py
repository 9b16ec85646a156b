"""Remediation: derived from each rule's declared fix, in the conformance pack of either mode, manual by
default, automatic only when asked, the fix that stops a notebook only with its own opt-in; its roles and
runbook in this account (account mode) or in every member account (organization mode)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from smguard.catalogue import discover
from smguard.deploy.naming import camel, names
from smguard.deploy.remediation import (
    UnknownRunbookError,
    UnknownStackParameterError,
    remediation_configuration,
    remediation_resources,
)
from smguard.engine import Remediation, RuleDefinitionError
from tests.template.conftest import MODE_PARAMETERS, deployed_pack, resolver
from tests.template.intrinsics import Resolver

ENTRIES = discover()
FIXED = [entry for entry in ENTRIES if entry.rule.remediation is not None]
DESTINATION = "arn:aws:s3:::central-flow-logs"


def configuration(template, entry, mode="Account", **values):
    """(whether the pack creates the rule's remediation, its resolved properties) for a stack given ``values``."""
    pack = deployed_pack(template, {**MODE_PARAMETERS[mode], **values})
    resource = pack.template["Resources"][f"{camel(entry.name)}Remediation"]
    assert resource["DependsOn"] == [f"{camel(entry.name)}ConfigRule"]
    return pack.condition(resource["Condition"]), pack.resolve(resource["Properties"])


def member_template(template, **values):
    """The member-account StackSet template, with the parameters the stack passes it."""
    stack_set = Resolver(template, {**MODE_PARAMETERS["Organization"], **values}).resolve(
        template["Resources"]["ExecutionRoleStackSet"]["Properties"]
    )
    member = json.loads(stack_set["TemplateBody"])
    return Resolver(member, {item["ParameterKey"]: item["ParameterValue"] for item in stack_set["Parameters"]})


def test_every_rule_has_a_fix_or_says_why_not():
    assert {entry.name for entry in FIXED} == {"notebook_root_access", "vpc_default_sg", "vpc_flow_logs"}
    assert all(entry.metadata.no_remediation for entry in ENTRIES if entry not in FIXED)


@pytest.mark.parametrize("entry", FIXED, ids=lambda entry: entry.name)
@pytest.mark.parametrize("mode", ["Account", "Organization"])
def test_manual_by_default_with_the_runbook_the_resource_and_the_role(template, mode, entry):
    remediation = entry.rule.remediation
    deployed, properties = configuration(template, entry, mode, FlowLogRemediationDestinationArn=DESTINATION)
    assert deployed
    parameters = properties.pop("Parameters")
    assert parameters.pop(remediation.resource_id_parameter) == {"ResourceValue": {"Value": "RESOURCE_ID"}}
    # The role by its name in whichever account the pack runs in (the pack's own pseudo parameters).
    assert parameters.pop("AutomationAssumeRole") == {
        "StaticValue": {"Values": [f"arn:aws:iam::111122223333:role/{names(entry.name).remediation_role('eu-west-1')}"]}
    }
    assert set(parameters) == {*remediation.static_parameters, *remediation.rule_parameters, *remediation.stack_parameters}
    assert properties == {
        # The declared name: AWS Config attaches it to the rule the pack creates from that declaration.
        "ConfigRuleName": names(entry.name).config_rule,
        "TargetType": "SSM_DOCUMENT",
        "TargetId": remediation.runbook,
        "Automatic": False,
        "MaximumAutomaticAttempts": "3",
        "RetryAttemptSeconds": "300",
        "ResourceType": entry.rule.resource_types[0],
    }


@pytest.mark.parametrize(
    ("opt_in", "expected"),
    [("false", {"notebook_root_access": False, "vpc_default_sg": True, "vpc_flow_logs": True}),
     ("true", {"notebook_root_access": True, "vpc_default_sg": True, "vpc_flow_logs": True})],
)  # fmt: skip
def test_automatic_mode_never_stops_a_notebook_without_its_own_opt_in(template, opt_in, expected):
    automatic = {
        entry.name: configuration(
            template, entry, RemediationMode="Automatic", AutomaticRemediationThatInterruptsUsers=opt_in,
            FlowLogRemediationDestinationArn=DESTINATION,
        )[1]["Automatic"]
        for entry in FIXED
    }  # fmt: skip
    assert automatic == expected


def test_the_opt_in_alone_makes_nothing_automatic(template):
    assert {
        entry.name: configuration(template, entry, AutomaticRemediationThatInterruptsUsers="true")[1]["Automatic"] for entry in FIXED
    } == {entry.name: False for entry in FIXED}


def test_the_flow_log_fix_takes_the_rules_deployed_traffic_and_interval_or_the_rules_defaults(template):
    [flow_logs] = [entry for entry in FIXED if entry.name == "vpc_flow_logs"]
    _, defaults = configuration(template, flow_logs, FlowLogRemediationDestinationArn=DESTINATION)
    _, given = configuration(
        template, flow_logs, FlowLogRemediationDestinationArn=DESTINATION, VpcFlowLogsTrafficType="REJECT", VpcFlowLogsMaxAggregationInterval="60"
    )
    values = lambda properties: {k: v["StaticValue"]["Values"] for k, v in properties["Parameters"].items() if k not in ("AutomationAssumeRole", "VpcId")}
    assert values(defaults) == {"TrafficType": ["ALL"], "MaxAggregationInterval": ["600"], "LogDestination": [DESTINATION]}
    assert values(given) == {"TrafficType": ["REJECT"], "MaxAggregationInterval": ["60"], "LogDestination": [DESTINATION]}


@pytest.mark.parametrize("mode", ["Account", "Organization"])
def test_no_flow_log_fix_without_a_destination_and_none_at_all_in_mode_none(template, mode):
    [flow_logs] = [entry for entry in FIXED if entry.name == "vpc_flow_logs"]
    assert configuration(template, flow_logs, mode)[0] is False
    for entry in FIXED:
        assert configuration(template, entry, mode, RemediationMode="None", FlowLogRemediationDestinationArn=DESTINATION)[0] is False


@pytest.mark.parametrize(
    ("values", "created"),
    [({"FlowLogRemediationDestinationArn": DESTINATION}, {"VpcDefaultSg", "NotebookRootAccess", "VpcFlowLogs", "EnableVpcFlowLog"}),
     ({}, {"VpcDefaultSg", "NotebookRootAccess"}),
     ({"RemediationMode": "None", "FlowLogRemediationDestinationArn": DESTINATION}, set())],
)  # fmt: skip
def test_roles_and_runbook_exist_in_this_account_in_account_mode_and_in_each_member_account_in_organization_mode(
    template, values, created
):
    def stems(resolved, resources):
        return {
            logical_id.removesuffix("RemediationRole").removesuffix("Runbook")
            for logical_id, resource in resources.items()
            if resource["Type"] in ("AWS::IAM::Role", "AWS::SSM::Document") and logical_id.endswith(("RemediationRole", "Runbook"))
            and resolved.resource_exists(logical_id)
        }

    account = Resolver(template, {**MODE_PARAMETERS["Account"], **values})
    organization = Resolver(template, {**MODE_PARAMETERS["Organization"], **values})
    member = member_template(template, **values)
    assert stems(account, template["Resources"]) == created
    assert stems(organization, template["Resources"]) == set()
    assert stems(member, member.template["Resources"]) == created


def test_the_account_pack_waits_for_the_roles_and_runbook_the_organization_pack_for_the_stack_set(template):
    resolved = Resolver(template, {**MODE_PARAMETERS["Account"], "FlowLogRemediationDestinationArn": DESTINATION})
    account = template["Resources"]["ConformancePack"]
    assert "RemediationReady" in account["DependsOn"]
    waited = resolved.resolve(template["Resources"]["RemediationReady"]["Metadata"])["Remediation"]
    assert waited == {f"{camel(e.name)}RemediationRole": f"{camel(e.name)}RemediationRole" for e in FIXED} | {
        "EnableVpcFlowLogRunbook": "EnableVpcFlowLogRunbook"
    }
    assert "ExecutionRoleStackSet" in template["Resources"]["OrganizationConformancePack"]["DependsOn"]


@pytest.mark.parametrize("entry", FIXED, ids=lambda entry: entry.name)
@pytest.mark.parametrize("mode", ["Account", "Organization"])
def test_each_fix_runs_as_its_own_role_trusted_by_this_accounts_automation_only(template, mode, entry):
    logical_id = f"{camel(entry.name)}RemediationRole"
    if mode == "Account":
        role = resolver(template, "Account").resolve(template["Resources"][logical_id]["Properties"])
    else:  # the member account's own ID and region (the resolver's pseudo parameters)
        member = member_template(template)
        role = member.resolve(member.template["Resources"][logical_id]["Properties"])
    assert role["RoleName"] == names(entry.name).remediation_role("eu-west-1")
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust == {
        "Effect": "Allow",
        "Principal": {"Service": "ssm.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": "111122223333"},
            "ArnLike": {"aws:SourceArn": "arn:aws:ssm:eu-west-1:111122223333:automation-execution/*"},
        },
    }
    [policy] = role["Policies"]
    granted = {action for statement in policy["PolicyDocument"]["Statement"] for action in statement["Action"]}
    assert granted == set(entry.rule.remediation.actions)


def test_a_declared_smguard_runbook_the_template_does_not_create_stops_the_generator():
    [flow_logs] = [entry for entry in FIXED if entry.name == "vpc_flow_logs"]
    rule = flow_logs.rule
    unknown = replace(rule.remediation, runbook="smguard-Unknown")
    with pytest.raises(UnknownRunbookError, match="smguard-Unknown is declared as smguard's own runbook"):
        remediation_resources([replace(flow_logs, handler=_with_remediation(flow_logs.handler, unknown))])
    other = replace(rule.remediation, stack_parameters={"LogDestination": "Nowhere"})
    with pytest.raises(UnknownStackParameterError, match="takes the template parameter Nowhere"):
        changed = replace(flow_logs, handler=_with_remediation(flow_logs.handler, other))
        remediation_configuration(changed, other, "VpcFlowLogsConfigRule")


def _with_remediation(handler, remediation):
    rule_class = type(handler.rule)
    copy = type("Copy", (rule_class,), {"name": handler.rule.name, "remediation": remediation, "__module__": "tests.fake"})
    return type(handler)(copy())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"runbook": "a b"}, "remediation runbook 'a b' is not an SSM document name"),
        ({"actions": ()}, r"actions \(\) must be IAM actions like ec2:DescribeVpcs"),
        ({"static_parameters": {"AutomationAssumeRole": "x"}}, "AutomationAssumeRole is the template's"),
        ({"static_parameters": {"GroupId": "x"}}, "each runbook parameter is given once"),
    ],
)
def test_a_malformed_declaration_is_refused_naming_what_is_wrong(changes, message):
    declared = {"runbook": "AWS-Runbook", "resource_id_parameter": "GroupId", "actions": ("ec2:DescribeSecurityGroups",), "reference": "x"}
    with pytest.raises(RuleDefinitionError, match=message):
        Remediation(**{**declared, **changes})


def test_a_remediation_taking_a_parameter_the_rule_lacks_is_refused():
    from smguard.engine import SmguardRule

    with pytest.raises(RuleDefinitionError, match="remediation takes Missing, which is no parameter of the rule"):
        type(
            "Broken",
            (SmguardRule,),
            {
                "name": "broken",
                "__module__": "tests.fake",
                "resource_types": ("AWS::EC2::VPC",),
                "remediation": Remediation("AWS-Runbook", "VpcId", ("ec2:DescribeVpcs",), "x", rule_parameters={"P": "Missing"}),
            },
        )
