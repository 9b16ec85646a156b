"""10,000 change notifications through the change-triggered rules' handlers in one process.

One child process imports every rule with a configuration-change trigger and hands them 10,000
events round-robin (each a different resource, compliant and not), as a warm Lambda container
would see them; each handler posts its evaluation over HTTP to a moto server (with smguard's
embedded compliance APIs) running in this parent process. Reported: events per second, and the
child's RSS and live Python objects sampled every 1,000 events, to show whether memory stays flat.

    python benchmarks/change_throughput.py [--events 10000]

Results go to stdout and to the "Change-triggered rules: throughput and memory" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from benchmarks.support import ACCOUNT, REGION, child_environment, last_json_line, machine, now, run_child, write_section  # noqa: E402
from smguard.catalogue import discover  # noqa: E402
from smguard.embedded import install, result_token  # noqa: E402
from smguard.embedded.stack import deploy_config_rules  # noqa: E402
from smguard.engine.rule import CHANGE_TRIGGER  # noqa: E402
from tests.support.moto_server import CountingMotoServer  # noqa: E402

SAMPLE_EVERY = 1000
FLAT_TOLERANCE_MB = 2.0
"""RSS growth from the first sample to the last that still counts as flat (allocator noise)."""

CHILD = r'''
import gc, json, sys, time
from importlib import import_module
from tests.support.events import change_event, configuration_item

plan = json.loads(sys.stdin.read())
handlers = {name: import_module(f"rules.{name}.app").lambda_handler for name in plan["rules"]}
VARIANTS = {
    "AWS::SageMaker::NotebookInstance": [{"RootAccess": "Disabled", "DirectInternetAccess": "Disabled", "SubnetId": "subnet-0a1b2c3d"}, {"RootAccess": "Enabled"}],
    "AWS::SageMaker::EndpointConfig": [{"KmsKeyId": "alias/data", "ProductionVariants": [{"InstanceType": "ml.m5.large"}]}, {}],
    "AWS::SageMaker::Domain": [{"AppNetworkAccessType": "VpcOnly", "KmsKeyId": "alias/data"}, {"AppNetworkAccessType": "PublicInternetOnly"}],
    "AWS::SageMaker::Model": [{"EnableNetworkIsolation": True, "VpcConfig": {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0a1b2c3d"]}}, {}],
    "AWS::EC2::SecurityGroup": [{"groupName": "default", "ipPermissions": [], "ipPermissionsEgress": []}, {"groupName": "default", "ipPermissions": [{"ipProtocol": "-1", "userIdGroupPairs": [{"groupId": "sg-1"}]}], "ipPermissionsEgress": []}],
    "AWS::EC2::VPC": [{"state": "available"}, {"state": "available", "isDefault": True}],
}

def event(index):
    name = plan["rules"][index % len(plan["rules"])]
    resource_type = plan["types"][name][(index // len(plan["rules"])) % len(plan["types"][name])]
    configuration = VARIANTS[resource_type][index % 2]
    item = configuration_item(resource_type, f"{resource_type.rsplit(':', 1)[-1].lower()}-{index}", configuration)
    return name, change_event(item, result_token=plan["tokens"][name], rule_name=plan["config_rules"][name])

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

samples, elapsed = [], 0.0
for index in range(plan["events"]):
    name, rule_event = event(index)  # built outside the timed call: Config builds the event, not the rule
    started = time.perf_counter()
    handlers[name](rule_event, None)
    elapsed += time.perf_counter() - started
    if (index + 1) % plan["sample_every"] == 0:
        samples.append({"events": index + 1, "rss_mb": rss_mb(), "objects": len(gc.get_objects())})
print(json.dumps({"seconds": elapsed, "samples": samples}))
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md alone")
    arguments = parser.parse_args()

    install()
    server = CountingMotoServer().start()
    env = child_environment(server.url)
    os.environ.update(env)
    session = boto3.Session(region_name=REGION)
    entries = [entry for entry in discover() if CHANGE_TRIGGER in entry.rule.triggers]
    deployed = deploy_config_rules(session, {}, account_id=ACCOUNT, rules=[entry.name for entry in entries])
    config_rules = {rule.rule: str(rule.config_rule_name) for rule in deployed}
    plan = {
        "rules": [entry.name for entry in entries],
        "types": {entry.name: list(entry.rule.resource_types) for entry in entries},
        "config_rules": config_rules,
        "tokens": {name: result_token(rule, account_id=ACCOUNT, region=REGION) for name, rule in config_rules.items()},
        "events": arguments.events,
        "sample_every": SAMPLE_EVERY,
    }
    server.requests.reset()
    child = run_child(CHILD, env, json.dumps(plan))
    calls = dict(sorted(((op, n) for (_, op), n in server.requests.counts.items()), key=lambda kv: -kv[1]))
    server.stop()

    result = last_json_line(child.output)
    samples = result["samples"]
    growth = samples[-1]["rss_mb"] - samples[0]["rss_mb"]
    objects_growth = samples[-1]["objects"] - samples[0]["objects"]
    flat = growth <= FLAT_TOLERANCE_MB
    rate = arguments.events / result["seconds"]
    table = ["| events handled | RSS | live Python objects |", "|---|---|---|"]
    table += [f"| {s['events']:,} | {s['rss_mb']:.1f} MB | {s['objects']:,} |" for s in samples]
    body = "\n".join([
        f"Measured {now()} on {machine()}. Run: `make bench-change` (benchmarks/change_throughput.py).",
        "",
        f"{arguments.events:,} change notifications, round-robin over the {len(entries)} change-triggered rules "
        f"({', '.join(plan['rules'])}) and their resource types, each a different resource, half compliant, handed to "
        "the rules' `lambda_handler` in one process (a warm container); every evaluation is posted over HTTP to a moto "
        "server with the embedded compliance APIs in the benchmark's parent process. Time counts the handler calls only.",
        "",
        f"- **{rate:,.0f} events per second** ({result['seconds'] * 1000 / arguments.events:.2f} ms per event, "
        f"{result['seconds']:.1f} s in all, HTTP round trip to the local server included).",
        f"- Requests served: {', '.join(f'{op} {n:,}' for op, n in calls.items())}.",
        f"- Memory: RSS {samples[0]['rss_mb']:.1f} MB after {samples[0]['events']:,} events, "
        f"{samples[-1]['rss_mb']:.1f} MB after {samples[-1]['events']:,} ({growth:+.1f} MB); live objects {objects_growth:+,}. "
        + ("**Flat**" if flat else "**Not flat**") + f" (tolerance {FLAT_TOLERANCE_MB} MB).",
        "",
        *table,
    ])
    print(body)
    if not arguments.no_write:
        write_section("Change-triggered rules: throughput and memory", body)


if __name__ == "__main__":
    main()
