"""The region of `evaluate` and `export`: --region, else AWS_REGION (which boto3 itself ignores), else boto3's own order."""

from __future__ import annotations

import boto3
import pytest
from click.testing import CliRunner

from smguard.cli.main import cli
from smguard.cli.options import NO_REGION
from tests.support.tables import table_rows

ROLE = "arn:aws:iam::123456789012:role/ds-notebook"


@pytest.fixture
def only(monkeypatch):
    """A shell that sets only the region variables given (the suite's conftest sets both)."""

    def set_only(**variables: str) -> None:
        for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    return set_only


def notebook_in(region: str, name: str, url: str) -> None:
    sagemaker = boto3.client("sagemaker", region_name=region, endpoint_url=url)
    sagemaker.create_notebook_instance(NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE, RootAccess="Disabled")


def evaluate(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["evaluate", "--rules", "notebook_root_access", *args])
    return result.exit_code, result.stdout, result.stderr


def test_evaluate_reads_aws_region_when_it_is_the_only_region_set(moto_server, only):
    notebook_in("eu-west-1", "in-ireland", moto_server.url)
    notebook_in("us-east-1", "in-virginia", moto_server.url)
    only(AWS_REGION="eu-west-1")

    code, out, err = evaluate()

    assert code == 0, err
    assert table_rows(out) == [["notebook_root_access SageMaker NotebookInstance in-ireland", "COMPLIANT", "RootAccess is Disabled."]]
    assert err == "1 evaluation(s) in eu-west-1: 1 compliant, 0 non-compliant, 0 not applicable.\n"


def test_region_option_wins_over_aws_region(moto_server, only):
    notebook_in("eu-west-1", "in-ireland", moto_server.url)
    notebook_in("us-east-1", "in-virginia", moto_server.url)
    only(AWS_REGION="eu-west-1", AWS_DEFAULT_REGION="eu-west-1")

    code, out, err = evaluate("--region", "us-east-1")

    assert code == 0, err
    assert table_rows(out) == [["notebook_root_access SageMaker NotebookInstance in-virginia", "COMPLIANT", "RootAccess is Disabled."]]


def test_aws_region_wins_over_aws_default_region(moto_server, only):
    notebook_in("eu-west-1", "in-ireland", moto_server.url)
    only(AWS_REGION="eu-west-1", AWS_DEFAULT_REGION="us-east-1")

    code, _, err = evaluate("--format", "json")

    assert code == 0, err
    assert err == "1 evaluation(s) in eu-west-1: 1 compliant, 0 non-compliant, 0 not applicable.\n"


def test_aws_default_region_alone_still_works(moto_server, only):
    only(AWS_DEFAULT_REGION="eu-west-1")

    code, _, err = evaluate("--format", "json")

    assert code == 0, err
    assert err == "0 evaluation(s) in eu-west-1: 0 compliant, 0 non-compliant, 0 not applicable.\n"


@pytest.mark.parametrize("command", [["evaluate"], ["export", "--account", "123456789012", "--out", "unused"]], ids=["evaluate", "export"])
def test_no_region_anywhere_is_a_usage_error_naming_every_way_to_give_one(moto_server, only, command):
    only()

    result = CliRunner().invoke(cli, command)

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {NO_REGION}"
    assert NO_REGION == (
        "no AWS region: give --region, or set AWS_REGION (or AWS_DEFAULT_REGION, or region in the profile)"
    )


def test_export_reads_aws_region_when_it_is_the_only_region_set(moto_server, only, tmp_path):
    only(AWS_REGION="eu-west-1")

    result = CliRunner().invoke(cli, ["export", "--account", "123456789012", "--out", str(tmp_path / "bundle")])

    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == (
        "Error: no smguard rule is deployed in account 123456789012, region eu-west-1 (no Config rule "
        "smguard-<rule>-conformance-pack-<suffix> of smguard's conformance pack, nor, from a deployment before the "
        "pack, smguard-<rule> or an organization rule's copy OrgConfigRule-smguard-<rule>-<suffix>); deploy "
        "template.yaml there, or choose the region with --region. No bundle was written."
    )


@pytest.mark.parametrize("command", ["evaluate", "export"])
def test_help_names_aws_region_as_read(command):
    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)

    assert result.exit_code == 0
    assert "[env var: AWS_REGION]" in result.stdout
