"""The embedded AWS's conformance packs, through real boto3 clients: the pack template deployed as
rules and remediations, their protection, the compliance APIs and score, and organization packs.

The pack templates are written here by hand in the shape template.yaml's pack has (parameters named
like the outer template's, ``<Rule>ConfigRule`` and ``<Rule>Remediation`` resources)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import yaml

from smguard.deploy.naming import CONFORMANCE_PACK_INFIX, names
from smguard.embedded.conformance_packs import CONFORMS_SERVICE_PRINCIPAL
from tests.embedded.conftest import ACCOUNT, REGION, T0, Account, evaluation
from tests.embedded.test_config_compliance import error_of
from tests.embedded.test_remediation import automation_role, open_default_group  # noqa: F401 (a fixture)
from tests.support.functions import placeholder_function

PACK = "smguard"
ROOT_ACCESS = names("notebook_root_access").config_rule
DEFAULT_SG = names("vpc_default_sg").config_rule
NOTEBOOK = "AWS::SageMaker::NotebookInstance"
GROUP = "AWS::EC2::SecurityGroup"


def rule_resource(declared: str, function_parameter: str, resource_type: str, **extra) -> dict:
    return {
        "Type": "AWS::Config::ConfigRule",
        "Properties": {
            "ConfigRuleName": declared,
            "Description": f"{declared} (test)",
            "Scope": {"ComplianceResourceTypes": [resource_type]},
            "Source": {
                "Owner": "CUSTOM_LAMBDA",
                "SourceIdentifier": {"Ref": function_parameter},
                "SourceDetails": [{"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"}],
            },
            **extra,
        },
    }


def pack_template(*, default_sg: bool = True, extra_resources: dict | None = None) -> dict:
    """A pack of smguard-notebook-root-access (with its remediation) and smguard-vpc-default-sg."""
    resources = {
        "NotebookRootAccessConfigRule": rule_resource(
            ROOT_ACCESS,
            "NotebookRootAccessFunctionArn",
            NOTEBOOK,
            InputParameters={"AllowedRoleArns": {"Fn::If": ["HasAllowedRoles", {"Ref": "AllowedRoleArns"}, {"Ref": "AWS::NoValue"}]}},
        ),
        "NotebookRootAccessRemediation": {
            "Type": "AWS::Config::RemediationConfiguration",
            "Condition": "RemediationOn",
            "DependsOn": "NotebookRootAccessConfigRule",
            "Properties": {
                "ConfigRuleName": ROOT_ACCESS,
                "TargetType": "SSM_DOCUMENT",
                "TargetId": "AWS-DisableSageMakerNotebookRootAccess",
                "Automatic": {"Fn::If": ["AutomaticRemediation", True, False]},
                "MaximumAutomaticAttempts": {"Ref": "RemediationMaximumAutomaticAttempts"},
                "RetryAttemptSeconds": 60,
                "Parameters": {
                    "AutomationAssumeRole": {
                        "StaticValue": {
                            "Values": [
                                {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/smguard-notebook-root-access-remediation-${AWS::Region}"}
                            ]
                        }
                    },
                    "NotebookInstanceName": {"ResourceValue": {"Value": "RESOURCE_ID"}},
                },
            },
        },
    }
    if default_sg:
        resources["VpcDefaultSgConfigRule"] = rule_resource(DEFAULT_SG, "VpcDefaultSgFunctionArn", GROUP)
    resources.update(extra_resources or {})
    return {
        "Parameters": {
            "NotebookRootAccessFunctionArn": {"Type": "String"},
            "VpcDefaultSgFunctionArn": {"Type": "String", "Default": ""},
            "AllowedRoleArns": {"Type": "String", "Default": ""},
            "RemediationMode": {"Type": "String", "Default": "Manual", "AllowedValues": ["None", "Manual", "Automatic"]},
            "RemediationMaximumAutomaticAttempts": {"Type": "String", "Default": "5"},
        },
        "Conditions": {
            "RemediationOn": {"Fn::Not": [{"Fn::Equals": [{"Ref": "RemediationMode"}, "None"]}]},
            "AutomaticRemediation": {"Fn::Equals": [{"Ref": "RemediationMode"}, "Automatic"]},
            "HasAllowedRoles": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AllowedRoleArns"}, ""]}]},
        },
        "Resources": resources,
    }


def body(template: dict) -> str:
    return yaml.safe_dump(template, sort_keys=False)


def inputs(account: Account, **values: str) -> list[dict]:
    given = {
        "NotebookRootAccessFunctionArn": placeholder_function(account.session, ROOT_ACCESS),
        "VpcDefaultSgFunctionArn": placeholder_function(account.session, DEFAULT_SG),
        **values,
    }
    return [{"ParameterName": name, "ParameterValue": value} for name, value in given.items()]


def put_pack(account: Account, template: dict | None = None, name: str = PACK, **values: str) -> str:
    return account.config.put_conformance_pack(
        ConformancePackName=name, TemplateBody=body(template or pack_template()), ConformancePackInputParameters=inputs(account, **values)
    )["ConformancePackArn"]


def rules_by_declared(account: Account) -> dict[str, dict]:
    """The account's rules a pack created, by the name the template declares; each is named with
    its pack's ID (``<declared>-conformance-pack-<the pack ID's suffix>``)."""
    pack_ids = {detail["ConformancePackId"] for detail in account.config.describe_conformance_packs()["ConformancePackDetails"]}
    found = {}
    for rule in account.config.describe_config_rules()["ConfigRules"]:
        declared, infix, suffix = rule["ConfigRuleName"].rpartition(CONFORMANCE_PACK_INFIX)
        if infix:
            assert f"conformance-pack-{suffix}" in pack_ids, rule["ConfigRuleName"]
            found[declared] = rule
    return found


def remediation(account: Account, rule_name: str) -> dict | None:
    found = account.config.describe_remediation_configurations(ConfigRuleNames=[rule_name])["RemediationConfigurations"]
    return found[0] if found else None


def template_error(account: Account, template: dict, **values: str) -> tuple[str, str]:
    return error_of(
        account.config.put_conformance_pack, ConformancePackName=PACK, TemplateBody=body(template), ConformancePackInputParameters=inputs(account, **values)
    )


def score(account: Account, name: str = PACK) -> str:
    [row] = account.config.list_conformance_pack_compliance_scores(Filters={"ConformancePackNames": [name]})["ConformancePackComplianceScores"]
    return row["Score"]


def post(account: Account, rule: str, resource_type: str, *results: tuple[str, str], at=T0) -> None:
    account.config.put_evaluations(
        Evaluations=[{**evaluation(resource_id, compliance, None, at), "ComplianceResourceType": resource_type} for resource_id, compliance in results],
        ResultToken=account.token(rule),
    )


def pages_of(call, **kwargs) -> list[dict]:
    """Every page of a listing botocore has no paginator for, following NextToken."""
    pages = [call(**kwargs)]
    while "NextToken" in pages[-1]:
        pages.append(call(**kwargs, NextToken=pages[-1]["NextToken"]))
    return pages


class TestPutConformancePack:
    def test_creates_each_declared_rule_under_the_packs_name_owned_by_the_conforms_service(self, account):
        arn = put_pack(account)
        [detail] = account.config.describe_conformance_packs()["ConformancePackDetails"]
        pack_id = detail["ConformancePackId"]
        assert re.fullmatch("conformance-pack-[a-z0-9]{9}", pack_id)
        assert arn == f"arn:aws:config:{REGION}:{ACCOUNT}:conformance-pack/{PACK}/{pack_id}"
        assert {key: value for key, value in detail.items() if key != "LastUpdateRequestedTime"} == {
            "ConformancePackName": PACK,
            "ConformancePackArn": arn,
            "ConformancePackId": pack_id,
            "ConformancePackInputParameters": inputs(account),
        }
        rules = rules_by_declared(account)
        assert sorted(rules) == [ROOT_ACCESS, DEFAULT_SG]
        root = rules[ROOT_ACCESS]
        assert names("notebook_root_access").is_named(root["ConfigRuleName"])
        assert root["CreatedBy"] == CONFORMS_SERVICE_PRINCIPAL
        assert root["Source"]["SourceIdentifier"] == placeholder_function(account.session, ROOT_ACCESS)
        assert (root["Scope"], root["Description"], json.loads(root["InputParameters"])) == (
            {"ComplianceResourceTypes": [NOTEBOOK]},
            f"{ROOT_ACCESS} (test)",
            {},
        )

    def test_the_status_names_the_stack_aws_config_deploys(self, account):
        put_pack(account)
        [status] = account.config.describe_conformance_pack_status()["ConformancePackStatusDetails"]
        pack_id = status["ConformancePackId"]
        assert status["ConformancePackState"] == "CREATE_COMPLETE"
        assert re.fullmatch(
            rf"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/awsconfigconforms-{PACK}-{pack_id}/[0-9a-f-]{{36}}", status["StackArn"]
        )
        assert "ConformancePackStatusReason" not in status
        assert account.config.describe_conformance_pack_status(ConformancePackNames=["absent"])["ConformancePackStatusDetails"] == []

    def test_the_remediation_is_attached_to_the_rule_its_declared_name_names(self, account):
        put_pack(account, RemediationMaximumAutomaticAttempts="3")
        rule = rules_by_declared(account)[ROOT_ACCESS]["ConfigRuleName"]
        configuration = remediation(account, rule)
        assert configuration is not None
        assert {key: configuration[key] for key in ("ConfigRuleName", "TargetId", "Automatic", "MaximumAutomaticAttempts", "RetryAttemptSeconds")} == {
            "ConfigRuleName": rule,
            "TargetId": "AWS-DisableSageMakerNotebookRootAccess",
            "Automatic": False,
            "MaximumAutomaticAttempts": 3,
            "RetryAttemptSeconds": 60,
        }
        assert configuration["Parameters"]["AutomationAssumeRole"] == {
            "StaticValue": {"Values": [f"arn:aws:iam::{ACCOUNT}:role/smguard-notebook-root-access-remediation-{REGION}"]}
        }
        assert remediation(account, rules_by_declared(account)[DEFAULT_SG]["ConfigRuleName"]) is None

    def test_conditions_and_input_parameters_decide_what_is_deployed(self, account):
        put_pack(account, RemediationMode="Automatic", AllowedRoleArns="arn:aws:iam::111122223333:role/admin")
        rule = rules_by_declared(account)[ROOT_ACCESS]
        assert json.loads(rule["InputParameters"]) == {"AllowedRoleArns": "arn:aws:iam::111122223333:role/admin"}
        assert remediation(account, rule["ConfigRuleName"])["Automatic"] is True
        put_pack(account, RemediationMode="None")
        assert remediation(account, rule["ConfigRuleName"]) is None

    def test_an_update_keeps_the_rules_it_still_declares_with_their_results_and_deletes_the_others(self, account):
        put_pack(account)
        before = rules_by_declared(account)
        root = before[ROOT_ACCESS]["ConfigRuleName"]
        post(account, root, NOTEBOOK, ("nb-1", "NON_COMPLIANT"))
        put_pack(account, pack_template(default_sg=False))
        after = rules_by_declared(account)
        assert list(after) == [ROOT_ACCESS]
        assert (after[ROOT_ACCESS]["ConfigRuleName"], after[ROOT_ACCESS]["ConfigRuleId"]) == (root, before[ROOT_ACCESS]["ConfigRuleId"])
        assert account.config.get_compliance_details_by_config_rule(ConfigRuleName=root)["EvaluationResults"][0]["ComplianceType"] == "NON_COMPLIANT"
        [status] = account.config.describe_conformance_pack_status()["ConformancePackStatusDetails"]
        assert status["ConformancePackState"] == "UPDATE_COMPLETE"
        put_pack(account)
        # Declared again: a new rule (the pack's suffix, so the same name), without the deleted one's results.
        again = rules_by_declared(account)[DEFAULT_SG]
        assert (again["ConfigRuleName"], again["ConfigRuleId"] != before[DEFAULT_SG]["ConfigRuleId"]) == (before[DEFAULT_SG]["ConfigRuleName"], True)
        assert account.config.get_compliance_details_by_config_rule(ConfigRuleName=again["ConfigRuleName"])["EvaluationResults"] == []

    def test_a_rule_that_cannot_be_created_fails_the_deployment_and_changes_nothing(self, account):
        template = pack_template()
        template["Parameters"]["VpcDefaultSgFunctionArn"]["Default"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:absent"
        arn = account.config.put_conformance_pack(
            ConformancePackName=PACK,
            TemplateBody=body(template),
            ConformancePackInputParameters=[{"ParameterName": "NotebookRootAccessFunctionArn", "ParameterValue": placeholder_function(account.session, ROOT_ACCESS)}],
        )["ConformancePackArn"]
        [status] = account.config.describe_conformance_pack_status()["ConformancePackStatusDetails"]
        assert (status["ConformancePackArn"], status["ConformancePackState"]) == (arn, "CREATE_FAILED")
        assert status["ConformancePackStatusReason"].startswith("VpcDefaultSgConfigRule: InsufficientPermissionsException: ")
        assert rules_by_declared(account) == {}
        assert account.config.describe_remediation_configurations(ConfigRuleNames=[])["RemediationConfigurations"] == []


    def test_a_failed_update_keeps_the_previous_deployment(self, account):
        put_pack(account)
        before = rules_by_declared(account)
        template = pack_template()
        template["Resources"]["NotebookRootAccessRemediation"]["Properties"]["TargetId"] = "absent-runbook"
        put_pack(account, template)
        [status] = account.config.describe_conformance_pack_status()["ConformancePackStatusDetails"]
        assert (status["ConformancePackState"], status["ConformancePackStatusReason"]) == (
            "UPDATE_FAILED",
            "NotebookRootAccessRemediation: InvalidParameterValueException: The SSM document absent-runbook does not exist in this account.",
        )
        assert rules_by_declared(account) == before
        assert remediation(account, before[ROOT_ACCESS]["ConfigRuleName"])["TargetId"] == "AWS-DisableSageMakerNotebookRootAccess"


class TestRefusedTemplates:
    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                lambda t: t["Resources"].update({"Bucket": {"Type": "AWS::S3::Bucket"}}),
                "TemplateBody: Resources.Bucket has Type AWS::S3::Bucket; a conformance pack template holds only "
                "AWS::Config::ConfigRule and AWS::Config::RemediationConfiguration",
            ),
            (
                lambda t: t["Resources"]["NotebookRootAccessConfigRule"]["Properties"].update({"Description": {"Fn::Join": ["-", ["a", "b"]]}}),
                "Fn::Join is not interpreted by the embedded AWS in a conformance pack template",
            ),
            (
                lambda t: t["Resources"]["NotebookRootAccessConfigRule"]["Properties"].update({"Description": {"Fn::Sub": "${AWS::StackName}"}}),
                "Ref AWS::StackName: the embedded AWS interprets only the pseudo parameters AWS::AccountId, AWS::Region, AWS::Partition, AWS::NoValue",
            ),
            (
                lambda t: t["Resources"]["NotebookRootAccessRemediation"]["Properties"].update({"ConfigRuleName": "smguard-other"}),
                "TemplateBody: Resources.NotebookRootAccessRemediation.ConfigRuleName smguard-other is the declared name of no ConfigRule "
                f"the template creates ({ROOT_ACCESS}, {DEFAULT_SG})",
            ),
            (
                lambda t: t["Resources"]["NotebookRootAccessRemediation"].update({"DependsOn": "Absent"}),
                "TemplateBody: Resources.NotebookRootAccessRemediation: DependsOn Absent names no resource of the template",
            ),
            (
                lambda t: t["Parameters"].update({"Extra": {"Type": "String"}}),
                "TemplateBody: parameter Extra has no Default and no input parameter gives it a value",
            ),
            (lambda t: t.update({"Outputs": {}}), "TemplateBody: the section(s) Outputs are not interpreted by the embedded AWS"),
        ],
    )
    def test_what_the_embedded_aws_does_not_deploy_is_refused_naming_it(self, account, change, message):
        template = pack_template()
        change(template)
        code, text = template_error(account, template)
        assert code == "ConformancePackTemplateValidationException"
        assert message in text
        assert account.config.describe_conformance_packs()["ConformancePackDetails"] == []

    def test_an_input_parameter_the_template_does_not_declare_is_refused(self, account):
        assert template_error(account, pack_template(), Unknown="x") == (
            "ConformancePackTemplateValidationException",
            "TemplateBody: the input parameter(s) Unknown are not declared in its Parameters",
        )

    def test_a_value_outside_allowed_values_is_refused(self, account):
        code, text = template_error(account, pack_template(), RemediationMode="Sometimes")
        assert code == "ConformancePackTemplateValidationException"
        assert re.fullmatch(
            r"TemplateBody:\d+: parameter RemediationMode: input parameter value 'Sometimes' is not in AllowedValues \(None, Manual, Automatic\)", text
        ), text

    def test_parameter_length_and_value_bounds_hold(self, account):
        template = pack_template()
        template["Parameters"]["AllowedRoleArns"]["MaxLength"] = 5
        code, text = template_error(account, template, AllowedRoleArns="arn:aws:iam::111122223333:role/admin")
        assert code == "ConformancePackTemplateValidationException"
        assert text.endswith("parameter AllowedRoleArns: input parameter value 'arn:aws:iam::111122223333:role/admin' breaks its MaxLength 5"), text
        template = pack_template()
        template["Parameters"]["RemediationMaximumAutomaticAttempts"].update({"Type": "Number", "MinValue": 1, "MaxValue": 25})
        code, text = template_error(account, template, RemediationMaximumAutomaticAttempts="26")
        assert text.endswith("parameter RemediationMaximumAutomaticAttempts: input parameter value '26' breaks its MaxValue 25"), text

    @pytest.mark.parametrize(
        ("description", "message"),
        [
            ({"Ref": "VpcDefaultSgConfigRule"}, "Ref VpcDefaultSgConfigRule (a resource) is not interpreted by the embedded AWS"),
            (
                {"Fn::Sub": "${VpcDefaultSgConfigRule.Arn}"},
                "TemplateBody: Resources.NotebookRootAccessConfigRule.Description: NotebookRootAccessConfigRule.Description is "
                "!Sub ${VpcDefaultSgConfigRule.Arn}, and VpcDefaultSgConfigRule is a resource of this template",
            ),
            ({"Fn::Sub": ["${A}", {"A": "a"}]}, "Fn::Sub with a variable map is not interpreted by the embedded AWS; use its string form"),
            ({"Fn::GetAtt": ["VpcDefaultSgConfigRule", "Arn"]}, "Fn::GetAtt is not interpreted by the embedded AWS"),
        ],
    )
    def test_references_to_resources_are_refused(self, account, description, message):
        template = pack_template()
        template["Resources"]["NotebookRootAccessConfigRule"]["Properties"]["Description"] = description
        code, text = template_error(account, template)
        assert (code, message in text) == ("ConformancePackTemplateValidationException", True), text

    def test_a_json_template_with_a_number_parameter_deploys_and_a_non_number_is_refused(self, account):
        template = pack_template(default_sg=False)
        template["Parameters"]["RemediationMaximumAutomaticAttempts"]["Type"] = "Number"
        account.config.put_conformance_pack(ConformancePackName=PACK, TemplateBody=json.dumps(template), ConformancePackInputParameters=inputs(account))
        rule = rules_by_declared(account)[ROOT_ACCESS]["ConfigRuleName"]
        assert remediation(account, rule)["MaximumAutomaticAttempts"] == 5
        assert template_error(account, template, RemediationMaximumAutomaticAttempts="five") == (
            "ConformancePackTemplateValidationException",
            "TemplateBody: parameter RemediationMaximumAutomaticAttempts is a Number, not 'five'",
        )

    def test_templates_from_s3_or_ssm_are_not_implemented_and_one_source_is_required(self, account):
        assert error_of(account.config.put_conformance_pack, ConformancePackName=PACK, TemplateS3Uri="s3://bucket/pack.yaml") == (
            "UnsupportedByEmbeddedAWSException",
            "The embedded AWS does not implement TemplateS3Uri (a conformance pack template read from Amazon S3); give the template as TemplateBody.",
        )
        both = error_of(account.config.put_conformance_pack, ConformancePackName=PACK, TemplateS3Uri="s3://b/p.yaml", TemplateBody="Resources: {}")
        assert both == (
            "InvalidParameterValueException",
            "You must specify exactly one of the following parameters: TemplateS3Uri, TemplateBody or TemplateSSMDocumentDetails.",
        )

    def test_model_constraints_are_refused_in_aws_form(self, account):
        too_long = "x" * 4097
        assert error_of(
            account.config.put_conformance_pack,
            ConformancePackName="1-pack",
            TemplateBody="Resources: {}",
            ConformancePackInputParameters=[{"ParameterName": "P", "ParameterValue": too_long}],
        ) == (
            "ValidationException",
            "2 validation errors detected: Value '1-pack' at 'conformancePackName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*; "
            f"Value '{too_long}' at 'conformancePackInputParameters.1.member.parameterValue' failed to satisfy constraint: "
            "Member must have length less than or equal to 4096",
        )
        assert error_of(account.config.describe_conformance_packs, Limit=21) == (
            "InvalidLimitException",
            "Value '21' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 20",
        )


class TestServiceOwnedRules:
    def test_users_cannot_change_delete_or_remediate_the_packs_rules(self, account):
        put_pack(account)
        rule = rules_by_declared(account)[ROOT_ACCESS]
        name = rule["ConfigRuleName"]
        denied = ("AccessDeniedException", "An AWS service owns ServiceLinkedConfigRule. You do not have permissions to take action on this rule.")
        changed = {key: rule[key] for key in ("ConfigRuleName", "Source", "Scope")}
        assert error_of(account.config.put_config_rule, ConfigRule=changed) == denied
        assert error_of(account.config.delete_config_rule, ConfigRuleName=name) == denied
        configuration = remediation(account, name)
        assert error_of(
            account.config.put_remediation_configurations,
            RemediationConfigurations=[{key: configuration[key] for key in ("ConfigRuleName", "TargetType", "TargetId", "Parameters")}],
        ) == ("InsufficientPermissionsException", f"The rule {name} was created by {CONFORMS_SERVICE_PRINCIPAL}; remediation configurations cannot be put on it.")
        assert error_of(account.config.delete_remediation_configuration, ConfigRuleName=name) == (
            "InsufficientPermissionsException",
            f"The rule {name} was created by {CONFORMS_SERVICE_PRINCIPAL}; remediation configurations cannot be deleted on it.",
        )
        assert remediation(account, name) == configuration

    def test_deleting_the_pack_deletes_its_rules_and_remediations(self, account):
        put_pack(account)
        name = rules_by_declared(account)[ROOT_ACCESS]["ConfigRuleName"]
        account.create_rule("own-rule")
        account.config.delete_conformance_pack(ConformancePackName=PACK)
        assert [rule["ConfigRuleName"] for rule in account.config.describe_config_rules()["ConfigRules"]] == ["own-rule"]
        assert remediation(account, name) is None
        assert error_of(account.config.delete_conformance_pack, ConformancePackName=PACK) == (
            "NoSuchConformancePackException",
            f"Conformance pack {PACK} does not exist.",
        )
        assert error_of(account.config.describe_conformance_packs, ConformancePackNames=[PACK])[0] == "NoSuchConformancePackException"


class TestCompliance:
    def test_the_score_counts_compliant_over_compliant_and_non_compliant_pairs(self, account):
        put_pack(account)
        rules = {declared: rule["ConfigRuleName"] for declared, rule in rules_by_declared(account).items()}
        assert score(account) == "INSUFFICIENT_DATA"
        assert account.config.get_conformance_pack_compliance_summary(ConformancePackNames=[PACK])["ConformancePackComplianceSummaryList"] == [
            {"ConformancePackName": PACK, "ConformancePackComplianceStatus": "INSUFFICIENT_DATA"}
        ]
        post(account, rules[ROOT_ACCESS], NOTEBOOK, ("nb-1", "COMPLIANT"), ("nb-2", "NON_COMPLIANT"), ("nb-3", "NOT_APPLICABLE"))
        post(account, rules[DEFAULT_SG], GROUP, ("sg-1", "COMPLIANT"), ("sg-2", "COMPLIANT"), ("sg-3", "NON_COMPLIANT"))
        assert score(account) == "60.00"  # 3 compliant of 5 pairs; the NOT_APPLICABLE pair is none
        assert account.config.describe_conformance_pack_compliance(ConformancePackName=PACK)["ConformancePackRuleComplianceList"] == [
            {"ConfigRuleName": rules[ROOT_ACCESS], "ComplianceType": "NON_COMPLIANT"},
            {"ConfigRuleName": rules[DEFAULT_SG], "ComplianceType": "NON_COMPLIANT"},
        ]
        post(account, rules[DEFAULT_SG], GROUP, ("sg-3", "COMPLIANT"), at=T0 + timedelta(hours=1))
        post(account, rules[ROOT_ACCESS], NOTEBOOK, ("nb-2", "COMPLIANT"), at=T0 + timedelta(hours=1))
        assert score(account) == "100.00"
        assert account.config.get_conformance_pack_compliance_summary(ConformancePackNames=[PACK])["ConformancePackComplianceSummaryList"] == [
            {"ConformancePackName": PACK, "ConformancePackComplianceStatus": "COMPLIANT"}
        ]
        [row] = account.config.list_conformance_pack_compliance_scores()["ConformancePackComplianceScores"]
        recorded = account.config.get_compliance_details_by_config_rule(ConfigRuleName=rules[ROOT_ACCESS])["EvaluationResults"]
        assert row["LastUpdatedTime"] == max(result["ResultRecordedTime"] for result in recorded)

    def test_details_hold_compliant_and_non_compliant_results_only_and_filter(self, account):
        put_pack(account)
        rules = {declared: rule["ConfigRuleName"] for declared, rule in rules_by_declared(account).items()}
        post(account, rules[ROOT_ACCESS], NOTEBOOK, ("nb-1", "COMPLIANT"), ("nb-2", "NON_COMPLIANT"), ("nb-3", "NOT_APPLICABLE"))
        post(account, rules[DEFAULT_SG], GROUP, ("sg-1", "NON_COMPLIANT"))

        def details(**kwargs) -> list[tuple[str, str, str]]:
            pages = pages_of(account.config.get_conformance_pack_compliance_details, ConformancePackName=PACK, **kwargs)
            return [
                (
                    r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ConfigRuleName"],
                    r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"],
                    r["ComplianceType"],
                )
                for page in pages
                for r in page["ConformancePackRuleEvaluationResults"]
            ]

        everything = [(rules[ROOT_ACCESS], "nb-1", "COMPLIANT"), (rules[ROOT_ACCESS], "nb-2", "NON_COMPLIANT"), (rules[DEFAULT_SG], "sg-1", "NON_COMPLIANT")]
        assert details() == everything
        assert details(Limit=1) == everything
        assert details(Filters={"ComplianceType": "NON_COMPLIANT"}) == everything[1:]
        assert details(Filters={"ConfigRuleNames": [rules[DEFAULT_SG]]}) == everything[2:]
        assert details(Filters={"ResourceType": NOTEBOOK, "ResourceIds": ["nb-2"]}) == everything[1:2]
        assert error_of(account.config.get_conformance_pack_compliance_details, ConformancePackName=PACK, Filters={"ResourceIds": ["nb-2"]}) == (
            "InvalidParameterValueException",
            "ResourceIds can be given only with a ResourceType.",
        )
        assert error_of(account.config.get_conformance_pack_compliance_details, ConformancePackName=PACK, Filters={"ConfigRuleNames": [ROOT_ACCESS]}) == (
            "NoSuchConfigRuleInConformancePackException",
            f"The Config rule(s) {ROOT_ACCESS} are not in the conformance pack {PACK}.",
        )
        assert error_of(account.config.describe_conformance_pack_compliance, ConformancePackName="absent") == (
            "NoSuchConformancePackException",
            "Conformance pack absent does not exist.",
        )

    def test_scores_sort_by_name_or_score_with_insufficient_data_last_ascending(self, account):
        for name in ("alpha", "beta", "gamma"):
            put_pack(account, pack_template(default_sg=False), name=name)
        created = sorted(rule["ConfigRuleName"] for rule in account.config.describe_config_rules()["ConfigRules"])
        packs_rules = {}
        for pack in ("alpha", "beta", "gamma"):
            [only] = account.config.describe_conformance_pack_compliance(ConformancePackName=pack)["ConformancePackRuleComplianceList"]
            packs_rules[pack] = only["ConfigRuleName"]
        assert sorted(packs_rules.values()) == created
        post(account, packs_rules["alpha"], NOTEBOOK, ("nb-1", "COMPLIANT"), ("nb-2", "NON_COMPLIANT"))
        post(account, packs_rules["gamma"], NOTEBOOK, ("nb-1", "COMPLIANT"))

        def listed(**kwargs) -> list[tuple[str, str]]:
            pages = pages_of(account.config.list_conformance_pack_compliance_scores, **kwargs)
            return [(row["ConformancePackName"], row["Score"]) for page in pages for row in page["ConformancePackComplianceScores"]]

        assert listed() == [("alpha", "50.00"), ("beta", "INSUFFICIENT_DATA"), ("gamma", "100.00")]
        assert listed(SortOrder="DESCENDING") == [("gamma", "100.00"), ("beta", "INSUFFICIENT_DATA"), ("alpha", "50.00")]
        assert listed(SortBy="SCORE", Limit=1) == [("alpha", "50.00"), ("gamma", "100.00"), ("beta", "INSUFFICIENT_DATA")]
        assert listed(SortBy="SCORE", SortOrder="DESCENDING") == [("beta", "INSUFFICIENT_DATA"), ("gamma", "100.00"), ("alpha", "50.00")]
        assert listed(Filters={"ConformancePackNames": ["gamma", "absent"]}) == [("gamma", "100.00")]


class TestRemediationThroughThePack:
    def test_the_packs_remediation_fixes_the_resource_and_the_score_follows(self, account, open_default_group):  # noqa: F811
        role = automation_role(account, f"smguard-vpc-default-sg-remediation-{REGION}")
        sg_remediation = {
            "Type": "AWS::Config::RemediationConfiguration",
            "DependsOn": "VpcDefaultSgConfigRule",
            "Properties": {
                "ConfigRuleName": DEFAULT_SG,
                "TargetType": "SSM_DOCUMENT",
                "TargetId": "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules",
                "Automatic": False,
                "Parameters": {
                    "AutomationAssumeRole": {
                        "StaticValue": {"Values": [{"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/smguard-vpc-default-sg-remediation-${AWS::Region}"}]}
                    },
                    "GroupId": {"ResourceValue": {"Value": "RESOURCE_ID"}},
                },
            },
        }
        put_pack(account, pack_template(extra_resources={"VpcDefaultSgRemediation": sg_remediation}))
        rule = rules_by_declared(account)[DEFAULT_SG]["ConfigRuleName"]
        assert remediation(account, rule)["Parameters"]["AutomationAssumeRole"] == {"StaticValue": {"Values": [role]}}
        post(account, rule, GROUP, (open_default_group, "NON_COMPLIANT"), ("sg-closed", "COMPLIANT"))
        assert score(account) == "50.00"
        account.config.start_remediation_execution(ConfigRuleName=rule, ResourceKeys=[{"resourceType": GROUP, "resourceId": open_default_group}])
        [status] = account.config.describe_remediation_execution_status(ConfigRuleName=rule)["RemediationExecutionStatuses"]
        assert status["State"] == "SUCCEEDED"
        [group] = account.session.client("ec2").describe_security_groups(GroupIds=[open_default_group])["SecurityGroups"]
        assert group["IpPermissions"] == []
        post(account, rule, GROUP, (open_default_group, "COMPLIANT"), at=T0 + timedelta(hours=1))
        assert score(account) == "100.00"


def test_a_packs_automatic_remediation_runs_on_a_non_compliant_result_of_its_rule(account: Account) -> None:
    automation_role(account, f"smguard-notebook-root-access-remediation-{REGION}")
    sagemaker = account.session.client("sagemaker")
    sagemaker.create_notebook_instance(
        NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/x", RootAccess="Enabled"
    )
    put_pack(account, RemediationMode="Automatic")
    rule_name = rules_by_declared(account)[ROOT_ACCESS]["ConfigRuleName"]
    assert remediation(account, rule_name)["Automatic"] is True
    account.post(rule_name, ("nb", "NON_COMPLIANT", "root access is enabled"))
    [status] = account.config.describe_remediation_execution_status(ConfigRuleName=rule_name)["RemediationExecutionStatuses"]
    assert (status["ResourceKey"], status["State"], [step["Name"] for step in status["StepDetails"]]) == (
        {"resourceType": NOTEBOOK, "resourceId": "nb"},
        "SUCCEEDED",
        ["CheckNotebookInstanceStatus", "StopNotebookInstance", "UpdateNotebookInstance", "StartNotebookInstance"],
    )
    notebook = sagemaker.describe_notebook_instance(NotebookInstanceName="nb")
    assert (notebook["RootAccess"], notebook["NotebookInstanceStatus"]) == ("Disabled", "InService")


def test_a_packs_manual_remediation_waits_for_the_operator(account: Account) -> None:
    automation_role(account, f"smguard-notebook-root-access-remediation-{REGION}")
    account.session.client("sagemaker").create_notebook_instance(
        NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=f"arn:aws:iam::{ACCOUNT}:role/x", RootAccess="Enabled"
    )
    put_pack(account)  # RemediationMode Manual
    rule_name = rules_by_declared(account)[ROOT_ACCESS]["ConfigRuleName"]
    account.post(rule_name, ("nb", "NON_COMPLIANT", "root access is enabled"))
    assert account.config.describe_remediation_execution_status(ConfigRuleName=rule_name)["RemediationExecutionStatuses"] == []
    assert account.session.client("sagemaker").describe_notebook_instance(NotebookInstanceName="nb")["RootAccess"] == "Enabled"
