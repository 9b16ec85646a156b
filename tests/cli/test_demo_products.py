"""The demo's team account: the products of products/, launched as CloudFormation creates them, are
judged COMPLIANT by every rule (NOT_APPLICABLE only where a rule does not judge the resource)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone

import boto3
import pytest
from rich.console import Console

from smguard.demo import environment
from smguard.demo.embedded_aws import embedded_aws
from smguard.demo.products import EXPECTED_RESULTS, LaunchedProducts, launch_and_evaluate, render, results
from smguard.cli.tables import ResultRow

EXPECTED = {
    ("notebook_direct_internet", "SageMaker NotebookInstance", "COMPLIANT"): (
        r"DirectInternetAccess is Disabled: the notebook has no SageMaker-provided internet route and reaches networks only "
        r"through subnet subnet-[0-9a-f]{17} of the organization's VPC\."
    ),
    ("notebook_in_vpc", "SageMaker NotebookInstance", "COMPLIANT"): r"The notebook runs in the organization's VPC: SubnetId is subnet-[0-9a-f]{17}\.",
    ("notebook_root_access", "SageMaker NotebookInstance", "COMPLIANT"): r"RootAccess is Disabled\.",
    ("sagemaker_kms", "SageMaker NotebookInstance", "COMPLIANT"): r"KmsKeyId is arn:aws:kms:us-east-1:\d{12}:key/[0-9a-f-]{36}, an enabled customer managed key\.",
    ("sagemaker_kms", "SageMaker Domain", "COMPLIANT"): r"KmsKeyId is arn:aws:kms:us-east-1:\d{12}:key/[0-9a-f-]{36}, an enabled customer managed key\.",
    ("studio_domain_vpc_only", "SageMaker Domain", "COMPLIANT"): r"AppNetworkAccessType is VpcOnly: Studio traffic goes through vpc-[0-9a-f]{17}; notebook sharing is off\.",
    ("vpc_default_sg", "EC2 SecurityGroup", "COMPLIANT"): r"The default security group sg-[0-9a-f]{17} of vpc-[0-9a-f]{17} has no inbound or outbound rules\.",
    ("vpc_default_sg", "EC2 SecurityGroup", "NOT_APPLICABLE"): (
        r"Security group sg-[0-9a-f]{17} is named SC-\d{12}-pp-0000000000001-SageMakerSecurityGroup-[0-9A-F]{12}, "
        r"not a VPC's default security group\."
    ),
    ("vpc_endpoints", "EC2 VPC", "COMPLIANT"): (
        r"VPC vpc-[0-9a-f]{17} has an available endpoint \(Interface with private DNS, or Gateway\) for "
        r"sagemaker\.api, sagemaker\.runtime, sts, logs, s3\."
    ),
    ("vpc_flow_logs", "EC2 VPC", "COMPLIANT"): (
        rf"Flow log fl-[0-9a-f]{{17}} of vpc-[0-9a-f]{{17}} captures ALL traffic to arn:aws:s3:::{environment.CENTRAL_LOG_BUCKET}, "
        r"aggregated over at most 60s; it is ACTIVE and delivering\."
    ),
}


@pytest.fixture(scope="module")
def launched() -> tuple[LaunchedProducts, list[ResultRow]]:
    with embedded_aws(environment.REGION):
        session = boto3.Session(region_name=environment.REGION)
        done = launch_and_evaluate(session, datetime.now(timezone.utc))
        yield done, results(done)


def test_every_rule_judges_what_the_products_created_compliant(launched):
    _, rows = launched
    known_rules = {rule for rule, _, _ in EXPECTED}
    found = Counter((row.rule, row.resource[0], row.result) for row in rows if row.rule in known_rules)
    assert found == Counter({key: 1 for key in EXPECTED})
    for row in rows:
        if row.rule in known_rules:
            assert re.fullmatch(EXPECTED[(row.rule, row.resource[0], row.result)], row.annotation), (row.rule, row.annotation)
    # A rule added after these expectations were written must find the products compliant too.
    assert {row.result for row in rows} <= EXPECTED_RESULTS


def test_every_product_is_launched_and_what_the_embedded_aws_cannot_create_is_named(launched):
    done, _ = launched
    assert list(done.stacks) == ["data-science-environment", "sagemaker-notebook", "sagemaker-studio", "sagemaker-studio-user"]
    assert done.stacks["data-science-environment"].skipped == {
        "CodeArtifactDomain": "AWS::CodeArtifact::Domain",
        "PublicPyPiRepository": "AWS::CodeArtifact::Repository",
        "PyPiMirror": "AWS::CodeArtifact::Repository",
    }
    assert done.stacks["sagemaker-studio-user"].skipped == {"UserProfile": "AWS::SageMaker::UserProfile"}
    assert not done.stacks["sagemaker-notebook"].skipped and not done.stacks["sagemaker-studio"].skipped
    assert {run.rule for run in done.runs} >= {rule for rule, _, _ in EXPECTED}


def test_a_result_that_is_neither_compliant_nor_not_applicable_is_called_out():
    rows = [ResultRow("vpc_flow_logs", ("EC2 VPC", "vpc-1"), "NON_COMPLIANT", "no flow log")]
    console = Console(width=120, record=True)
    console.print(render(rows))
    assert "1 result(s) on what the products created are neither COMPLIANT nor NOT_APPLICABLE." in console.export_text()
