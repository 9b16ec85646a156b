"""`smguard evaluate` end to end: a moto server reached through AWS_ENDPOINT_URL, counted at the server."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from smguard.catalogue import rule_names
from smguard.cli.main import cli
from smguard.deploy.naming import UnknownRuleError, names, resolve
from smguard.sweep import clients as sweep_clients
from smguard.results import EVALUATE
from tests.support.schemas import assert_valid
from tests.support.tables import table_rows

ROLE = "arn:aws:iam::123456789012:role/ds-notebook"
RULES = "notebook_root_access,notebook_direct_internet,sagemaker_kms,vpc_default_sg"


@dataclass(frozen=True)
class Account:
    """What the seeded account holds, with the ids moto generated."""

    key_arn: str
    vpc_id: str
    subnet_id: str
    notebook_group: str
    default_groups: dict[str, str]
    """VPC id -> its default security group id (moto's default VPC included)."""


def seed(client: Any) -> Account:
    ec2, kms, sagemaker = client("ec2"), client("kms"), client("sagemaker")
    key_arn = kms.create_key(Description="data science volumes")["KeyMetadata"]["Arn"]
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="notebooks", Description="notebooks", VpcId=vpc_id)["GroupId"]
    sagemaker.create_notebook_instance(
        NotebookInstanceName="research",
        InstanceType="ml.t3.medium",
        RoleArn=ROLE,
        SubnetId=subnet_id,
        SecurityGroupIds=[group],
        KmsKeyId=key_arn,
        DirectInternetAccess="Disabled",
        RootAccess="Disabled",
    )
    sagemaker.create_notebook_instance(NotebookInstanceName="sandbox", InstanceType="ml.t3.medium", RoleArn=ROLE)
    sagemaker.create_model(ModelName="churn", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "churn:1"})
    variant = {"VariantName": "primary", "ModelName": "churn", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}
    sagemaker.create_endpoint_config(EndpointConfigName="churn-encrypted", ProductionVariants=[variant], KmsKeyId=key_arn)
    sagemaker.create_endpoint_config(EndpointConfigName="churn-plain", ProductionVariants=[variant])
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    return Account(key_arn, vpc_id, subnet_id, group, {g["VpcId"]: g["GroupId"] for g in groups})


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["evaluate", *args], catch_exceptions=False)


def expected_rows(account: Account) -> list[tuple[str, str, str, str, str]]:
    nb, ec, sg = "AWS::SageMaker::NotebookInstance", "AWS::SageMaker::EndpointConfig", "AWS::EC2::SecurityGroup"
    default_sg_rows = [
        (
            "vpc_default_sg",
            sg,
            group,
            "NON_COMPLIANT",
            f"The default security group {group} has 0 inbound and 1 outbound rule(s) (out: all traffic to 0.0.0.0/0); "
            "remove them all and use dedicated security groups.",
        )
        for group in account.default_groups.values()
    ]
    default_sg_rows.append(
        (
            "vpc_default_sg",
            sg,
            account.notebook_group,
            "NOT_APPLICABLE",
            f"Security group {account.notebook_group} is named notebooks, not a VPC's default security group.",
        )
    )
    rows = [
        ("notebook_direct_internet", nb, "research", "COMPLIANT",
         "DirectInternetAccess is Disabled: the notebook has no SageMaker-provided internet route and reaches "
         f"networks only through subnet {account.subnet_id} of the organization's VPC."),
        ("notebook_direct_internet", nb, "sandbox", "NON_COMPLIANT",
         "DirectInternetAccess is Enabled (the notebook reaches the internet through SageMaker's VPC). It cannot be "
         "changed after creation: recreate the notebook with a SubnetId and DirectInternetAccess=Disabled "
         "(CreateNotebookInstance)."),
        ("notebook_root_access", nb, "research", "COMPLIANT", "RootAccess is Disabled."),
        ("notebook_root_access", nb, "sandbox", "NON_COMPLIANT",
         "RootAccess is absent (defaults to Enabled); set RootAccess to Disabled (stop the notebook, then "
         "UpdateNotebookInstance)."),
        ("sagemaker_kms", ec, "churn-encrypted", "COMPLIANT", f"KmsKeyId is {account.key_arn}."),
        ("sagemaker_kms", ec, "churn-plain", "NON_COMPLIANT",
         "KmsKeyId is absent (volumes use an AWS managed key); create a new endpoint configuration with KmsKeyId "
         "and update the endpoint."),
        ("sagemaker_kms", nb, "research", "COMPLIANT", f"KmsKeyId is {account.key_arn}."),
        ("sagemaker_kms", nb, "sandbox", "NON_COMPLIANT",
         "KmsKeyId is absent (volumes use an AWS managed key); KmsKeyId cannot be changed: create a new notebook "
         "instance with KmsKeyId and move the work to it."),
    ]
    return sorted(rows + default_sg_rows)


