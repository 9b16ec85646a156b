"""The periodic VPC rules' facts from AWS Config instead of EC2: what a cold start would save.

vpc_flow_logs and vpc_endpoints build an EC2 client (botocore's largest service model) on top of
the config client every rule builds to post its evaluations: their cold start is the slowest of
the rules (docs/performance.md, "Rule cold start"). Reading the VPCs and their flow logs from the
recorded items instead needs only the config client, plus the recorder's coverage, checked at run
time. Two fresh processes, each what a periodic run reads before it evaluates, against the embedded
AWS in this process (V VPCs, a flow log on every other one, recorded by its configuration recorder):

- ec2: import boto3, build the config and EC2 clients, DescribeVpcs + DescribeFlowLogs (today);
- config: import boto3, build the config client, DescribeConfigurationRecorders +
  DescribeConfigurationRecorderStatus (coverage) + SelectResourceConfig for the VPCs and flow logs.

Whole-process wall time and peak RSS (GNU time ``%M``), median of REPEATS runs, alternating.

    python benchmarks/recorded_facts_cold_start.py [--repeats 9] [--vpcs 50]

Results go to stdout and to the "Periodic VPC rules: facts from AWS Config" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from benchmarks.support import machine, now, write_section  # noqa: E402
from smguard.demo.history import enable_config, history_bucket  # noqa: E402
from smguard.demo.recording import record_accounts  # noqa: E402
from smguard.embedded import install  # noqa: E402
from tests.support.moto_server import CountingMotoServer  # noqa: E402

TITLE = "Periodic VPC rules: facts from AWS Config"
REGION = "us-east-1"
ACCOUNT = "123456789012"
"""moto's default account, where the made-up key "bench" lands."""
READ_FROM_EC2 = """
import boto3
config, ec2 = boto3.client("config"), boto3.client("ec2")
vpcs = [v for p in ec2.get_paginator("describe_vpcs").paginate() for v in p["Vpcs"]]
logs = [f for p in ec2.get_paginator("describe_flow_logs").paginate() for f in p["FlowLogs"]]
print(len(vpcs), len(logs))
"""
READ_FROM_CONFIG = """
import boto3
config = boto3.client("config")
config.describe_configuration_recorders(); config.describe_configuration_recorder_status()
expression = "SELECT resourceType, resourceId, configuration WHERE resourceType IN ('AWS::EC2::VPC', 'AWS::EC2::FlowLog')"
items = [r for p in config.get_paginator("select_resource_config").paginate(Expression=expression, PaginationConfig={"PageSize": 100}) for r in p["Results"]]
print(sum('"AWS::EC2::VPC"' in r for r in items), sum('"AWS::EC2::FlowLog"' in r for r in items))
"""


def seed(vpcs: int) -> None:
    session = boto3.Session(region_name=REGION)
    ec2, s3 = session.client("ec2"), session.client("s3")
    s3.create_bucket(Bucket="bench-flow-logs")
    ids = [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(vpcs)]
    ec2.create_flow_logs(
        ResourceIds=ids[::2], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3", LogDestination="arn:aws:s3:::bench-flow-logs"
    )
    enable_config(session, ACCOUNT, history_bucket(ACCOUNT))
    record_accounts([session])


def run(script: str, environment: dict[str, str]) -> tuple[float, float, str]:
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        started = time.perf_counter()
        completed = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", rss.name, sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
        )
        seconds = time.perf_counter() - started
        return seconds, int(Path(rss.name).read_text().split()[-1]) / 1024, completed.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--vpcs", type=int, default=50)
    parser.add_argument("--output", type=Path, default=ROOT / "docs/performance.md")
    arguments = parser.parse_args()
    install()
    server = CountingMotoServer().start()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")} | {
        "AWS_ENDPOINT_URL": server.url, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    os.environ.update(environment)
    try:
        seed(arguments.vpcs)
        results: dict[str, list[tuple[float, float, str]]] = {"ec2": [], "config": []}
        for _ in range(arguments.repeats + 1):  # the first round warms the file cache and is dropped
            for name, script in (("ec2", READ_FROM_EC2), ("config", READ_FROM_CONFIG)):
                results[name].append(run(script, environment))
        server.requests.reset()
        run(READ_FROM_CONFIG, environment)
        config_requests = server.requests.total()
        server.requests.reset()
        run(READ_FROM_EC2, environment)
        ec2_requests = server.requests.total()
    finally:
        server.stop()
    answers = {name: {answer for _, _, answer in runs} for name, runs in results.items()}
    if answers["ec2"] != answers["config"] or len(answers["ec2"]) != 1:
        raise SystemExit(f"the two reads disagree: {answers}")
    medians = {name: (statistics.median(s for s, _, _ in runs[1:]), statistics.median(m for _, m, _ in runs[1:])) for name, runs in results.items()}
    (ec2_time, ec2_memory), (config_time, config_memory) = medians["ec2"], medians["config"]
    body = "\n".join(
        [
            f"Measured {now()} on {machine()}. Run: `python benchmarks/recorded_facts_cold_start.py` (median of {arguments.repeats} "
            f"runs each, alternating, after one dropped round; {arguments.vpcs} VPCs, a flow log on every other one, "
            "recorded by the embedded AWS's configuration recorder).",
            "",
            "| what a periodic vpc_flow_logs run reads, in a fresh process | requests | median time | peak RSS |",
            "|---|---|---|---|",
            f"| today: config + EC2 clients, DescribeVpcs + DescribeFlowLogs | {ec2_requests} | {ec2_time * 1000:.0f} ms | {ec2_memory:.1f} MB |",
            f"| from Config: config client, recorder coverage + SelectResourceConfig | {config_requests} | {config_time * 1000:.0f} ms | {config_memory:.1f} MB |",
            "",
            f"Reading from Config takes {config_time / ec2_time:.2f}x the time and {config_memory / ec2_memory:.2f}x the memory of "
            "reading from EC2 (the same VPCs and flow logs both ways).",
            "",
            "**Decision: the deployed rules keep reading EC2.** The recorder's coverage can be checked at run time "
            "(DescribeConfigurationRecorders and its status, in the account the function acts in, as `smguard evaluate "
            "--source config` does), so that condition holds. But a recorded item is only as current as the recorder's last "
            "capture (minutes with continuous recording, up to 24 hours with a daily recording frequency, which an account "
            "may set per type), and a flow log's delivery status (DeliverLogsStatus, DeliverLogsErrorMessage) changes "
            "without any configuration change: vpc_flow_logs reports a flow log whose delivery fails from DescribeFlowLogs' "
            "live answer, and would report it late or never from the recorded item. A rule that could pass what today "
            "fails is not worth the time saved on one scheduled run per account and region a day. `smguard evaluate "
            "--source config` and `--aggregator` do read flow logs, endpoints and KMS keys from the recorded items: they "
            "report what the recorded state says, which docs/evaluate-recorded.md states.",
            "",
        ]
    )
    write_section(TITLE, body, arguments.output)
    print(body)


if __name__ == "__main__":
    main()
