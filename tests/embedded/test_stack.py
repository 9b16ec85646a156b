"""The embedded AWS deploys template.yaml's Config rules as a stack of it would create them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest

from smguard.catalogue import discover, load, rule_names
from smguard.demo.embedded_aws import embedded_aws
from smguard.demo.runner import RuleRun, run_rules
from smguard.deploy.naming import CONFORMANCE_PACK_NAME, is_smguard_pack, names, rule_of
from smguard.embedded import stack
from smguard.embedded.stack import StackDeploymentError, deploy_config_rules, pack_rule_names, smguard_template, stack_parameters
from smguard.engine.handler import RuleHandler
from smguard.scan.errors import TemplateError
from smguard.scan.loader import load_template

ACCOUNT = "123456789012"
REGION = "us-east-1"
CHANGE_DETAILS = [
    {"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"},
    {"EventSource": "aws.config", "MessageType": "OversizedConfigurationItemChangeNotification"},
]


@pytest.fixture
def session() -> Iterator[boto3.Session]:
    with embedded_aws(REGION):
        yield boto3.Session(region_name=REGION)


def described(session: boto3.Session, name: str) -> dict:
    rule = session.client("config").describe_config_rules(ConfigRuleNames=[name])["ConfigRules"][0]
    return {key: rule[key] for key in ("ConfigRuleName", "Scope", "Source", "InputParameters") if key in rule}


def pack_rule_name(session: boto3.Session, rule: str) -> str:
    """The name AWS Config gave ``rule`` in the account's smguard conformance pack."""
    compliance = session.client("config").describe_conformance_pack_compliance(ConformancePackName=CONFORMANCE_PACK_NAME)
    [name] = [c["ConfigRuleName"] for c in compliance["ConformancePackRuleComplianceList"] if rule_of(c["ConfigRuleName"], [rule])]
    return name


def function_of(session: boto3.Session, arn: str) -> dict:
    return session.client("lambda").get_function(FunctionName=arn)["Configuration"]


def test_account_scope_creates_every_config_rule_of_the_template_with_its_names_scope_triggers_and_parameters(session):
    deployed = deploy_config_rules(
        session,
        {"DeploymentScope": "Account", "ExemptionsParameterName": "/smguard/exemptions", "VpcFlowLogsTrafficType": "ALL"},
        account_id=ACCOUNT,
    )

    assert [(rule.rule, rule.name) for rule in deployed] == [(entry.name, names(entry.name).config_rule) for entry in discover()]
    assert not any(rule.organization for rule in deployed)
    root = next(rule for rule in deployed if rule.name == "smguard-notebook-root-access")
    [pack] = session.client("config").describe_conformance_packs(ConformancePackNames=[CONFORMANCE_PACK_NAME])["ConformancePackDetails"]
    in_aws = names("notebook_root_access").pack_rule(pack["ConformancePackId"].rpartition("-")[2])
    assert pack_rule_name(session, "notebook_root_access") == in_aws
    assert described(session, in_aws) == {
        "ConfigRuleName": in_aws,
        "Scope": {"ComplianceResourceTypes": ["AWS::SageMaker::NotebookInstance"]},
        "Source": {
            "Owner": "CUSTOM_LAMBDA",
            "SourceIdentifier": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:smguard-notebook-root-access",
            "SourceDetails": CHANGE_DETAILS,
        },
        "InputParameters": json.dumps({"AllowedLifecycleConfigs": "", "ExecutionRoleName": "", "ExemptionsParameterName": "/smguard/exemptions"}),
    }
    function = function_of(session, root.function_arn)
    assert (function["FunctionName"], function["Handler"], function["Role"]) == (
        "smguard-notebook-root-access",
        "rules.notebook_root_access.app.lambda_handler",
        f"arn:aws:iam::{ACCOUNT}:role/smguard-notebook-root-access-{REGION}",
    )
    assert root.lambda_handler() is load("notebook_root_access").handler


