"""smguard evaluate (Describe path, --source config, --aggregator) vs Cloud Custodian: the same checks, one run.

For N = 100, 500, 2,000 and 10,000 resources spread over 5 accounts of an organization (notebooks,
endpoint configurations, VPCs with their default security groups, other security groups), a
request-counting moto server is seeded, every account records with AWS Config (the embedded AWS's
recorder) and the management account holds an organization aggregator. Then, each as whole
processes timed and counted at the server, with their peak memory (the largest resident set of a
process, from wait4):

- ``smguard evaluate`` (the Describe path), once per account;
- ``smguard evaluate --source config``, once per account;
- ``smguard evaluate --aggregator``, once for the organization, from the management account;
- ``custodian run`` (Cloud Custodian, its own virtualenv), once per account, on its Describe
  sources, and once per account on its config source where its resource supports one.

Their findings (account, check, resource) must be the same, or the row says so.

    python benchmarks/evaluate_vs_custodian.py --custodian .tools/c7n/bin/custodian

Results go to stdout and to the "smguard evaluate vs Cloud Custodian" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

import boto3
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smguard.demo.accounts import AccountCredentials, assumed_credentials  # noqa: E402
from smguard.demo.history import enable_config, history_bucket  # noqa: E402
from smguard.demo.recording import record_accounts  # noqa: E402
from smguard.embedded import install  # noqa: E402
from tests.support.moto_server import CountingMotoServer  # noqa: E402

SIZES = (100, 500, 2000, 10000)
ACCOUNTS = 5
REGION = "us-east-1"
BUCKET = "central-flow-logs-bench"
AGGREGATOR = "smguard-bench"
MANAGEMENT = AccountCredentials("123456789012", "bench", "bench")
"""moto puts a made-up key in its default account: the organization's management account here."""
SECTION = "## smguard evaluate vs Cloud Custodian"
SMGUARD_RULES = (
    "notebook_root_access",
    "notebook_direct_internet",
    "notebook_in_vpc",
    "sagemaker_kms",
    "vpc_default_sg",
    "vpc_flow_logs",
)

CUSTODIAN_POLICIES = {
    "policies": [
        {
            "name": "notebook-root-access",
            "resource": "sagemaker-notebook",
            "filters": [{"not": [{"RootAccess": "Disabled"}]}],
        },
        {
            "name": "notebook-direct-internet",
            "resource": "sagemaker-notebook",
            "filters": [{"not": [{"DirectInternetAccess": "Disabled"}]}],
        },
        {"name": "notebook-not-in-vpc", "resource": "sagemaker-notebook", "filters": [{"SubnetId": "absent"}]},
        {"name": "notebook-no-kms", "resource": "sagemaker-notebook", "filters": [{"KmsKeyId": "absent"}]},
        {"name": "endpoint-config-no-kms", "resource": "sagemaker-endpoint-config", "filters": [{"KmsKeyId": "absent"}]},
        {
            "name": "default-sg-not-closed",
            "resource": "security-group",
            "filters": [
                {"GroupName": "default"},
                {
                    "or": [
                        {"not": [{"type": "value", "key": "IpPermissions", "value": "empty"}]},
                        {"not": [{"type": "value", "key": "IpPermissionsEgress", "value": "empty"}]},
                    ]
                },
            ],
        },
        {"name": "vpc-without-flow-logs", "resource": "vpc", "filters": [{"type": "flow-logs", "enabled": False}]},
    ]
}
"""Custodian's way to find what the smguard rules above find (one policy per check, as Custodian is used)."""

SAME_FINDINGS = {
    "notebook_root_access": ("notebook-root-access",),
    "notebook_direct_internet": ("notebook-direct-internet",),
    "notebook_in_vpc": ("notebook-not-in-vpc",),
    "sagemaker_kms": ("notebook-no-kms", "endpoint-config-no-kms"),
    "vpc_default_sg": ("default-sg-not-closed",),
    "vpc_flow_logs": ("vpc-without-flow-logs",),
}
NOT_ON_CONFIG_SOURCE = ("notebook-root-access", "notebook-direct-internet")
"""Every resource of the policies has an AWS Config type in c7n 0.9.53, so takes ``source: config``;
these two fail on it (their ``not`` filter keys resources by NotebookInstanceArn, which the recorded
AWS::SageMaker::NotebookInstance configuration does not hold: KeyError) and keep the Describe
source."""
RESOURCE_NAME_KEYS = ("NotebookInstanceName", "EndpointConfigName", "GroupId", "VpcId", "groupId", "vpcId")

