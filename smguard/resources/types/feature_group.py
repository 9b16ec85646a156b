"""AWS::SageMaker::FeatureGroup, recorded in CloudFormation shape; its Config id is its name.

SageMaker API Reference, CreateFeatureGroup, OnlineStoreConfig (``EnableOnlineStore``,
``SecurityConfig.KmsKeyId``, ``StorageType`` Standard or InMemory, Standard when not given) and
OfflineStoreConfig (``S3StorageConfig.KmsKeyId``); CloudFormation resource reference,
AWS::SageMaker::FeatureGroup. DescribeFeatureGroup uses the same names.
awslabs/aws-config-resource-schema (AWS::SageMaker::FeatureGroup.properties.json) confirms
``OfflineStoreConfig.S3StorageConfig.S3Uri`` and ``OnlineStoreConfig.EnableOnlineStore`` but lists
neither KMS key nor ``StorageType``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources import sagemaker
from smguard.resources.base import BOOLEAN, SAMPLE_ACCOUNT, SAMPLE_KEY_ARN, SAMPLE_ROLE_ARN

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

PROPERTIES = sagemaker.same_names(
    "FeatureGroupName",
    "RecordIdentifierFeatureName",
    "EventTimeFeatureName",
    "FeatureDefinitions",
    "OnlineStoreConfig",
    "OfflineStoreConfig",
    "ThroughputConfig",
    "RoleArn",
    "Description",
)
"""DescribeFeatureGroup and AWS::SageMaker::FeatureGroup use the same names."""

FEATURES = [
    {"FeatureName": "customer_id", "FeatureType": "String"},
    {"FeatureName": "event_time", "FeatureType": "String"},
    {"FeatureName": "transactions_30d", "FeatureType": "Integral"},
]


class FeatureGroup(sagemaker.SageMakerType):
    name = "AWS::SageMaker::FeatureGroup"
    sample_id = "customer-features"
    sample = {
        "FeatureGroupName": "customer-features",
        "RecordIdentifierFeatureName": "customer_id",
        "EventTimeFeatureName": "event_time",
        "FeatureDefinitions": FEATURES,
        "RoleArn": SAMPLE_ROLE_ARN,
        "OnlineStoreConfig": {"EnableOnlineStore": True, "SecurityConfig": {"KmsKeyId": SAMPLE_KEY_ARN}},
        "OfflineStoreConfig": {
            "S3StorageConfig": {"S3Uri": f"s3://feature-store-{SAMPLE_ACCOUNT}/customer", "KmsKeyId": SAMPLE_KEY_ARN}
        },
    }
    describe_properties = PROPERTIES
    identifier = "FeatureGroupName"
    arn_field = "FeatureGroupArn"
    queryable = True  # config/properties/resource-types in awslabs/aws-config-resource-schema
    listing = ("list_feature_groups", "FeatureGroupSummaries")
    describe_operation = "describe_feature_group"
    template_typed_properties = (
        (("OnlineStoreConfig", "EnableOnlineStore"), BOOLEAN),
        (("OfflineStoreConfig", "DisableGlueTableCreation"), BOOLEAN),
    )
    unconfirmed_properties = (
        "OfflineStoreConfig.S3StorageConfig.KmsKeyId",
        "OnlineStoreConfig.SecurityConfig.KmsKeyId",
        "OnlineStoreConfig.StorageType",
    )

    def example(self, session: Any, base: DemoBase, name: str, *, compliant: bool, **changes: Any) -> str:
        """Customer features in an online store (standard storage) and an offline store in the
        base's bucket; compliant: both encrypted with the base's key. Not: neither key."""
        online: dict[str, Any] = {"EnableOnlineStore": True}
        offline: dict[str, Any] = {"S3StorageConfig": {"S3Uri": f"s3://{base.log_bucket}/feature-store/{name}"}}
        if compliant:
            online["SecurityConfig"] = {"KmsKeyId": base.key_arn}
            offline["S3StorageConfig"]["KmsKeyId"] = base.key_arn
        request = {
            "FeatureGroupName": name,
            "RecordIdentifierFeatureName": "customer_id",
            "EventTimeFeatureName": "event_time",
            "FeatureDefinitions": FEATURES,
            "OnlineStoreConfig": online,
            "OfflineStoreConfig": offline,
            "RoleArn": base.role_arn,
        }
        session.client("sagemaker").create_feature_group(**(request | changes))
        return name


TYPE = FeatureGroup()
