"""The pure check against Studio domains in the shape AWS Config records them (CloudFormation names)."""

from __future__ import annotations

import copy

import pytest

from smguard.rules.studio_domain_vpc_only.check import StudioDomainVpcOnlyParameters, check
from smguard.engine import Compliance, InvalidRuleParameterError, Resource

DOMAIN = "AWS::SageMaker::Domain"
VPC = "vpc-0a1b2c3d4e5f60718"
SUBNET_A = "subnet-0a1b2c3d4e5f60718"
SUBNET_B = "subnet-0fedcba987654321f"
USER_GROUP = "sg-0123456789abcdef0"
APP_GROUP = "sg-0aaaaaaaaaaaaaaa1"
SPACE_GROUP = "sg-0bbbbbbbbbbbbbbb2"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SHARES = "s3://risk-studio-shares/snapshots"

RECORDED = {
    "DomainId": "d-8cbkd7g2xrnm",
    "DomainArn": "arn:aws:sagemaker:us-east-1:123456789012:domain/d-8cbkd7g2xrnm",
    "DomainName": "credit-risk",
    "AuthMode": "IAM",
    "AppNetworkAccessType": "VpcOnly",
    "AppSecurityGroupManagement": "Customer",
    "VpcId": VPC,
    "SubnetIds": [SUBNET_A, SUBNET_B],
    "KmsKeyId": KEY,
    "DefaultUserSettings": {
        "ExecutionRole": "arn:aws:iam::123456789012:role/studio-user",
        "SecurityGroups": [USER_GROUP],
        "SharingSettings": {"NotebookOutputOption": "Allowed", "S3OutputPath": SHARES, "S3KmsKeyId": KEY},
    },
    "DomainSettings": {"SecurityGroupIds": [APP_GROUP]},
    "DefaultSpaceSettings": {"ExecutionRole": "arn:aws:iam::123456789012:role/studio-space", "SecurityGroups": [SPACE_GROUP]},
}
ALL_APPROVED = {"SubnetIds": f"{SUBNET_A},{SUBNET_B}", "SecurityGroupIds": f"{USER_GROUP},{APP_GROUP},{SPACE_GROUP}"}
ENCRYPTED = f"shared notebooks are encrypted with {KEY}"
SET_VPC_ONLY = "set VpcOnly with UpdateDomain while no apps run."


def domain(**changes: object) -> dict:
    return {**copy.deepcopy(RECORDED), **changes}


def with_user_settings(**changes: object) -> dict:
    configuration = domain()
    configuration["DefaultUserSettings"].update(changes)
    return configuration


def with_sharing(sharing: object) -> dict:
    return with_user_settings(SharingSettings=sharing)


def without(configuration: dict, *path: str) -> dict:
    configuration = copy.deepcopy(configuration)
    parent = configuration
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return configuration


def evaluate(configuration: dict, **raw_parameters: str) -> tuple[Compliance, str]:
    parameters = StudioDomainVpcOnlyParameters.parse(raw_parameters)
    verdict = check(Resource(DOMAIN, "d-8cbkd7g2xrnm", configuration), parameters)
    return verdict.compliance, verdict.annotation


# AppNetworkAccessType


def test_vpc_only_domain_with_encrypted_sharing_is_compliant():
    assert evaluate(domain()) == (
        Compliance.COMPLIANT,
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through {VPC}; {ENCRYPTED}.",
    )


def test_public_internet_only_is_non_compliant():
    assert evaluate(domain(AppNetworkAccessType="PublicInternetOnly")) == (
        Compliance.NON_COMPLIANT,
        f"AppNetworkAccessType is PublicInternetOnly (direct internet access); {SET_VPC_ONLY}",
    )


def test_absent_network_access_type_means_public_internet_only():
    assert evaluate(without(domain(), "AppNetworkAccessType")) == (
        Compliance.NON_COMPLIANT,
        f"AppNetworkAccessType is absent (defaults to PublicInternetOnly); {SET_VPC_ONLY}",
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("vpconly", '"vpconly", not VpcOnly or PublicInternetOnly (values are case-sensitive)'),
        ("VPCONLY", '"VPCONLY", not VpcOnly or PublicInternetOnly (values are case-sensitive)'),
        (None, "null, not VpcOnly or PublicInternetOnly"),
        ("", "empty, not VpcOnly or PublicInternetOnly"),
        (True, "true (a boolean), not VpcOnly or PublicInternetOnly"),
        (["VpcOnly"], "['VpcOnly'] (a list), not VpcOnly or PublicInternetOnly"),
    ],
)
def test_null_wrong_type_or_wrong_casing_network_access_is_never_compliant(value: object, shown: str) -> None:
    assert evaluate(domain(AppNetworkAccessType=value)) == (
        Compliance.NON_COMPLIANT,
        f"AppNetworkAccessType is {shown}; {SET_VPC_ONLY}",
    )