Finding = tuple[str, str, str]
"""(account, smguard rule, resource id)."""


@dataclass
class Measurement:
    seconds: float = 0.0
    requests: int = 0
    peak_mib: float = 0.0
    findings: set[Finding] = field(default_factory=set)
    operations: dict[str, int] = field(default_factory=dict)

    def add(self, other: Measurement) -> None:
        """Runs one after the other (one per account): times and requests add up, the peak is the largest."""
        self.seconds += other.seconds
        self.requests += other.requests
        self.peak_mib = max(self.peak_mib, other.peak_mib)
        self.findings |= other.findings
        for operation, count in other.operations.items():
            self.operations[operation] = self.operations.get(operation, 0) + count


TOOLS = ("describe", "config", "aggregator", "custodian", "custodian-config")
LABELS = {
    "describe": "smguard (Describe)",
    "config": "smguard --source config",
    "aggregator": "smguard --aggregator",
    "custodian": "Custodian (Describe)",
    "custodian-config": "Custodian (config source)",
}


@dataclass(frozen=True)
class Row:
    size: int
    measured: dict[str, Measurement]

    def agree(self, tool: str) -> bool:
        return self.measured[tool].findings == self.measured["describe"].findings


def organization(url: str) -> list[AccountCredentials]:
    """The management account and 4 member accounts (created by it, reached with AssumeRole), each
    recording with AWS Config later; an organization aggregator in the management account."""
    management = MANAGEMENT.session(REGION)
    organizations = management.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    members = []
    for index in range(1, ACCOUNTS):
        status = organizations.create_account(Email=f"bench-{index}@example.com", AccountName=f"bench-{index}")["CreateAccountStatus"]
        members.append(assumed_credentials(management, status["AccountId"]))
    role = management.client("iam").create_role(
        RoleName="bench-aggregator",
        AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        ),
    )["Role"]["Arn"]
    management.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName=AGGREGATOR, OrganizationAggregationSource={"RoleArn": role, "AllAwsRegions": True}
    )
    return [MANAGEMENT, *members]


