"""Realistic recorded configurations, one per resource type, in the shape AWS Config records them.

SageMaker types are in CloudFormation shape (PascalCase), EC2 types in EC2 API shape (camelCase),
see the shared AWS facts. The hostile strategies start from these and break them; the needed
properties of the rule under test are then set to their satisfying values (needed.py).
"""

from __future__ import annotations

import copy
from typing import Any

from tests.hostile.needed import (
    ACCOUNT,
    DOMAIN,
    ENDPOINT_CONFIG,
    FLOW_LOG,
    KEY_ARN,
    MODEL,
    NOTEBOOK,
    REGION,
    SECURITY_GROUP,
    VPC,
    VPC_ENDPOINT,
    VPC_WITH_FLOW_LOG,
)

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/sagemaker-execution"

SAMPLES: dict[str, dict[str, Any]] = {
    NOTEBOOK: {
        "NotebookInstanceName": "risk-model-dev",
        "InstanceType": "ml.t3.medium",
        "RoleArn": ROLE_ARN,
        "KmsKeyId": KEY_ARN,
        "DirectInternetAccess": "Disabled",
        "RootAccess": "Disabled",
        "SubnetId": "subnet-0a1b2c3d4e5f60718",
        "SecurityGroupIds": ["sg-0a1b2c3d4e5f60718"],
        "LifecycleConfigName": "approved-setup",
        "VolumeSizeInGB": 20,
        "PlatformIdentifier": "notebook-al2-v2",
    },
    ENDPOINT_CONFIG: {
        "EndpointConfigName": "scoring-config-v3",
        "KmsKeyId": KEY_ARN,
        "ProductionVariants": [
            {"VariantName": "primary", "ModelName": "scoring", "InstanceType": "ml.m5.large", "InitialInstanceCount": 2}
        ],
        "DataCaptureConfig": {
            "EnableCapture": True,
            "InitialSamplingPercentage": 10,
            "DestinationS3Uri": "s3://capture-bucket/scoring",
            "KmsKeyId": KEY_ARN,
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        },
    },
    DOMAIN: {
        "DomainId": "d-abcdefghijkl",
        "DomainName": "analytics",
        "AuthMode": "IAM",
        "AppNetworkAccessType": "VpcOnly",
        "VpcId": VPC_WITH_FLOW_LOG,
        "SubnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-1a1b2c3d4e5f60718"],
        "KmsKeyId": KEY_ARN,
        "DefaultUserSettings": {
            "ExecutionRole": ROLE_ARN,
            "SecurityGroups": ["sg-0a1b2c3d4e5f60718"],
            "SharingSettings": {
                "NotebookOutputOption": "Allowed",
                "S3OutputPath": "s3://studio-sharing/notebooks",
                "S3KmsKeyId": KEY_ARN,
            },
        },
    },
    MODEL: {
        "ModelName": "scoring",
        "ExecutionRoleArn": ROLE_ARN,
        "EnableNetworkIsolation": True,
        "VpcConfig": {"Subnets": ["subnet-0a1b2c3d4e5f60718"], "SecurityGroupIds": ["sg-0a1b2c3d4e5f60718"]},
        "PrimaryContainer": {"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/scoring:1", "Mode": "SingleModel"},
    },
    SECURITY_GROUP: {
        "groupName": "default",
        "groupId": "sg-0a1b2c3d4e5f60718",
        "vpcId": VPC_WITH_FLOW_LOG,
        "ownerId": ACCOUNT,
        "description": "default VPC security group",
        "ipPermissions": [],
        "ipPermissionsEgress": [],
        "tags": [],
    },
    VPC: {
        "vpcId": VPC_WITH_FLOW_LOG,
        "ownerId": ACCOUNT,
        "cidrBlock": "10.0.0.0/16",
        "isDefault": False,
        "state": "available",
        "dhcpOptionsId": "dopt-0a1b2c3d",
        "instanceTenancy": "default",
        "cidrBlockAssociationSet": [{"cidrBlock": "10.0.0.0/16", "associationId": "vpc-cidr-assoc-0a1b2c3d"}],
    },
    FLOW_LOG: {
        "flowLogId": "fl-0a1b2c3d4e5f60718",
        "resourceId": VPC_WITH_FLOW_LOG,
        "trafficType": "ALL",
        "flowLogStatus": "ACTIVE",
        "deliverLogsStatus": "SUCCESS",
        "logDestinationType": "cloud-watch-logs",
        "logDestination": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:vpc-flow-logs",
        "maxAggregationInterval": 60,
    },
    VPC_ENDPOINT: {
        "vpcEndpointId": "vpce-0a1b2c3d4e5f60718",
        "vpcId": VPC_WITH_FLOW_LOG,
        "serviceName": f"com.amazonaws.{REGION}.sagemaker.api",
        "vpcEndpointType": "Interface",
        "state": "available",
        "privateDnsEnabled": True,
    },
}

RESOURCE_IDS = {
    NOTEBOOK: "risk-model-dev",
    ENDPOINT_CONFIG: "scoring-config-v3",
    DOMAIN: "d-abcdefghijkl",
    MODEL: "scoring",
    SECURITY_GROUP: "sg-0a1b2c3d4e5f60718",
    VPC: VPC_WITH_FLOW_LOG,
    FLOW_LOG: "fl-0a1b2c3d4e5f60718",
    VPC_ENDPOINT: "vpce-0a1b2c3d4e5f60718",
}
"""AWS Config's resource id per type: the name for SageMaker notebooks, endpoint configs and
models, the id for domains and EC2 resources."""


def sample(resource_type: str) -> dict[str, Any]:
    """A fresh copy of the sample (or an empty configuration for a type not listed)."""
    return copy.deepcopy(SAMPLES.get(resource_type, {}))
