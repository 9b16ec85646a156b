"""A value the template leaves open is never taken as compliant.

Each case starts from a resource that every rule finds COMPLIANT, then replaces one property the
rule reads with ``!Ref Open``, a String parameter without default (it may even be empty): the
rule must report UNKNOWN, naming the property and the parameter. Cross-resource facts (flow logs,
endpoints) and keys declared elsewhere are covered the same way.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.scan.support import scan

ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SUBNET, GROUP = "subnet-0a1b2c3d4e5f60718", "sg-0a1b2c3d4e5f60718"
RESOURCES: dict[str, dict[str, Any]] = {
    "Notebook": {
        "Type": "AWS::SageMaker::NotebookInstance",
        "Properties": {
            "InstanceType": "ml.t3.medium",
            "KmsKeyId": ARN,
            "SubnetId": SUBNET,
            "SecurityGroupIds": [GROUP],
            "DirectInternetAccess": "Disabled",
            "RootAccess": "Disabled",
            "LifecycleConfigName": "approved-setup",
            "PlatformIdentifier": "notebook-al2023-v1",
            "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
        },
    },
    "EndpointConfig": {
        "Type": "AWS::SageMaker::EndpointConfig",
        "Properties": {
            "KmsKeyId": ARN,
            "ProductionVariants": [{"VariantName": "a", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}],
            "DataCaptureConfig": {"EnableCapture": True, "KmsKeyId": ARN, "DestinationS3Uri": "s3://capture/"},
        },
    },
    "ComponentsConfig": {
        "Type": "AWS::SageMaker::EndpointConfig",
        "Properties": {
            "KmsKeyId": ARN,
            "ProductionVariants": [{"VariantName": "a", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}],
            "EnableNetworkIsolation": True,
            "VpcConfig": {"Subnets": [SUBNET], "SecurityGroupIds": [GROUP]},
        },
    },
    "Domain": {
        "Type": "AWS::SageMaker::Domain",
        "Properties": {
            "AuthMode": "IAM",
            "AppNetworkAccessType": "VpcOnly",
            "VpcId": "vpc-0a1b2c3d4e5f60718",
            "SubnetIds": [SUBNET],
            "KmsKeyId": ARN,
            "DefaultUserSettings": {
                "SecurityGroups": [GROUP],
                "SharingSettings": {"NotebookOutputOption": "Allowed", "S3OutputPath": "s3://shared/", "S3KmsKeyId": ARN},
            },
        },
    },
    "Model": {
        "Type": "AWS::SageMaker::Model",
        "Properties": {
            "EnableNetworkIsolation": True,
            "VpcConfig": {"Subnets": [SUBNET], "SecurityGroupIds": [GROUP]},
            "PrimaryContainer": {"Image": "registry.ds.internal:5000/m:1", "ImageConfig": {"RepositoryAccessMode": "Vpc"}},
        },
    },
    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
    "FlowLog": {
        "Type": "AWS::EC2::FlowLog",
        "Properties": {
            "ResourceId": {"Ref": "Vpc"},
            "ResourceType": "VPC",
            "TrafficType": "ALL",
            "LogDestinationType": "s3",
            "LogDestination": "arn:aws:s3:::central-logs",
            "MaxAggregationInterval": 60,
        },
    },
    "StsEndpoint": {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {
            "VpcId": {"Ref": "Vpc"},
            "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.sts"},
            "VpcEndpointType": "Interface",
            "PrivateDnsEnabled": True,
        },
    },
}
PARAMETERS = {
    "sagemaker_kms": {"KmsKeyArns": ARN},
    "notebook_root_access": {"AllowedLifecycleConfigs": "approved-setup"},
    "notebook_in_vpc": {"SubnetIds": SUBNET, "SecurityGroupIds": GROUP},
    "studio_domain_vpc_only": {"SubnetIds": SUBNET, "SecurityGroupIds": GROUP},
    "sagemaker_model_isolation": {"SubnetIds": SUBNET, "SecurityGroupIds": GROUP},
    "sagemaker_endpoint_isolation": {"SubnetIds": SUBNET, "SecurityGroupIds": GROUP},
    "vpc_flow_logs": {"LogDestinations": "arn:aws:s3:::central-logs", "MaxAggregationInterval": "60"},
    "vpc_endpoints": {"RequiredServices": "sts"},
}
CASES = [
    ("Notebook", "KmsKeyId", "sagemaker_kms"),
    ("Notebook", "DirectInternetAccess", "notebook_direct_internet"),
    ("Notebook", "RootAccess", "notebook_root_access"),
    ("Notebook", "LifecycleConfigName", "notebook_root_access"),
    ("Notebook", "SubnetId", "notebook_in_vpc"),
    ("Notebook", "SecurityGroupIds[0]", "notebook_in_vpc"),
    ("Notebook", "PlatformIdentifier", "notebook_platform"),
    ("Notebook", "InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion", "notebook_platform"),
    ("ComponentsConfig", "EnableNetworkIsolation", "sagemaker_endpoint_isolation"),
    ("ComponentsConfig", "VpcConfig.Subnets[0]", "sagemaker_endpoint_isolation"),
    ("ComponentsConfig", "VpcConfig.SecurityGroupIds[0]", "sagemaker_endpoint_isolation"),
    ("ComponentsConfig", "ProductionVariants[0].ModelName", "sagemaker_endpoint_isolation"),
    ("ComponentsConfig", "ProductionVariants[0].EnableSSMAccess", "sagemaker_endpoint_isolation"),
    ("EndpointConfig", "KmsKeyId", "sagemaker_kms"),
    ("EndpointConfig", "DataCaptureConfig.KmsKeyId", "sagemaker_kms"),
    ("EndpointConfig", "DataCaptureConfig.EnableCapture", "sagemaker_kms"),
    ("EndpointConfig", "ProductionVariants[0].InstanceType", "sagemaker_kms"),
    ("Domain", "KmsKeyId", "sagemaker_kms"),
    ("Domain", "AppNetworkAccessType", "studio_domain_vpc_only"),
    ("Domain", "SubnetIds[0]", "studio_domain_vpc_only"),
    ("Domain", "DefaultUserSettings.SecurityGroups[0]", "studio_domain_vpc_only"),
    ("Domain", "DefaultUserSettings.SharingSettings.S3KmsKeyId", "studio_domain_vpc_only"),
    ("Model", "EnableNetworkIsolation", "sagemaker_model_isolation"),
    ("Model", "VpcConfig.Subnets[0]", "sagemaker_model_isolation"),
    ("Model", "VpcConfig.SecurityGroupIds[0]", "sagemaker_model_isolation"),
    ("Model", "PrimaryContainer.ImageConfig.RepositoryAccessMode", "sagemaker_model_private_registry"),
    ("FlowLog", "TrafficType", "vpc_flow_logs"),
    ("FlowLog", "LogDestination", "vpc_flow_logs"),
    ("FlowLog", "MaxAggregationInterval", "vpc_flow_logs"),
    ("StsEndpoint", "ServiceName", "vpc_endpoints"),
    ("StsEndpoint", "VpcEndpointType", "vpc_endpoints"),
    ("StsEndpoint", "PrivateDnsEnabled", "vpc_endpoints"),
]
OPEN = {"Ref": "Open"}


def template(tmp_path: Path, resource: str | None = None, path: str | None = None, value: Any = OPEN) -> Path:
    resources = copy.deepcopy(RESOURCES)
    if resource is not None and path is not None:
        _set(resources[resource]["Properties"], path, value)
    document = {"Parameters": {"Open": {"Type": "String"}}, "Resources": resources}
    file = tmp_path / "open.json"
    file.write_text(json.dumps(document, indent=2))
    return file


def _set(properties: dict[str, Any], path: str, value: Any) -> None:
    node: Any = properties
    steps = path.replace("[", ".[").split(".")
    for step in steps[:-1]:
        node = node[int(step[1:-1])] if step.startswith("[") else node[step]
    last = steps[-1]
    if last.startswith("["):
        node[int(last[1:-1])] = value
    else:
        node[last] = value


def result_of(file: Path, rule: str, resource: str, region: str | None = "us-east-1") -> tuple[str, str]:
    subject = "Vpc" if resource in ("FlowLog", "StsEndpoint") else resource
    found = [(result, note) for _, logical_id, name, result, note in scan(file, params=PARAMETERS, region=region, rules=(rule,)) if logical_id == subject]
    assert len(found) == 1
    return found[0]


def test_the_untouched_resources_are_compliant(tmp_path: Path) -> None:
    file = template(tmp_path)
    for resource, _, rule in CASES:
        assert result_of(file, rule, resource)[0] == "COMPLIANT", (resource, rule)


@pytest.mark.parametrize(("resource", "path", "rule"), CASES)
def test_a_parameter_without_default_makes_the_result_unknown(tmp_path: Path, resource: str, path: str, rule: str) -> None:
    assert result_of(template(tmp_path, resource, path), rule, resource) == (
        "UNKNOWN",
        f"{path} is !Ref Open, a parameter without default; pass --parameter-overrides Open=VALUE to evaluate it.",
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"Fn::GetAtt": ["Bucket", "Arn"]}, "KmsKeyId is !GetAtt Bucket.Arn, and Bucket is a resource of this template (AWS::S3::Bucket), known only once deployed."),
        ({"Fn::ImportValue": "shared-key"}, "KmsKeyId is !ImportValue shared-key, the export of another stack, known only once deployed."),
        (
            {"Fn::Sub": "arn:aws:kms:us-east-1:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
            "KmsKeyId is !Sub arn:aws:kms:us-east-1:${AWS::AccountId}:key/1234abcd-12ab-34cd..., "
            "and AWS::AccountId is known only once deployed.",
        ),
        ("{{resolve:ssm:/keys/notebooks}}", "KmsKeyId is {{resolve:ssm:/keys/notebooks}}, a dynamic reference, resolved when the stack is deployed."),
    ],
)
def test_values_known_only_once_deployed_are_not_an_approved_key(tmp_path: Path, value: Any, reason: str) -> None:
    file = template(tmp_path, "Notebook", "KmsKeyId", value)
    document = json.loads(file.read_text())
    document["Resources"]["Bucket"] = {"Type": "AWS::S3::Bucket"}
    file.write_text(json.dumps(document))
    assert result_of(file, "sagemaker_kms", "Notebook") == ("UNKNOWN", reason)


def test_a_key_the_template_does_not_declare_cannot_be_shown_customer_managed(tmp_path: Path) -> None:
    file = template(tmp_path)
    params = {"sagemaker_kms": {"RequireCustomerManagedKey": "true"}}
    found = [row for row in scan(file, params=params, rules=("sagemaker_kms",)) if row[1] == "Notebook"]
    assert found == [
        (
            8,
            "Notebook",
            "sagemaker_kms",
            "UNKNOWN",
            f"The key is {ARN}, a key this template does not declare: whether it is customer managed and enabled "
            "is known only to KMS; the deployed rule describes it with kms:DescribeKey.",
        )
    ]


def test_a_key_id_alone_cannot_be_compared_with_approved_key_arns(tmp_path: Path) -> None:
    file = template(tmp_path, "Notebook", "KmsKeyId", "1234abcd-12ab-34cd-56ef-1234567890ab")
    assert result_of(file, "sagemaker_kms", "Notebook") == (
        "UNKNOWN",
        "The KMS key 1234abcd-12ab-34cd-56ef-1234567890ab named by KmsKeyId was not described; a template scan knows "
        "only the keys the template declares and alias/aws/ keys, the deployed rule describes the others with "
        "kms:DescribeKey.",
    )


def test_a_platform_the_template_leaves_to_sagemaker_is_unknown_and_imds_defaults_to_version_1(tmp_path: Path) -> None:
    """SageMaker chooses the platform when none is set (not documented which); IMDS defaults to 1."""
    file = template(tmp_path)
    document = json.loads(file.read_text())
    del document["Resources"]["Notebook"]["Properties"]["PlatformIdentifier"]
    file.write_text(json.dumps(document))
    assert result_of(file, "notebook_platform", "Notebook") == (
        "UNKNOWN",
        "PlatformIdentifier is (chosen by SageMaker), not set in the template: SageMaker chooses the platform at "
        "creation; set PlatformIdentifier.",
    )
    del document["Resources"]["Notebook"]["Properties"]["InstanceMetadataServiceConfiguration"]
    document["Resources"]["Notebook"]["Properties"]["PlatformIdentifier"] = "notebook-al2023-v1"
    file.write_text(json.dumps(document))
    assert result_of(file, "notebook_platform", "Notebook") == (
        "NON_COMPLIANT",
        'MinimumInstanceMetadataServiceVersion is "1" (read with DescribeNotebookInstance), so IMDSv1 is served. '
        "Set MinimumInstanceMetadataServiceVersion 2 (UpdateNotebookInstance).",
    )