def seed(session: boto3.Session, size: int) -> dict[str, int]:
    """``size`` resources in the session's account: 40 % notebooks, 30 % endpoint configurations,
    10 % VPCs (+ their default security group, 10 %), 10 % other security groups; about a third of
    each compliant. The default VPC moto gives each account is deleted first (its group and
    flow-log findings would be the same in every tool, but not part of N)."""
    ec2, sagemaker, kms, s3 = (session.client(service) for service in ("ec2", "sagemaker", "kms", "s3"))
    for vpc in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]:
        for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]:
            ec2.delete_subnet(SubnetId=subnet["SubnetId"])
        ec2.delete_vpc(VpcId=vpc["VpcId"])
    account = session.client("sts").get_caller_identity()["Account"]
    role = f"arn:aws:iam::{account}:role/ds-notebook"
    key = kms.create_key()["KeyMetadata"]["Arn"]
    bucket = f"{BUCKET}-{account}"
    s3.create_bucket(Bucket=bucket)
    notebooks, configs, vpcs = size * 4 // 10, size * 3 // 10, max(1, size // 10)
    groups = max(0, size - notebooks - configs - 2 * vpcs)
    vpc_ids = [ec2.create_vpc(CidrBlock=f"10.{i // 256}.{i % 256}.0/24")["Vpc"]["VpcId"] for i in range(vpcs)]
    subnet = ec2.create_subnet(VpcId=vpc_ids[0], CidrBlock="10.0.0.0/25")["Subnet"]["SubnetId"]
    sagemaker.create_model(ModelName="bench", ExecutionRoleArn=role, PrimaryContainer={"Image": "bench:1"})
    variant = {"VariantName": "v", "ModelName": "bench", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}

    def notebook(i: int) -> None:
        compliant = i % 3 == 0
        extra = (
            {"RootAccess": "Disabled", "DirectInternetAccess": "Disabled", "KmsKeyId": key, "SubnetId": subnet}
            if compliant
            else {"RootAccess": "Enabled"}
        )
        sagemaker.create_notebook_instance(NotebookInstanceName=f"nb-{i}", InstanceType="ml.t3.medium", RoleArn=role, **extra)

    def endpoint_config(i: int) -> None:
        extra = {"KmsKeyId": key} if i % 2 == 0 else {}
        sagemaker.create_endpoint_config(EndpointConfigName=f"ec-{i}", ProductionVariants=[variant], **extra)

    def flow_log(i: int) -> None:
        ec2.create_flow_logs(
            ResourceIds=[vpc_ids[i]], ResourceType="VPC", TrafficType="ALL",
            LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{bucket}",
        )

    def group(i: int) -> None:
        ec2.create_security_group(GroupName=f"app-{i}", Description="bench", VpcId=vpc_ids[i % vpcs])

    def close_default(vpc_id: str) -> None:
        default = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"][0]
        ec2.revoke_security_group_egress(
            GroupId=default["GroupId"], IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        for job in (
            *(pool.submit(notebook, i) for i in range(notebooks)),
            *(pool.submit(endpoint_config, i) for i in range(configs)),
            *(pool.submit(flow_log, i) for i in range(0, vpcs, 2)),
            *(pool.submit(close_default, vpc_id) for vpc_id in vpc_ids[::2]),
            *(pool.submit(group, i) for i in range(groups)),
        ):
            job.result()
    return {"notebooks": notebooks, "endpoint configs": configs, "VPCs": vpcs, "security groups": vpcs + groups}


def run_smguard(server: CountingMotoServer, environment: dict[str, str], *options: str) -> Measurement:
    server.requests.reset()
    completed, seconds, peak = _run(
        [sys.executable, "-m", "smguard.cli", "evaluate", "--rules", ",".join(SMGUARD_RULES), "--format", "json", *options], environment
    )
    findings = {
        (row["account_id"], row["rule"], row["resource_id"]) for row in json.loads(completed.stdout) if row["compliance"] == "NON_COMPLIANT"
    }
    return Measurement(seconds, server.requests.total(), peak, findings, _operations(server))


def custodian_policies(config_source: bool) -> dict[str, Any]:
    if not config_source:
        return CUSTODIAN_POLICIES
    return {
        "policies": [
            policy if policy["name"] in NOT_ON_CONFIG_SOURCE else {**policy, "source": "config"}
            for policy in CUSTODIAN_POLICIES["policies"]
        ]
    }


def run_custodian(server: CountingMotoServer, environment: dict[str, str], custodian: Path, account: str, config_source: bool) -> Measurement:
    policies_document = custodian_policies(config_source)
    with tempfile.TemporaryDirectory(prefix="c7n-bench-") as work:
        policies = Path(work, "policies.yml")
        policies.write_text(yaml.safe_dump(policies_document))
        server.requests.reset()
        _, seconds, peak = _run(
            [str(custodian), "run", "--region", REGION, "-s", str(Path(work, "out")), "--cache", str(Path(work, "cache")),
             str(policies)],
            environment,
        )
        requests = server.requests.total()
        operations = _operations(server)
        found = {
            policy["name"]: json.loads(Path(work, "out", policy["name"], "resources.json").read_text())
            for policy in policies_document["policies"]
        }
    findings = {
        (account, rule, _resource_name(resource)) for rule, names in SAME_FINDINGS.items() for name in names for resource in found[name]
    }
    return Measurement(seconds, requests, peak, findings, operations)


def _operations(server: CountingMotoServer) -> dict[str, int]:
    return {operation: count for (_, operation), count in sorted(server.requests.counts.items())}


def _run(command: list[str], environment: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run to the end; the output, the wall time and the peak resident set (MiB) of the process.

    The peak comes from /usr/bin/time (GNU time, ``%M``): a child forked from this process would
    report this process's own resident set (the moto server's data) as its peak, since the peak
    survives exec; GNU time forks the tool from its own small process."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        started = time.perf_counter()
        completed = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", rss.name, *command], env=environment, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        peak_kib = int(Path(rss.name).read_text().split()[-1])
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed with exit code {completed.returncode}:\n{completed.stderr[-3000:]}")
    return completed, seconds, peak_kib / 1024


def _resource_name(resource: dict[str, Any]) -> str:
    return str(next(resource[key] for key in RESOURCE_NAME_KEYS if key in resource))


def measure(server: CountingMotoServer, accounts: Sequence[AccountCredentials], base: dict[str, str], custodian: Path | None) -> dict[str, Measurement]:
    measured = {tool: Measurement() for tool in TOOLS}
    for credentials in accounts:
        environment = base | credentials.environment(server.url, REGION)
        measured["describe"].add(run_smguard(server, environment))
        measured["config"].add(run_smguard(server, environment, "--source", "config"))
        if custodian is not None:
            measured["custodian"].add(run_custodian(server, environment, custodian, credentials.account_id, config_source=False))
            measured["custodian-config"].add(run_custodian(server, environment, custodian, credentials.account_id, config_source=True))
    management = base | accounts[0].environment(server.url, REGION)
    measured["aggregator"].add(run_smguard(server, management, "--aggregator", AGGREGATOR))
    return measured if custodian is not None else {tool: m for tool, m in measured.items() if not tool.startswith("custodian")}


def report(rows: list[Row], mixes: dict[int, dict[str, int]], custodian_version: str | None) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    tools = [tool for tool in TOOLS if any(tool in row.measured for row in rows)]
    lines = [
        SECTION,
        "",
        f"Measured {now} on {platform.machine()} Linux, {os.cpu_count()} cores shared with other work, "
        f"Python {platform.python_version()}; moto {version('moto')} server on 127.0.0.1 with the embedded AWS's "
        "recorder and advanced query (requests counted at the server)"
        + (f"; Cloud Custodian {custodian_version} in its own virtualenv" if custodian_version else "")
        + ". Run: `make bench-evaluate`.",
        "",
        f"N resources spread evenly over {ACCOUNTS} accounts of an organization, each recording with AWS Config; an "
        f"organization aggregator in the management account. Checks: smguard rules {', '.join(SMGUARD_RULES)}; "
        "Custodian: one policy per check, its resource cache on (fresh per run); \"not run\": left out at that size "
        "(`--custodian-up-to`). The Describe path, --source config "
        "and Custodian run once per account (times and requests summed, peak memory the largest process); "
        "--aggregator runs once, from the management account. Whole processes, start-up included.",
        "",
        "| N | resources per account | " + " | ".join(f"{LABELS[t]} requests" for t in tools) + " | " + " | ".join(f"{LABELS[t]} time" for t in tools)
        + " | " + " | ".join(f"{LABELS[t]} peak MiB" for t in tools) + " | config / Describe requests | same findings |",
        "|---|---|" + "---|" * (3 * len(tools) + 2),
    ]
    for row in rows:
        m = row.measured
        mix = ", ".join(f"{count} {kind}" for kind, count in mixes[row.size].items())
        ran = [tool for tool in tools if tool in m]
        agree = all(row.agree(tool) for tool in ran)

        def cells(show: Callable[[Measurement], str]) -> str:
            return " | ".join(show(m[t]) if t in m else "not run" for t in tools)

        lines.append(
            f"| {row.size} | {mix} | "
            + cells(lambda x: str(x.requests)) + " | "
            + cells(lambda x: f"{x.seconds:.1f} s") + " | "
            + cells(lambda x: f"{x.peak_mib:.0f}") + " | "
            + f"{m['config'].requests / m['describe'].requests:.3f} (aggregator {m['aggregator'].requests / m['describe'].requests:.3f}) | "
            + ("yes" if agree else "NO: " + ", ".join(t for t in ran if not row.agree(t))) + " |"
        )
    for tool in tools:
        largest = [row for row in rows if tool in row.measured][-1]
        calls = ", ".join(f"{operation} {count}" for operation, count in largest.measured[tool].operations.items())
        lines.append(f"\nRequests of {LABELS[tool]} at N = {largest.size} (all accounts): {calls}.")
    lines += [
        "",
        "Why the difference: the Describe path needs one Describe call per SageMaker resource (the List APIs return no "
        "KMS, root or network fields), so its requests grow with N; the recorded path reads whole configuration items, "
        "100 a page, with one SelectResourceConfig stream per account (or one SelectAggregateResourceConfig stream for the "
        "whole organization), plus its recorder's coverage (DescribeConfigurationRecorders and its status, or the "
        "aggregator's source status and the recorders' own items). Flow logs, endpoints and KMS keys come in the same "
        "stream. Custodian's SageMaker resources also call ListTags per resource; its config source, where its resource "
        "has one, reads items 25 a page (SelectResourceConfig's default: it sets no Limit) and its notebook policies stay "
        "on the Describe source (see NOT_ON_CONFIG_SOURCE in the benchmark). Times include the server's own work, in this "
        "process: at N = 10,000 the embedded AWS filters and sorts every item of the organization for each page it serves, "
        "which is most of --aggregator's time there (AWS serves a query page in its own time, not the caller's).",
        "",
        "",
    ]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace (or add) this benchmark's section of docs/performance.md, leaving the others alone."""
    text = path.read_text() if path.exists() else "# Performance\n\n"
    start = text.find(SECTION)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[following + 1 :] if following >= 0 else "")
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--custodian", type=Path, default=ROOT / ".tools/c7n/bin/custodian")
    parser.add_argument("--no-custodian", action="store_true", help="measure smguard's three paths only")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--custodian-up-to", type=int, default=None, metavar="N", help="run Custodian only at sizes up to N (it is the slowest by far)"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs/performance.md")
    arguments = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    custodian = None if arguments.no_custodian else arguments.custodian
    custodian_version = (
        subprocess.run([str(custodian), "version"], capture_output=True, text=True, check=True).stdout.strip() if custodian else None
    )
    install()
    server = CountingMotoServer().start()
    base = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")} | {
        "PYTHONPATH": str(ROOT),  # this checkout's smguard, whichever Python runs it
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    os.environ.update(base | MANAGEMENT.environment(server.url, REGION))  # this process seeds as the management account
    rows, mixes = [], {}
    try:
        for size in arguments.sizes:
            server.reset()
            accounts = organization(server.url)
            sessions = [credentials.session(REGION) for credentials in accounts]
            for session in sessions:
                mixes[size] = seed(session, size // ACCOUNTS)
            for credentials, session in zip(accounts, sessions):
                enable_config(session, credentials.account_id, history_bucket(credentials.account_id))
            record_accounts(sessions)
            with_custodian = custodian if arguments.custodian_up_to is None or size <= arguments.custodian_up_to else None
            row = Row(size, measure(server, accounts, base, with_custodian))
            rows.append(row)
            print(
                f"N={size}: " + "; ".join(f"{LABELS[t]} {m.seconds:.1f} s / {m.requests} requests / {m.peak_mib:.0f} MiB" for t, m in row.measured.items())
                + f"; same findings: {all(row.agree(t) for t in row.measured)}",
                flush=True,
            )
            for tool, measurement in row.measured.items():
                if not row.agree(tool):
                    describe = row.measured["describe"].findings
                    print(f"  {tool}: only it {sorted(measurement.findings - describe)[:5]}, only Describe {sorted(describe - measurement.findings)[:5]}")
            write_section(arguments.output, report(rows, mixes, custodian_version))  # after every size: a long run keeps what it measured
    finally:
        server.stop()
    print(report(rows, mixes, custodian_version))


if __name__ == "__main__":
    main()