def as_tuples(records: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return [(r["rule"], r["resource_type"], r["resource_id"], r["compliance"], r["annotation"]) for r in records]


def test_json_output_has_one_exact_row_per_rule_and_resource(client, moto_server):
    account = seed(client)

    result = run("--rules", RULES, "--format", "json")

    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert_valid(EVALUATE, records)  # docs/schemas/smguard-evaluate.schema.json
    assert as_tuples(records) == expected_rows(account)
    assert {(r["schema"], r["account_id"], r["region"]) for r in records} == {("smguard-evaluate/1", "123456789012", "us-east-1")}
    [root] = [r for r in records if r["rule"] == "notebook_root_access" and r["resource_id"] == "sandbox"]
    assert {k: root[k] for k in ("severity", "security_hub_controls", "nist_800_53_controls", "aws_config_managed_rules")} == {
        "severity": "high",
        "security_hub_controls": ["SageMaker.3"],
        "nist_800_53_controls": ["AC-3", "AC-6", "AC-6(10)"],
        "aws_config_managed_rules": ["sagemaker-notebook-instance-root-access-check"],
    }
    assert result.stderr == "11 evaluation(s) in us-east-1: 4 compliant, 6 non-compliant, 1 not applicable.\n"


def test_csv_output_carries_the_same_rows(client, moto_server):
    account = seed(client)

    result = run("--rules", RULES, "--format", "csv")

    assert result.exit_code == 0, result.output
    assert not result.stdout.startswith("\ufeff")  # no byte-order mark on a stream another program reads
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == [
        "schema", "rule", "account_id", "region", "resource_type", "resource_id", "compliance", "annotation",
        "severity", "security_hub_controls", "nist_800_53_controls", "aws_config_managed_rules",
    ]
    rows = list(reader)
    assert as_tuples(rows) == expected_rows(account)
    [root] = [r for r in rows if r["rule"] == "notebook_root_access" and r["resource_id"] == "sandbox"]
    assert (root["account_id"], root["region"], root["nist_800_53_controls"]) == ("123456789012", "us-east-1", "AC-3 AC-6 AC-6(10)")


def test_table_output_shows_results_and_annotations(client, moto_server, monkeypatch):
    seed(client)
    monkeypatch.setenv("COLUMNS", "250")

    result = run("--rules", "notebook_root_access")

    assert result.exit_code == 0, result.output
    assert table_rows(result.stdout) == [
        ["notebook_root_access SageMaker NotebookInstance research", "COMPLIANT", "RootAccess is Disabled."],
        [
            "notebook_root_access SageMaker NotebookInstance sandbox",
            "NON_COMPLIANT",
            "RootAccess is absent (defaults to Enabled); set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).",
        ],
    ]


def test_rules_option_runs_only_the_chosen_rules_and_reads_only_their_resources(client, moto_server):
    seed(client)
    moto_server.requests.reset()

    result = run("--rules", "notebook_root_access", "--format", "json")

    assert result.exit_code == 0, result.output
    assert {row["rule"] for row in json.loads(result.stdout)} == {"notebook_root_access"}
    assert dict(moto_server.requests.counts) == {
        ("sts", "GetCallerIdentity"): 1,  # the account each result names
        ("sagemaker", "ListNotebookInstances"): 1,
        ("sagemaker", "DescribeNotebookInstance"): 2,
    }


def test_one_describe_per_sagemaker_resource_and_one_call_per_ec2_collection(client, moto_server):
    seed(client)
    sagemaker = client("sagemaker")
    for index in range(25):
        sagemaker.create_notebook_instance(NotebookInstanceName=f"bulk-{index}", InstanceType="ml.t3.medium", RoleArn=ROLE)
    moto_server.requests.reset()

    result = run("--rules", RULES, "--format", "json")

    assert result.exit_code == 0, result.output
    assert dict(moto_server.requests.counts) == {
        ("sts", "GetCallerIdentity"): 1,
        ("sagemaker", "ListNotebookInstances"): 1,
        ("sagemaker", "DescribeNotebookInstance"): 27,
        ("sagemaker", "ListEndpointConfigs"): 1,
        ("sagemaker", "DescribeEndpointConfig"): 2,
        ("sagemaker", "ListDomains"): 1,
        # sagemaker_kms's other types: one List each, nothing to describe in this account
        **{("sagemaker", f"List{kind}JobDefinitions"): 1 for kind in ("DataQuality", "ModelBias", "ModelExplainability", "ModelQuality")},
        ("sagemaker", "ListMonitoringSchedules"): 1,
        ("sagemaker", "ListFeatureGroups"): 1,
        ("sagemaker", "ListInferenceExperiments"): 1,
        ("ec2", "DescribeSecurityGroups"): 1,
    }


def test_fail_on_noncompliant_exits_1_only_when_something_is_non_compliant(client, moto_server):
    seed(client)

    failing = run("--rules", "notebook_root_access", "--format", "json", "--fail-on-noncompliant")
    passing = run("--rules", "notebook_root_access", "--format", "json")

    assert failing.exit_code == 1
    assert passing.exit_code == 0


def test_fail_on_noncompliant_exits_0_when_everything_complies(client, moto_server):
    client("sagemaker").create_notebook_instance(
        NotebookInstanceName="locked", InstanceType="ml.t3.medium", RoleArn=ROLE, RootAccess="Disabled"
    )

    result = run("--rules", "notebook_root_access", "--format", "json", "--fail-on-noncompliant")

    assert result.exit_code == 0
    assert as_tuples(json.loads(result.stdout)) == [
        ("notebook_root_access", "AWS::SageMaker::NotebookInstance", "locked", "COMPLIANT", "RootAccess is Disabled.")
    ]


def test_parameters_from_the_command_line_reach_the_rule(client, moto_server):
    account = seed(client)
    other_key = client("kms").create_key()["KeyMetadata"]["Arn"]

    result = run("--rules", "sagemaker_kms", "--format", "json", "--param", f"sagemaker_kms.KmsKeyArns={other_key}")

    assert result.exit_code == 0, result.output
    rows = {row["resource_id"]: (row["compliance"], row["annotation"]) for row in json.loads(result.stdout)}
    assert rows["research"] == (
        "NON_COMPLIANT",
        f"KmsKeyId {account.key_arn} is key {account.key_arn}, not in KmsKeyArns; use an approved key.",
    )
    assert rows["churn-encrypted"] == rows["research"]


def test_parameters_from_a_file_and_the_command_line_wins(client, moto_server, tmp_path):
    account = seed(client)
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"sagemaker_kms": {"KmsKeyArns": "arn:aws:kms:us-east-1:123456789012:key/other"}}))

    from_file = run("--rules", "sagemaker_kms", "--format", "json", "--params-file", str(params))
    overridden = run(
        "--rules", "sagemaker_kms", "--format", "json", "--params-file", str(params),
        "--param", f"sagemaker_kms.KmsKeyArns={account.key_arn}",
    )

    assert {r["resource_id"]: r["compliance"] for r in json.loads(from_file.stdout)}["research"] == "NON_COMPLIANT"
    assert {r["resource_id"]: r["annotation"] for r in json.loads(overridden.stdout)}["research"] == (
        f"KmsKeyId is {account.key_arn}, an approved key."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--param", "sagemaker_kms.KmsKeyArns=not-an-arn"],
            "Invalid value for --param: rule sagemaker_kms, rule parameter 'KmsKeyArns': 'not-an-arn' is not a KMS key "
            "ARN (expected pattern arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[a-zA-Z0-9-]+)",
        ),
        (
            ["--param", "notebook_root_access.AllowedLifecycleConfig=x"],
            "Invalid value for --param: rule notebook_root_access, rule parameter 'AllowedLifecycleConfig': unknown "
            "parameter; this rule accepts: AllowedLifecycleConfigs",
        ),
        (["--param", "sagemaker_kms"], "Invalid value for --param: 'sagemaker_kms' is not RULE.NAME=VALUE"),
        (["--param", "no_such_rule.X=1"], "Invalid value for --param: parameters given for an unknown rule: 'no_such_rule' names no smguard rule"),
        (["--rules", "notebook_root_acess"], "Invalid value for --rules: 'notebook_root_acess' names no smguard rule; give a rule's name ("),
        (
            ["--param", "vpc_default_sg.ExecutionRoleName=auditor"],
            "Invalid value for --param: rule vpc_default_sg, rule parameter 'ExecutionRoleName': applies to deployed "
            "rules only; evaluate another account with --profile instead",
        ),
    ],
)
def test_bad_parameters_exit_2_with_a_message_naming_them(moto_server, args, message):
    result = run(*args)

    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert moto_server.requests.total() == 0  # refused before reading anything