def test_a_periodic_rule_gets_its_frequency_in_the_scheduled_trigger(session):
    deployed = deploy_config_rules(session, {}, account_id=ACCOUNT)

    assert "vpc_endpoints" in {rule.rule for rule in deployed}
    details = described(session, pack_rule_name(session, "vpc_endpoints"))["Source"]["SourceDetails"]
    assert {"EventSource": "aws.config", "MessageType": "ScheduledNotification", "MaximumExecutionFrequency": "TwentyFour_Hours"} in details


def test_organization_scope_creates_the_organization_pack_and_no_account_pack(session):
    organizations = session.client("organizations")
    organization_id = organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    member = organizations.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]["AccountId"]
    root_id = organizations.list_roots()["Roots"][0]["Id"]

    deployed = deploy_config_rules(
        session,
        {
            "DeploymentScope": "Organization",
            "OrganizationId": organization_id,
            "StackSetTargetOuIds": root_id,
            "ExcludedAccounts": ACCOUNT,
            "ExemptionsParameterName": "/smguard/exemptions",
        },
        account_id=ACCOUNT,
    )

    assert [rule.name for rule in deployed] == [names(entry.name).config_rule for entry in discover()]
    assert all(rule.organization for rule in deployed)
    config = session.client("config")
    assert config.describe_config_rules()["ConfigRules"] == []  # the management account is excluded
    assert config.describe_conformance_packs()["ConformancePackDetails"] == []
    [pack] = config.describe_organization_conformance_packs(OrganizationConformancePackNames=[CONFORMANCE_PACK_NAME])[
        "OrganizationConformancePacks"
    ]
    assert pack["ExcludedAccounts"] == [ACCOUNT]
    member_config = _config_in(session, member)
    [member_pack] = member_config.describe_conformance_packs()["ConformancePackDetails"]
    assert is_smguard_pack(member_pack["ConformancePackName"]) and member_pack["ConformancePackName"] != CONFORMANCE_PACK_NAME
    in_member = {rule["ConfigRuleName"]: rule for rule in member_config.describe_config_rules()["ConfigRules"]}
    suffix = member_pack["ConformancePackId"].rpartition("-")[2]
    assert sorted(in_member) == sorted(names(entry.name).pack_rule(suffix) for entry in discover())
    root = in_member[names("notebook_root_access").pack_rule(suffix)]
    assert root["Source"]["SourceIdentifier"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:smguard-notebook-root-access"
    assert json.loads(root["InputParameters"]) == {
        "AllowedLifecycleConfigs": "", "ExemptionsParameterName": "/smguard/exemptions", "ExecutionRoleName": "smguard-rule-execution"
    }


def _config_in(session: boto3.Session, account_id: str):
    issued = session.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole", RoleSessionName="test")[
        "Credentials"
    ]
    return boto3.client(
        "config",
        region_name=REGION,
        aws_access_key_id=issued["AccessKeyId"],
        aws_secret_access_key=issued["SecretAccessKey"],
        aws_session_token=issued["SessionToken"],
    )


def test_a_rules_filter_keeps_only_those_rules_of_the_whole_pack(session):
    deployed = deploy_config_rules(session, {}, account_id=ACCOUNT, rules=("vpc_endpoints", "notebook_root_access"))

    assert [(rule.rule, rule.name) for rule in deployed] == [
        ("notebook_root_access", "smguard-notebook-root-access"),
        ("vpc_endpoints", "smguard-vpc-endpoints"),
    ]
    # The pack, as in AWS, holds every rule.
    held = {rule_of(rule["ConfigRuleName"], rule_names()) for rule in session.client("config").describe_config_rules()["ConfigRules"]}
    assert held == set(rule_names())