def test_an_empty_configuration_is_non_compliant_not_an_error():
    assert evaluate({}) == (
        Compliance.NON_COMPLIANT,
        f"AppNetworkAccessType is absent (defaults to PublicInternetOnly); {SET_VPC_ONLY}",
    )


def test_compliant_annotation_without_a_recorded_vpc_id():
    assert evaluate(without(domain(), "VpcId")) == (
        Compliance.COMPLIANT,
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through the domain VPC; {ENCRYPTED}.",
    )


@pytest.mark.parametrize("vpc", [None, "", 123], ids=["null", "empty", "number"])
def test_compliant_annotation_with_a_vpc_id_that_is_not_a_name(vpc: object) -> None:
    assert evaluate(domain(VpcId=vpc)) == (
        Compliance.COMPLIANT,
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through the domain VPC; {ENCRYPTED}.",
    )


# SubnetIds and SecurityGroupIds parameters


def test_approved_subnets_and_security_groups_are_compliant():
    assert evaluate(domain(), **ALL_APPROVED) == (
        Compliance.COMPLIANT,
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through {VPC} (subnets and security groups approved); "
        f"{ENCRYPTED}.",
    )


def test_subnet_outside_the_list_is_non_compliant():
    assert evaluate(domain(), SubnetIds=SUBNET_A) == (
        Compliance.NON_COMPLIANT,
        f"SubnetIds has {SUBNET_B} outside the approved list; remove it with UpdateDomain while no apps run.",
    )


def test_many_subnets_outside_the_list_are_counted():
    subnets = [f"subnet-0000000{n}" for n in range(4)]
    assert evaluate(domain(SubnetIds=subnets), SubnetIds=SUBNET_A) == (
        Compliance.NON_COMPLIANT,
        "SubnetIds has subnet-00000000, subnet-00000001 (+2 more) outside the approved list; remove it with "
        "UpdateDomain while no apps run.",
    )


@pytest.mark.parametrize(
    ("configuration", "problem"),
    [
        (without(domain(), "SubnetIds"), "is absent, so none is shown to be approved"),
        (domain(SubnetIds=[]), "is empty, so none is shown to be approved"),
        (domain(SubnetIds=None), "is null, not a list of subnet ids"),
        (domain(SubnetIds=SUBNET_A), f'is "{SUBNET_A}", not a list of subnet ids'),
        (domain(SubnetIds=[SUBNET_A, None]), f"is ['{SUBNET_A}', None] (a list), not a list of subnet ids"),
    ],
)
def test_missing_null_or_mistyped_subnets_are_never_compliant(configuration: dict, problem: str) -> None:
    assert evaluate(configuration, SubnetIds=SUBNET_A) == (
        Compliance.NON_COMPLIANT,
        f"SubnetIds {problem}; set approved ones with UpdateDomain.",
    )


@pytest.mark.parametrize(
    ("unapproved", "path"),
    [
        (USER_GROUP, "DefaultUserSettings.SecurityGroups"),
        (APP_GROUP, "DomainSettings.SecurityGroupIds"),
        (SPACE_GROUP, "DefaultSpaceSettings.SecurityGroups"),
    ],
)
def test_each_recorded_security_group_must_be_approved(unapproved: str, path: str) -> None:
    approved = ",".join(group for group in (USER_GROUP, APP_GROUP, SPACE_GROUP) if group != unapproved)
    assert evaluate(domain(), SecurityGroupIds=approved) == (
        Compliance.NON_COMPLIANT,
        f"{path} has {unapproved} outside the approved list; replace it with UpdateDomain.",
    )


def test_domain_with_only_user_security_groups_is_compliant():
    configuration = without(without(domain(), "DomainSettings"), "DefaultSpaceSettings")
    assert evaluate(configuration, SecurityGroupIds=USER_GROUP) == (
        Compliance.COMPLIANT,
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through {VPC} (security groups approved); {ENCRYPTED}.",
    )


def test_domain_without_any_recorded_security_group_is_non_compliant_with_the_parameter():
    configuration = without(without(without(domain(), "DomainSettings"), "DefaultSpaceSettings"), "DefaultUserSettings", "SecurityGroups")
    assert evaluate(configuration, SecurityGroupIds=USER_GROUP) == (
        Compliance.NON_COMPLIANT,
        "No security group is recorded (DefaultUserSettings.SecurityGroups), so none is shown to be approved; set "
        "approved ones with UpdateDomain.",
    )