def test_a_malformed_params_file_is_refused(moto_server, tmp_path):
    params = tmp_path / "params.json"
    params.write_text('{"sagemaker_kms": "KmsKeyArns"}')

    result = run("--params-file", str(params))

    assert result.exit_code == 2
    assert 'expected {"rule_name": {"ParameterName": "value"}}' in result.stderr


def test_no_credentials_exit_3_and_say_so(moto_server, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")

    result = run("--rules", "notebook_root_access")

    assert result.exit_code == 3
    assert result.stderr == "Error: NoCredentialsError: Unable to locate credentials\n"


def test_access_denied_exits_3_naming_the_call(client, moto_server, monkeypatch):
    client("sagemaker").create_notebook_instance(NotebookInstanceName="x", InstanceType="ml.t3.medium", RoleArn=ROLE)

    def deny(**kwargs: Any) -> None:
        raise_access_denied(kwargs["model"].name)

    # moto does not enforce IAM here; a botocore hook on the sweep's clients answers as AWS would.
    original = sweep_clients.SweepClients.build_client

    def build_client(self: Any, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        built = original(self, service, region, assume_role_mode)
        built.meta.events.register("before-call.sagemaker.DescribeNotebookInstance", deny)
        return built

    monkeypatch.setattr(sweep_clients.SweepClients, "build_client", build_client)

    result = run("--rules", "notebook_root_access")

    assert result.exit_code == 3
    assert result.stderr == (
        "Error: DescribeNotebookInstance failed with AccessDeniedException: not allowed; nothing was evaluated "
        "(the caller needs read-only access, e.g. the ReadOnlyAccess policy).\n"
    )


def raise_access_denied(operation: str) -> None:
    raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, operation)


SANDBOX_REGISTER = {
        "version": 1,
        "exemptions": [
            {
                "rule": "notebook_root_access",
                "resource": "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/sandbox",
                "reason": "GPU driver build needs root until the golden image ships.",
                "ticket": "SEC-1042",
                "expires": "2099-12-31",
            },
            {
                "rule": "*",
                "resource": "churn-plain",
                "reason": "Replaced by churn-encrypted; deleted at the next release.",
                "approver": "cloud-security@example.com",
                "expires": "2026-01-31",
            },
        ],
}
SANDBOX_EXEMPT = "EXEMPT until 2099-12-31 (ticket SEC-1042): GPU driver build needs root until the golden image ships."


def test_the_exemption_register_applies_as_in_the_deployed_rule(client, moto_server):
    seed(client)
    client("ssm").put_parameter(Name="/smguard/exemptions", Type="String", Value=json.dumps(SANDBOX_REGISTER))

    result = run(
        "--rules", "notebook_root_access", "--format", "json",
        "--param", "notebook_root_access.ExemptionsParameterName=/smguard/exemptions",
    )

    assert result.exit_code == 0, result.output
    assert as_tuples(json.loads(result.stdout)) == [
        ("notebook_root_access", "AWS::SageMaker::NotebookInstance", "research", "COMPLIANT", "RootAccess is Disabled."),
        ("notebook_root_access", "AWS::SageMaker::NotebookInstance", "sandbox", "NOT_APPLICABLE", SANDBOX_EXEMPT),
    ]


def test_one_option_applies_the_register_to_every_rule_as_the_stack_does(client, moto_server):
    """--exemptions-parameter is the stack's ExemptionsParameterName: every rule reads it, so an entry
    for "*" reaches sagemaker_kms too, and an expired one says so instead of exempting."""
    seed(client)
    client("ssm").put_parameter(Name="/smguard/exemptions", Type="String", Value=json.dumps(SANDBOX_REGISTER))
    moto_server.requests.reset()

    result = run("--rules", "notebook_root_access,sagemaker_kms", "--format", "json", "--exemptions-parameter", "/smguard/exemptions")

    assert result.exit_code == 0, result.output
    rows = {(r["rule"], r["resource_id"]): (r["compliance"], r["annotation"]) for r in json.loads(result.stdout)}
    assert rows[("notebook_root_access", "sandbox")] == ("NOT_APPLICABLE", SANDBOX_EXEMPT)
    assert rows[("sagemaker_kms", "churn-plain")] == (
        "NON_COMPLIANT",
        "Exemption (approved by cloud-security@example.com) expired on 2026-01-31. KmsKeyId is absent (volumes use an AWS "
        "managed key); create a new endpoint configuration with KmsKeyId and update the endpoint.",
    )
    assert rows[("sagemaker_kms", "sandbox")][0] == "NON_COMPLIANT"  # the entry names notebook_root_access only
    assert moto_server.requests.counts[("ssm", "GetParameter")] == 1  # read once for every rule that names it (one run, one register)


def test_the_register_option_refuses_a_rule_given_another_register(client, moto_server):
    result = run(
        "--rules", "notebook_root_access", "--exemptions-parameter", "/smguard/exemptions",
        "--param", "smguard-notebook-root-access.ExemptionsParameterName=/other/register",
    )
    assert result.exit_code == 2
    assert (
        "smguard-notebook-root-access.ExemptionsParameterName=/other/register contradicts --exemptions-parameter "
        "/smguard/exemptions: the deployed rules read one register; give it once"
    ) in " ".join(result.stderr.split())
    assert moto_server.requests.total() == 0


def test_a_missing_register_fails_with_exit_3_naming_it(client, moto_server):
    seed(client)
    result = run("--rules", "notebook_root_access", "--exemptions-parameter", "/smguard/missing")
    assert result.exit_code == 3
    assert "'/smguard/missing'" in result.stderr and "ParameterNotFound" in result.stderr
    assert result.stdout == ""


def test_periodic_rules_run_their_own_bulk_sweep(client, moto_server):
    ec2, s3 = client("ec2"), client("s3")
    s3.create_bucket(Bucket="central-flow-logs")
    logged = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    unlogged = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    flow_log = ec2.create_flow_logs(
        ResourceIds=[logged], ResourceType="VPC", TrafficType="ALL",
        LogDestinationType="s3", LogDestination="arn:aws:s3:::central-flow-logs",
    )["FlowLogIds"][0]
    moto_server.requests.reset()

    result = run(
        "--rules", "vpc_flow_logs", "--format", "json",
        "--param", "vpc_flow_logs.LogDestinations=arn:aws:s3:::central-flow-logs",
    )

    assert result.exit_code == 0, result.output
    rows = {row["resource_id"]: (row["compliance"], row["annotation"]) for row in json.loads(result.stdout)}
    assert set(rows) == {logged, unlogged, default_vpc}
    assert rows[logged] == (
        "COMPLIANT",
        f"Flow log {flow_log} of {logged} captures ALL traffic to arn:aws:s3:::central-flow-logs, aggregated over at "
        "most 600s; it is ACTIVE and delivering.",
    )
    for vpc in (unlogged, default_vpc):
        assert rows[vpc] == (
            "NON_COMPLIANT",
            f"VPC {vpc} has no VPC-level flow log. Call CreateFlowLogs (ResourceType VPC, TrafficType ALL, "
            "LogDestination under arn:aws:s3:::central-flow-logs).",
        )
    assert dict(moto_server.requests.counts) == {("sts", "GetCallerIdentity"): 1, ("ec2", "DescribeVpcs"): 1, ("ec2", "DescribeFlowLogs"): 1}


def test_a_malformed_endpoint_url_exits_3_not_1(moto_server, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "not a url")

    result = run("--rules", "notebook_root_access", "--fail-on-noncompliant")

    assert result.exit_code == 3
    assert result.stderr == (
        "Error: cannot create the sagemaker client: Invalid endpoint: not a url; check AWS_ENDPOINT_URL, the region "
        "and the profile; nothing was evaluated.\n"
    )


def test_an_unexpected_error_exits_4_not_1(moto_server, monkeypatch):
    def broken(*_: Any) -> None:
        raise KeyError("NotebookInstanceName")

    monkeypatch.setattr("smguard.cli.evaluate.collect", broken)

    result = run("--rules", "notebook_root_access", "--fail-on-noncompliant")

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: unexpected KeyError: 'NotebookInstanceName'; nothing was evaluated. This is a bug in smguard: "
        "please report it.\n"
    )


