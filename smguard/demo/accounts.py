"""Credentials of an account of the served embedded AWS, for this process and for whoever it serves.

moto 5.2.5 puts a request in the account its access key belongs to: a key IAM issued (CreateAccessKey)
or STS issued (AssumeRole) in that account; any other key lands in moto's default account
123456789012 (and ``MOTO_ACCOUNT_ID``, which the demo never sets, would override them all). So the
demo never hands out made-up keys: it creates an IAM user with an access key in the account it
announces, as an administrator would for an operator, and reaches other accounts of its
organization through AssumeRole as AWS Organizations' management account does.
"""

from __future__ import annotations

from dataclasses import dataclass

import boto3

OPERATOR_USER = "smguard-demo-operator"
ORGANIZATION_ACCESS_ROLE = "OrganizationAccountAccessRole"
"""The role AWS Organizations creates in every account it creates, trusted by the management account
(AWS Organizations User Guide, "Accessing member accounts in your organization")."""


@dataclass(frozen=True)
class AccountCredentials:
    account_id: str
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None

    def session(self, region: str) -> boto3.Session:
        return boto3.Session(
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            aws_session_token=self.session_token,
            region_name=region,
        )

    def environment(self, endpoint_url: str, region: str) -> dict[str, str]:
        """The variables a shell sets to call the served AWS as this account (and nothing else)."""
        variables = {
            "AWS_ENDPOINT_URL": endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
        }
        if self.session_token:
            variables["AWS_SESSION_TOKEN"] = self.session_token
        return variables


def operator_credentials(session: boto3.Session, account_id: str) -> AccountCredentials:
    """A long-lived access key of a new IAM user in ``session``'s account, checked to act as ``account_id``."""
    iam = session.client("iam")
    iam.create_user(UserName=OPERATOR_USER)
    key = iam.create_access_key(UserName=OPERATOR_USER)["AccessKey"]
    credentials = AccountCredentials(account_id, key["AccessKeyId"], key["SecretAccessKey"])
    _check(credentials, session.region_name)
    return credentials


def assumed_credentials(session: boto3.Session, account_id: str, role_name: str = ORGANIZATION_ACCESS_ROLE) -> AccountCredentials:
    """Credentials of ``role_name`` in ``account_id``, assumed from ``session``'s account."""
    issued = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}", RoleSessionName="smguard-demo"
    )["Credentials"]
    credentials = AccountCredentials(account_id, issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"])
    _check(credentials, session.region_name)
    return credentials


def _check(credentials: AccountCredentials, region: str) -> None:
    """The embedded AWS must place these credentials' requests in their account, or the demo would lie."""
    actual = credentials.session(region).client("sts").get_caller_identity()["Account"]
    if actual != credentials.account_id:
        raise RuntimeError(f"the embedded AWS puts requests with these credentials in account {actual}, not {credentials.account_id}")