@pytest.mark.parametrize(
    ("configuration", "finding"),
    [
        (
            with_user_settings(SecurityGroups=USER_GROUP),
            f'DefaultUserSettings.SecurityGroups is "{USER_GROUP}", not a list of security group ids; set approved ones with UpdateDomain.',
        ),
        (
            with_user_settings(SecurityGroups=None),
            "DefaultUserSettings.SecurityGroups is null, not a list of security group ids; set approved ones with UpdateDomain.",
        ),
        (
            domain(DomainSettings={"SecurityGroupIds": [7]}),
            "DomainSettings.SecurityGroupIds is [7] (a list), not a list of security group ids; set approved ones with UpdateDomain.",
        ),
        (domain(DomainSettings=None), "DomainSettings is null, not an object; fix with UpdateDomain."),
        (domain(DefaultSpaceSettings=[]), "DefaultSpaceSettings is [] (a list), not an object; fix with UpdateDomain."),
    ],
)
def test_null_or_mistyped_security_groups_are_never_compliant(configuration: dict, finding: str) -> None:
    assert evaluate(configuration, SecurityGroupIds=ALL_APPROVED["SecurityGroupIds"]) == (Compliance.NON_COMPLIANT, finding)


# The user settings come first: whatever state they are in, the later properties are still checked.
@pytest.mark.parametrize(
    ("configuration", "first"),
    [
        (without(domain(), "DefaultUserSettings"), ""),
        (domain(DefaultUserSettings="IAM"), 'DefaultUserSettings is "IAM", not an object; fix with UpdateDomain. '),
        (with_user_settings(SecurityGroups=[]), ""),
        (
            with_user_settings(SecurityGroups=None),
            "DefaultUserSettings.SecurityGroups is null, not a list of security group ids; set approved ones with "
            "UpdateDomain. ",
        ),
    ],
    ids=["user-settings-absent", "user-settings-not-an-object", "user-groups-empty", "user-groups-unreadable"],
)
def test_a_later_unapproved_security_group_is_found_whatever_the_first_property_holds(
    configuration: dict, first: str
) -> None:
    assert evaluate(configuration, SecurityGroupIds=f"{USER_GROUP},{APP_GROUP}") == (
        Compliance.NON_COMPLIANT,
        f"{first}DefaultSpaceSettings.SecurityGroups has {SPACE_GROUP} outside the approved list; replace it with "
        "UpdateDomain.",
    )


def test_malformed_user_settings_are_reported_once():
    assert evaluate(domain(DefaultUserSettings="IAM"), SecurityGroupIds=ALL_APPROVED["SecurityGroupIds"]) == (
        Compliance.NON_COMPLIANT,
        'DefaultUserSettings is "IAM", not an object; fix with UpdateDomain.',
    )


# Notebook sharing


def test_no_sharing_settings_means_sharing_is_off():
    assert evaluate(without(domain(), "DefaultUserSettings", "SharingSettings")) == (
        Compliance.COMPLIANT,
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through {VPC}; notebook sharing is off.",
    )


def test_no_user_settings_means_sharing_is_off():
    assert evaluate(without(domain(), "DefaultUserSettings")) == (
        Compliance.COMPLIANT,
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through {VPC}; notebook sharing is off.",
    )


def test_null_sharing_settings_means_sharing_is_off():
    """AWS leaves SharingSettings out when sharing is off; a recorded null says the same."""
    assert evaluate(with_sharing(None)) == (
        Compliance.COMPLIANT,
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through {VPC}; notebook sharing is off.",
    )


@pytest.mark.parametrize(
    ("sharing", "shown"),
    [
        ({}, "absent (defaults to Disabled)"),
        ({"S3OutputPath": SHARES}, "absent (defaults to Disabled)"),
        ({"NotebookOutputOption": "Disabled"}, "Disabled"),
        ({"NotebookOutputOption": "Disabled", "S3OutputPath": ""}, "Disabled"),
        ({"NotebookOutputOption": "Disabled", "S3KmsKeyId": ""}, "Disabled"),
    ],
)
def test_sharing_without_cell_output_needs_no_kms_key(sharing: dict, shown: str) -> None:
    """The API reference applies S3KmsKeyId only when NotebookOutputOption is Allowed (default Disabled)."""
    assert evaluate(with_sharing(sharing)) == (
        Compliance.COMPLIANT,
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through {VPC}; shared notebooks carry no cell "
        f"output (NotebookOutputOption {shown}).",
    )


@pytest.mark.parametrize("sharing", [{"NotebookOutputOption": "Allowed", "S3OutputPath": SHARES}, {"NotebookOutputOption": "Allowed"}])
def test_sharing_cell_output_without_a_kms_key_is_non_compliant(sharing: dict) -> None:
    assert evaluate(with_sharing(sharing)) == (
        Compliance.NON_COMPLIANT,
        "SharingSettings.S3KmsKeyId is absent while NotebookOutputOption is Allowed; "
        "set S3KmsKeyId or NotebookOutputOption Disabled with UpdateDomain.",
    )