def test_an_interruption_exits_130_not_1(moto_server, monkeypatch):
    def interrupted(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("smguard.cli.evaluate.collect", interrupted)

    result = run("--rules", "notebook_root_access", "--fail-on-noncompliant")

    assert result.exit_code == 130
    assert result.stderr == "Interrupted; nothing was evaluated.\n"


def test_more_than_one_page_of_notebooks_is_listed_in_pages_of_100(client, moto_server, monkeypatch):
    sagemaker = client("sagemaker")
    for index in range(150):
        sagemaker.create_notebook_instance(NotebookInstanceName=f"bulk-{index:03}", InstanceType="ml.t3.medium", RoleArn=ROLE)
    page_sizes: list[int] = []
    original = sweep_clients.SweepClients.build_client

    def build_client(self: Any, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        built = original(self, service, region, assume_role_mode)
        built.meta.events.register(
            "provide-client-params.sagemaker.ListNotebookInstances", lambda params, **_: page_sizes.append(params["MaxResults"])
        )
        return built

    monkeypatch.setattr(sweep_clients.SweepClients, "build_client", build_client)
    moto_server.requests.reset()

    result = run("--rules", "notebook_root_access", "--format", "json")

    assert result.exit_code == 0, result.output
    assert sorted(row["resource_id"] for row in json.loads(result.stdout)) == [f"bulk-{index:03}" for index in range(150)]
    assert page_sizes == [100, 100]
    assert dict(moto_server.requests.counts) == {
        ("sts", "GetCallerIdentity"): 1,
        ("sagemaker", "ListNotebookInstances"): 2,
        ("sagemaker", "DescribeNotebookInstance"): 150,
    }


def test_every_client_of_the_sweep_retries_in_adaptive_mode(client, moto_server, monkeypatch):
    seed(client)
    built: list[Any] = []
    original = sweep_clients.SweepClients.build_client

    def build_client(self: Any, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        built.append(original(self, service, region, assume_role_mode))
        return built[-1]

    monkeypatch.setattr(sweep_clients.SweepClients, "build_client", build_client)

    client("ssm").put_parameter(Name="/smguard/exemptions", Type="String", Value=json.dumps({"version": 1, "exemptions": []}))

    result = run("--rules", RULES, "--format", "json", "--param", "notebook_root_access.ExemptionsParameterName=/smguard/exemptions")

    assert result.exit_code == 0, result.output
    assert {c.meta.service_model.service_name for c in built} == {"sagemaker", "ec2", "sts", "ssm"}
    assert {(c.meta.config.retries["mode"], c.meta.config.retries["total_max_attempts"]) for c in built} == {("adaptive", 11)}


def test_a_terminal_sees_the_progress_bar_on_stderr(client, moto_server, monkeypatch):
    seed(client)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich's switch: stderr is a terminal

    result = run("--rules", "notebook_root_access", "--format", "json")

    assert result.exit_code == 0, result.output
    assert "Describing resources" in result.stderr and "2/2" in result.stderr  # its last frame, before it is erased
    assert len(json.loads(result.stdout)) == 2


def test_rules_are_named_by_folder_or_by_config_rule_name(client, moto_server):
    client("sagemaker").create_notebook_instance(
        NotebookInstanceName="locked", InstanceType="ml.t3.medium", RoleArn=ROLE, RootAccess="Disabled"
    )

    member_copy = names("notebook_root_access").member_rule("a1b2c3d4")
    result = run("--rules", f"smguard-notebook-root-access,notebook_root_access,{member_copy}", "--format", "json")

    assert result.exit_code == 0, result.output
    assert as_tuples(json.loads(result.stdout)) == [  # one rule, run once
        ("notebook_root_access", "AWS::SageMaker::NotebookInstance", "locked", "COMPLIANT", "RootAccess is Disabled.")
    ]
    for unknown_name in ("smguard-notebook_root_access", "notebook_root_acess"):
        unknown = run("--rules", unknown_name)
        assert unknown.exit_code == 2
        with pytest.raises(UnknownRuleError) as expected:
            resolve(unknown_name, rule_names())
        assert f"Invalid value for --rules: {expected.value}" in " ".join(unknown.stderr.split())
        assert f"{unknown_name!r} names no smguard rule; give a rule's name (" in " ".join(unknown.stderr.split())
    assert "Invalid value for --rules: no rule given" in " ".join(run("--rules", " , ").stderr.split())
