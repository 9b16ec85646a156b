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
    # moto builds every region's EC2 backend with its catalogue of public AMIs (half a second per
    # test that touches EC2); no rule, demo resource or test reads an AMI.
    MOTO_EC2_LOAD_DEFAULT_AMIS="false",
)

import functools  # noqa: E402

import botocore.session  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

# moto gives every mock a fresh default boto3 session, and each new botocore session would parse the
# service models (megabytes of JSON for SageMaker and EC2) again: about half of each test's set-up.
# The files under botocore/data never change during a run, so every session of the run shares one
# data loader (and its caches); clients, credentials and endpoints stay per session.
botocore.session.create_loader = functools.cache(botocore.session.create_loader)

from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS  # noqa: E402
from smguard.engine.handler import SHARED_CLIENTS  # noqa: E402
from tests.support.aws import PutEvaluationsRecorder, record_put_evaluations  # noqa: E402
from tests.support.aws_calls import is_rule_folder_test, recording_rule_calls  # noqa: E402


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


@pytest.fixture(scope="session")
def granted_actions() -> dict[str, dict[str, set[str]]]:
    """Deployment mode -> rule -> the calls template.yaml lets the rule's function make."""
    from tests.template.conftest import load_template
    from tests.template.grants import granted_by_mode

    return granted_by_mode(load_template())


@pytest.fixture(autouse=True)
def rule_calls_are_granted(request: pytest.FixtureRequest):
    """Every test of a rule folder also proves template.yaml grants each call the rule's handler made
    in it (in both deployment modes): the run that tests the rule is the record of what it calls."""
    if not is_rule_folder_test(request.node.path):
        yield
        return
    granted = request.getfixturevalue("granted_actions")
    with recording_rule_calls() as calls:
        yield
    from tests.template.grants import missing_grants

    for mode, rules in granted.items():
        if missing := missing_grants(calls, rules):
            pytest.fail(f"template.yaml ({mode} mode) does not grant calls the handler made: {missing}")


LONG_FILES_FIRST = (
    "tests/template/test_lint.py",  # one cfn-lint run over nine templates
    "tests/template/test_checkov.py",  # one checkov run
    "tests/faults/test_faults.py",  # every fault scenario, once per session
    "tests/template/test_build.py",  # sam build of a copy of the checkout
    "tests/test_distribution.py",  # builds the wheel and installs it
    "tests/test_adding_a_rule.py",  # a copy of the repository with a new rule, regenerated
)
"""Files whose shared fixture runs for tens of seconds: they start first, alternately on the two
workers (make test gives pytest-xdist one file per worker), so no worker is left waiting on one of
them at the end of the run. Order only: every test stays independent of the others."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.path.relative_to(config.rootpath).as_posix() if item.path.is_relative_to(config.rootpath) else ""
        return LONG_FILES_FIRST.index(path) if path in LONG_FILES_FIRST else len(LONG_FILES_FIRST)

    items.sort(key=rank)