@pytest.mark.parametrize(
    ("output", "shown"), [("allowed", '"allowed"'), ("", "empty"), (None, "null"), (True, "true (a boolean)")]
)
def test_an_output_option_that_is_not_allowed_or_disabled_needs_the_key(output: object, shown: str) -> None:
    assert evaluate(with_sharing({"NotebookOutputOption": output})) == (
        Compliance.NON_COMPLIANT,
        f"SharingSettings.S3KmsKeyId is absent while NotebookOutputOption is {shown}, not Allowed or Disabled "
        "(values are case-sensitive); set S3KmsKeyId or NotebookOutputOption Disabled with UpdateDomain.",
    )


def test_sharing_settings_with_a_kms_key_are_compliant_whatever_the_output_option():
    assert evaluate(with_sharing({"NotebookOutputOption": "Disabled", "S3KmsKeyId": KEY})) == (
        Compliance.COMPLIANT,
        f"AppNetworkAccessType is VpcOnly: Studio traffic goes through {VPC}; shared notebooks are encrypted with {KEY}.",
    )


@pytest.mark.parametrize(("key", "shown"), [(None, "null"), ("", "empty"), (123, "123 (a number)"), ([KEY], f"['{KEY}'] (a list)")])
def test_null_empty_or_mistyped_sharing_key_is_never_compliant(key: object, shown: str) -> None:
    sharing = {"NotebookOutputOption": "Allowed", "S3OutputPath": SHARES, "S3KmsKeyId": key}
    assert evaluate(with_sharing(sharing)) == (
        Compliance.NON_COMPLIANT,
        f"SharingSettings.S3KmsKeyId is {shown} while NotebookOutputOption is Allowed; "
        "set S3KmsKeyId or NotebookOutputOption Disabled with UpdateDomain.",
    )


@pytest.mark.parametrize(("sharing", "shown"), [("Allowed", '"Allowed"'), ([], "[] (a list)"), (True, "true (a boolean)")])
def test_sharing_settings_that_are_not_an_object_are_never_compliant(sharing: object, shown: str) -> None:
    assert evaluate(with_sharing(sharing)) == (
        Compliance.NON_COMPLIANT,
        f"SharingSettings is {shown}, not an object; set S3KmsKeyId or NotebookOutputOption Disabled with "
        "UpdateDomain.",
    )


# Combined findings


def test_network_access_and_subnet_findings_are_reported_together():
    assert evaluate(domain(AppNetworkAccessType="PublicInternetOnly"), SubnetIds=SUBNET_A) == (
        Compliance.NON_COMPLIANT,
        f"AppNetworkAccessType is PublicInternetOnly (direct internet access); {SET_VPC_ONLY} "
        f"SubnetIds has {SUBNET_B} outside the approved list; remove it with UpdateDomain while no apps run.",
    )


def test_security_group_and_sharing_findings_are_reported_together():
    configuration = with_sharing({"NotebookOutputOption": "Allowed", "S3OutputPath": SHARES})
    assert evaluate(configuration, SecurityGroupIds=f"{USER_GROUP},{SPACE_GROUP}") == (
        Compliance.NON_COMPLIANT,
        f"DomainSettings.SecurityGroupIds has {APP_GROUP} outside the approved list; replace it with "
        "UpdateDomain. SharingSettings.S3KmsKeyId is absent while NotebookOutputOption is Allowed; "
        "set S3KmsKeyId or NotebookOutputOption Disabled with UpdateDomain.",
    )


def test_findings_beyond_the_annotation_limit_are_counted():
    configuration = with_sharing({"NotebookOutputOption": "Allowed", "S3OutputPath": SHARES})
    configuration["AppNetworkAccessType"] = "PublicInternetOnly"
    assert evaluate(configuration, SubnetIds=SUBNET_A, SecurityGroupIds=USER_GROUP) == (
        Compliance.NON_COMPLIANT,
        f"AppNetworkAccessType is PublicInternetOnly (direct internet access); {SET_VPC_ONLY} "
        f"SubnetIds has {SUBNET_B} outside the approved list; remove it with UpdateDomain while no apps run. "
        "(+3 more finding(s))",
    )


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ({"SubnetIds": "subnet-xyz"}, "SubnetIds"),
        ({"SecurityGroupIds": "sg-123"}, "SecurityGroupIds"),
        ({"SecurityGroupIds": f"{USER_GROUP}, "}, "SecurityGroupIds"),
        ({"VpcIds": VPC}, "VpcIds"),
    ],
)
def test_malformed_or_unknown_parameters_are_rejected_by_name(raw: dict, name: str) -> None:
    with pytest.raises(InvalidRuleParameterError) as raised:
        StudioDomainVpcOnlyParameters.parse(raw)
    assert raised.value.parameter == name
