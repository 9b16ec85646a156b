"""The periodic rules over 100, 500 and 2,000 VPCs: API calls per VPC, time and memory.

A request-counting moto server (with smguard's embedded compliance APIs) runs in this process and is
seeded with VPCs (every other one with a VPC flow log, one in ten with an S3 gateway endpoint). Each
periodic rule's ``lambda_handler`` handles one ScheduledNotification in a fresh child process; the
server counts every request by operation. Each rule runs twice per size: first with the results
recorded so far, then again with this size's results recorded, so the clean-up paging shows.

The rules state their call formula (rules/vpc_flow_logs/app.py, rules/vpc_endpoints/app.py), with
V VPCs, F flow logs or E endpoints, R recorded results of the rule and S gone VPCs:

    ceil(V/1000) DescribeVpcs + max(1, ceil(F/1000)) DescribeFlowLogs (or ceil(E/1000) DescribeVpcEndpoints)
    + max(1, ceil(R/100)) GetComplianceDetailsByConfigRule + ceil((V+S)/100) PutEvaluations

moto returns DescribeVpcs, DescribeFlowLogs and DescribeVpcEndpoints in one page whatever their
size (AWS pages them at 1,000), so the EC2 terms are checked as 1 here; the Config terms page as AWS does.

    python benchmarks/periodic_scale.py

Results go to stdout and to the "Periodic rules at scale" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from benchmarks.support import ACCOUNT, REGION, child_environment, last_json_line, machine, now, run_child, write_section  # noqa: E402
from smguard.embedded import install, result_token  # noqa: E402
from smguard.embedded.stack import deploy_config_rules  # noqa: E402
from tests.support.events import scheduled_event  # noqa: E402
from tests.support.moto_server import CountingMotoServer  # noqa: E402

SIZES = (100, 500, 2000)
RULES = ("vpc_flow_logs", "vpc_endpoints")
FLOW_LOG_BUCKET = "central-flow-logs"
FACT_CALL = {"vpc_flow_logs": "DescribeFlowLogs", "vpc_endpoints": "DescribeVpcEndpoints"}
HANDLE_SCHEDULE = (
    "import json, sys, time\n"
    "from rules.{name}.app import lambda_handler\n"
    "event = json.loads(sys.stdin.read())\n"
    "started = time.perf_counter()\n"
    "evaluations = lambda_handler(event, None)\n"
    "print(json.dumps({{'seconds': time.perf_counter() - started, 'evaluations': len(evaluations)}}))\n"
)


def seed_to(ec2, size: int) -> None:
    """Grow the region to ``size`` VPCs (moto's default VPC included); flow logs and endpoints on some."""
    existing = len(ec2.describe_vpcs()["Vpcs"])
    created = []
    for index in range(existing, size):
        created.append((index, ec2.create_vpc(CidrBlock=f"10.{index % 256}.0.0/16")["Vpc"]["VpcId"]))
    with_flow_logs = [vpc for index, vpc in created if index % 2 == 0]
    for start in range(0, len(with_flow_logs), 25):
        response = ec2.create_flow_logs(
            ResourceIds=with_flow_logs[start : start + 25], ResourceType="VPC", TrafficType="ALL",
            LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{FLOW_LOG_BUCKET}",
        )
        if response.get("Unsuccessful"):
            raise RuntimeError(f"flow logs not created: {response['Unsuccessful'][:2]}")
    for index, vpc in created:
        if index % 10 == 0:
            ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway")


def recorded(config, rule_name: str) -> int:
    """R: every result the clean-up pages over (all three postable compliance types)."""
    pages = config.get_paginator("get_compliance_details_by_config_rule").paginate(
        ConfigRuleName=rule_name, ComplianceTypes=["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]
    )
    return sum(len(page["EvaluationResults"]) for page in pages)


def predicted(rule: str, vpcs: int, results: int) -> Counter:
    """The rule's own formula with moto's single EC2 pages (S = 0: no VPC is deleted here)."""
    return Counter({
        "DescribeVpcs": 1,
        FACT_CALL[rule]: 1,
        "GetComplianceDetailsByConfigRule": max(1, math.ceil(results / 100)),
        "PutEvaluations": math.ceil(vpcs / 100),
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md alone")
    arguments = parser.parse_args()

    install()
    server = CountingMotoServer().start()
    env = child_environment(server.url)
    os.environ.update(env)
    session = boto3.Session(region_name=REGION)
    ec2, config = session.client("ec2"), session.client("config")
    rule_names = {rule.rule: str(rule.config_rule_name) for rule in deploy_config_rules(session, {}, account_id=ACCOUNT, rules=RULES)}
    session.client("s3").create_bucket(Bucket=FLOW_LOG_BUCKET)

    rows, failures = [], []
    for size in SIZES:
        started = time.perf_counter()
        seed_to(ec2, size)
        seeding = time.perf_counter() - started
        vpcs = len(ec2.describe_vpcs()["Vpcs"])
        facts = {"vpc_flow_logs": len(ec2.describe_flow_logs()["FlowLogs"]), "vpc_endpoints": len(ec2.describe_vpc_endpoints()["VpcEndpoints"])}
        for rule in RULES:
            for attempt in (1, 2):
                results = recorded(config, rule_names[rule])
                event = scheduled_event(
                    result_token=result_token(rule_names[rule], account_id=ACCOUNT, region=REGION), rule_name=rule_names[rule]
                )
                server.requests.reset()
                child = run_child(HANDLE_SCHEDULE.format(name=rule), env, json.dumps(event))
                calls = Counter({operation: n for (_, operation), n in server.requests.counts.items()})
                outcome = last_json_line(child.output)
                expected = predicted(rule, vpcs, results)
                if calls != expected:
                    failures.append(f"{rule} at {vpcs} VPCs, R={results}: measured {dict(calls)}, formula {dict(expected)}")
                rows.append((rule, vpcs, facts[rule], results, calls, sum(calls.values()), outcome["seconds"], child.peak_rss_mb, outcome["evaluations"]))
        print(f"seeded {size} VPCs in {seeding:.1f} s", file=sys.stderr)
    server.stop()

    table = [
        "| rule | V (VPCs) | F or E | R before | DescribeVpcs | DescribeFlowLogs / DescribeVpcEndpoints | GetComplianceDetailsByConfigRule | PutEvaluations | calls | calls per VPC | handler time | peak RSS | formula holds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rule, vpcs, facts_count, results, calls, total, seconds, rss, evaluations in rows:
        holds = "yes" if calls == predicted(rule, vpcs, results) else "NO"
        table.append(
            f"| {rule} | {vpcs} | {facts_count} | {results} | {calls['DescribeVpcs']} | {calls[FACT_CALL[rule]]} | "
            f"{calls['GetComplianceDetailsByConfigRule']} | {calls['PutEvaluations']} | {total} | {total / vpcs:.3f} | "
            f"{seconds:.2f} s | {rss:.1f} MB | {holds} |"
        )
    body = "\n".join([
        f"Measured {now()} on {machine()}. Run: `make bench-periodic` (benchmarks/periodic_scale.py).",
        "",
        "A request-counting moto server (with the embedded compliance APIs) in the benchmark process, seeded with V VPCs "
        "(every other one with a flow log to S3, one in ten with an S3 gateway endpoint; moto's default VPC counts). Each "
        "rule's `lambda_handler` handles one ScheduledNotification in a fresh child process; calls are counted at the "
        "server, time is the handler call, memory the child's peak RSS (VmHWM: interpreter, imports and the run). "
        "Every rule runs twice per size: with the results recorded before, then with this size's results (R = V), "
        "which is when the clean-up (GetComplianceDetailsByConfigRule) pages.",
        "",
        "Formula (stated by each rule): ceil(V/1000) DescribeVpcs + max(1, ceil(F/1000)) DescribeFlowLogs "
        "(vpc_endpoints: max(1, ceil(E/1000)) DescribeVpcEndpoints) + max(1, ceil(R/100)) GetComplianceDetailsByConfigRule "
        "+ ceil((V+S)/100) PutEvaluations. moto returns the three EC2 collections in one page at any size (AWS pages them "
        "at 1,000), so their terms are 1 here; the Config terms page as in AWS. Calls grow only by paging: about V/50 "
        "+ 3, i.e. 0.02 calls per VPC plus a constant, whatever V.",
        "",
        *table,
        "",
        "The formula held for every run." if not failures else "The formula did NOT hold:\n\n" + "\n".join(f"- {f}" for f in failures),
    ])
    print(body)
    if not arguments.no_write:
        write_section("Periodic rules at scale", body)
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