@pytest.mark.parametrize(
    ("parameters", "rules", "error"),
    [
        ({}, ("notebook_root_access", "no_such_rule"), r"^no_such_rule: no rule of the catalogue \(its rules: .*\)$"),
        ({}, "notebook_root_access", r"^rules must be a collection of rule names, not the string 'notebook_root_access'$"),
    ],
    ids=["unknown-rule", "a-string"],
)
def test_a_rules_filter_the_template_cannot_satisfy_is_refused_before_anything_is_created(session, parameters, rules, error):
    with pytest.raises((StackDeploymentError, TypeError), match=error):
        deploy_config_rules(session, parameters, account_id=ACCOUNT, rules=rules)
    assert session.client("config").describe_config_rules()["ConfigRules"] == []
    assert session.client("lambda").list_functions()["Functions"] == []


def test_a_pack_the_embedded_aws_config_cannot_deploy_is_refused_with_its_status(session):
    template = load_template(stack.REPOSITORY_TEMPLATE)  # a copy of its own, to change
    inputs = template.document["Resources"]["ConformancePack"]["Properties"]["ConformancePackInputParameters"]
    [function] = [item for item in inputs if item["ParameterName"] == "NotebookRootAccessFunctionArn"]
    function["ParameterValue"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:absent"

    with pytest.raises(StackDeploymentError, match=r"^ConformancePack: the conformance pack smguard is CREATE_FAILED: .*NotebookRootAccessConfigRule"):
        deploy_config_rules(session, {}, account_id=ACCOUNT, template=template)
    assert session.client("config").describe_config_rules()["ConfigRules"] == []


def test_a_parameter_the_template_does_not_declare_is_refused(session):
    with pytest.raises(StackDeploymentError, match=r"declares no parameter NotebookRootAccesTypo$"):
        deploy_config_rules(session, {"NotebookRootAccesTypo": "x"}, account_id=ACCOUNT)
    assert session.client("config").describe_config_rules()["ConfigRules"] == []


def test_a_value_the_template_constraints_refuse_is_refused(session):
    with pytest.raises(TemplateError, match=r"parameter DeploymentScope: .* 'Everything' is not in AllowedValues \(Account, Organization\)"):
        deploy_config_rules(session, {"DeploymentScope": "Everything"}, account_id=ACCOUNT)


def test_without_the_repository_template_the_generated_one_deploys_the_same_rules(session, monkeypatch):
    from_file = smguard_template()
    monkeypatch.setattr(stack, "REPOSITORY_TEMPLATE", Path("/nonexistent/template.yaml"))
    generated = smguard_template()

    assert str(generated.path) == "template.yaml (generated from the catalogue)"
    rule_types = ("AWS::Config::ConformancePack", "AWS::Config::OrganizationConformancePack", "AWS::Serverless::Function", "AWS::IAM::Role")
    assert {
        logical_id: resource for logical_id, resource in generated.document["Resources"].items() if resource["Type"] in rule_types
    } == {logical_id: resource for logical_id, resource in from_file.document["Resources"].items() if resource["Type"] in rule_types}
    assert generated.document["Parameters"].items() <= from_file.document["Parameters"].items()
    assert [rule.name for rule in deploy_config_rules(session, {}, account_id=ACCOUNT, template=generated)] == [
        names(entry.name).config_rule for entry in discover()
    ]


def test_stack_parameters_map_each_rules_config_parameters_to_the_template_parameters():
    entries = discover()
    assert stack_parameters(
        {
            "vpc_flow_logs": {"LogDestinations": "arn:aws:s3:::logs", "ExemptionsParameterName": "/x"},
            "sagemaker_kms": {"RequireCustomerManagedKey": "true", "ExemptionsParameterName": "/x"},
        },
        entries,
    ) == {"VpcFlowLogsLogDestinations": "arn:aws:s3:::logs", "SagemakerKmsRequireCustomerManagedKey": "true", "ExemptionsParameterName": "/x"}


@pytest.mark.parametrize(
    ("given", "error"),
    [
        (
            {"vpc_flow_logs": {"ExemptionsParameterName": "/a"}, "sagemaker_kms": {"ExemptionsParameterName": "/b"}},
            "ExemptionsParameterName is one stack parameter for every rule; sagemaker_kms is given '/b', another rule '/a'",
        ),
        ({"vpc_flow_logs": {"Destinations": "x"}}, "vpc_flow_logs has no parameter 'Destinations' (its parameters: "),
        ({"no_such_rule": {}}, "parameters for 'no_such_rule', which is no rule of the catalogue"),
    ],
    ids=["engine-parameter-differs", "unknown-parameter", "unknown-rule"],
)
def test_stack_parameters_refuse_what_one_stack_cannot_express(given, error):
    with pytest.raises(StackDeploymentError) as raised:
        stack_parameters(given, discover())
    assert str(raised.value).startswith(error)


def test_the_runner_invokes_a_rule_as_deployed_and_its_results_are_stored_under_its_aws_name(session, monkeypatch):
    events = []
    original = RuleHandler.__call__

    def spy(self, event, context):
        events.append(event)
        return original(self, event, context)

    monkeypatch.setattr(RuleHandler, "__call__", spy)
    role = session.client("iam").create_role(RoleName="notebooks", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    session.client("sagemaker").create_notebook_instance(
        NotebookInstanceName="scratch", InstanceType="ml.t3.medium", RoleArn=role, RootAccess="Enabled"
    )
    deployed = [rule for rule in deploy_config_rules(session, {}, account_id=ACCOUNT) if rule.name == "smguard-notebook-root-access"]

    runs = run_rules(session, deployed, account_id=ACCOUNT, now=datetime(2026, 12, 1, tzinfo=timezone.utc))

    in_aws = pack_rule_name(session, "notebook_root_access")
    assert runs == [RuleRun("notebook_root_access", in_aws, ACCOUNT, 1, 0)]
    config = session.client("config")
    [rule] = config.describe_config_rules(ConfigRuleNames=[in_aws])["ConfigRules"]
    [event] = events
    assert (event["configRuleName"], event["configRuleArn"], event["configRuleId"], event["ruleParameters"], event["accountId"]) == (
        rule["ConfigRuleName"], rule["ConfigRuleArn"], rule["ConfigRuleId"], rule["InputParameters"], ACCOUNT
    )  # fmt: skip
    assert json.loads(event["invokingEvent"])["configurationItem"]["resourceId"] == "scratch"
    [result] = config.get_compliance_details_by_config_rule(ConfigRuleName=in_aws)["EvaluationResults"]
    assert (result["ComplianceType"], result["Annotation"]) == (
        "NON_COMPLIANT",
        "RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).",
    )


def test_an_account_holding_its_own_pack_and_the_organizations_copy_must_name_the_pack(session):
    organizations = session.client("organizations")
    organization_id = organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    member_id = organizations.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]["AccountId"]
    root_id = organizations.list_roots()["Roots"][0]["Id"]
    deploy_config_rules(
        session, {"DeploymentScope": "Organization", "OrganizationId": organization_id, "StackSetTargetOuIds": root_id}, account_id=ACCOUNT
    )
    issued = session.client("sts").assume_role(RoleArn=f"arn:aws:iam::{member_id}:role/OrganizationAccountAccessRole", RoleSessionName="test")
    member = boto3.Session(
        aws_access_key_id=issued["Credentials"]["AccessKeyId"],
        aws_secret_access_key=issued["Credentials"]["SecretAccessKey"],
        aws_session_token=issued["Credentials"]["SessionToken"],
        region_name=REGION,
    )
    # The member account also deploys smguard itself, in account mode.
    own = {rule.rule: rule.config_rule_name for rule in deploy_config_rules(member, {}, account_id=member_id)}
    config = member.client("config")
    [copy] = [d["ConformancePackName"] for d in config.describe_conformance_packs()["ConformancePackDetails"] if d["ConformancePackName"] != "smguard"]

    with pytest.raises(stack.AmbiguousPackError, match=f"^the account holds the smguard conformance packs {copy}, smguard: name one$"):
        pack_rule_names(config)
    assert pack_rule_names(config, CONFORMANCE_PACK_NAME) == own
    copied = pack_rule_names(config, copy)
    assert sorted(copied) == sorted(own) and set(own.values()).isdisjoint(copied.values())  # two packs, two suffixes
