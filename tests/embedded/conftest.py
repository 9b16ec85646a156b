"""An embedded AWS with Config's compliance APIs, and helpers to create rules and post results."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest

from smguard.embedded import install, result_token
from tests.embedded.shapes import RawResponses
from tests.support.functions import placeholder_function

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "222222222222"
REGION = "us-east-1"
T0 = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


@dataclass
class Account:
    """One account and region of the embedded AWS, seen through real boto3 clients."""

    session: boto3.Session
    account_id: str
    region: str

    def __post_init__(self) -> None:
        self.config = self.session.client("config")
        self.raw = RawResponses(self.config)

    def create_rule(self, name: str, resource_types: tuple[str, ...] = ("AWS::SageMaker::NotebookInstance",)) -> None:
        function_arn = placeholder_function(self.session, "embedded-test-rule")
        self.config.put_config_rule(
            ConfigRule={
                "ConfigRuleName": name,
                "Scope": {"ComplianceResourceTypes": list(resource_types)},
                "Source": {
                    "Owner": "CUSTOM_LAMBDA",
                    "SourceIdentifier": function_arn,
                    "SourceDetails": [{"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"}],
                },
            }
        )

    def token(self, rule: str, invoked_at: datetime = T0) -> str:
        return result_token(rule, account_id=self.account_id, region=self.region, invoked_at=invoked_at)

    def post(self, rule: str, *results: tuple[str, str, str | None], at: datetime = T0, **kwargs: Any) -> dict[str, Any]:
        """Post (resource id, compliance, annotation) for notebook instances, ordered at ``at``."""
        return self.config.put_evaluations(
            Evaluations=[evaluation(resource_id, compliance, annotation, at) for resource_id, compliance, annotation in results],
            ResultToken=kwargs.pop("token", None) or self.token(rule),
            **kwargs,
        )


def evaluation(resource_id: str, compliance: str, annotation: str | None, at: datetime = T0) -> dict[str, Any]:
    entry = {
        "ComplianceResourceType": "AWS::SageMaker::NotebookInstance",
        "ComplianceResourceId": resource_id,
        "ComplianceType": compliance,
        "OrderingTimestamp": at,
    }
    if annotation is not None:
        entry["Annotation"] = annotation
    return entry


def assumed_session(session: boto3.Session, account_id: str, region: str) -> boto3.Session:
    """A session in another account, by assuming a role there (moto maps the keys to that account)."""
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/smguard-member", RoleSessionName="smguard-test"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


@pytest.fixture
def account(aws) -> Iterator[Account]:
    install()
    main = Account(boto3.Session(region_name=REGION), ACCOUNT, REGION)
    yield main
    assert main.raw.conformance_errors() == []


ONE_SECOND = timedelta(seconds=1)
