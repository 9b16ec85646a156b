"""Test set-up shared by tests/ and every rule's tests/ folder.

No test may reach AWS: fake credentials are set before anything imports boto3, and every AWS
call goes to moto (or a botocore Stubber where moto lacks the API).
"""

from __future__ import annotations

import os

for _name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    AWS_CONFIG_FILE="/dev/null",
    AWS_SHARED_CREDENTIALS_FILE="/dev/null",
    POWERTOOLS_METRICS_NAMESPACE="smguard",
)

import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS  # noqa: E402
from smguard.engine.handler import SHARED_CLIENTS  # noqa: E402
from tests.support.aws import PutEvaluationsRecorder, record_put_evaluations  # noqa: E402


@pytest.fixture
def aws():
    """An empty in-process AWS (moto) with fresh client and exemption-register caches."""
    SHARED_CLIENTS.clear()
    SHARED_EXEMPTION_REGISTERS.clear()
    with mock_aws():
        yield
    SHARED_CLIENTS.clear()
    SHARED_EXEMPTION_REGISTERS.clear()


@pytest.fixture
def posted(aws) -> PutEvaluationsRecorder:
    """What the rule handlers send to PutEvaluations during the test."""
    return record_put_evaluations()
