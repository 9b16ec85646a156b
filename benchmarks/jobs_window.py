"""sagemaker_jobs over 100 and 1,000 SageMaker jobs: API calls per run against the rule's formula.

A request-counting moto server (with smguard's embedded AWS: compliance APIs, labeling jobs) runs in
this process and is seeded with N jobs, spread evenly over the six kinds. The rule's
``lambda_handler`` handles three ScheduledNotifications in fresh child processes, the server
counting every request by operation:

1. the first run: no window recorded yet, every job within FirstRunLookbackDays is new;
2. the next run, with no job created since: nothing is described again;
3. a run after 12 more jobs (two of each kind): only those are described.

The rule states its formula (rules/sagemaker_jobs/app.py), with n_k new jobs of kind k, N = sum n_k
and A results on the account resource (1 here, the rule's window):

    sum_k max(1, ceil(n_k/100)) List + N Describe + max(1, ceil(A/100)) GetComplianceDetailsByResource
    + ceil((N+1)/100) PutEvaluations

moto's ListTrainingJobs, ListProcessingJobs and ListTransformJobs filter on CreationTimeAfter after
cutting the page, so they return ceil(all_k/100) pages (empty ones with a NextToken) where AWS
returns ceil(n_k/100): for those three the benchmark predicts moto's count, and says so.

    python benchmarks/jobs_window.py

Results go to stdout and to the "SageMaker jobs rule at 100 and 1,000 jobs" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from benchmarks.support import ACCOUNT, REGION, child_environment, last_json_line, machine, now, run_child, write_section  # noqa: E402
from smguard.demo.environment import DemoBase  # noqa: E402
from smguard.embedded import install, result_token  # noqa: E402
from smguard.embedded.stack import deploy_config_rules  # noqa: E402
from smguard.rules.sagemaker_jobs.check import JOB_TYPES  # noqa: E402
from tests.support.events import scheduled_event  # noqa: E402
from tests.support.moto_server import CountingMotoServer  # noqa: E402

SIZES = (100, 1000)
LATER = 2
"""Jobs of each kind created before the third run."""
RULE = "sagemaker_jobs"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0d6c3a1e-5b7f-4c2a-9e8d-1f2a3b4c5d6e"
BASE = DemoBase(ACCOUNT, REGION, f"arn:aws:iam::{ACCOUNT}:role/ds", KEY, "logs", "vpc-1", ["subnet-0a1b2c3d4e5f60718"], "sg-0a1b2c3d4e5f60718")
MOTO_PAGES_ALL = frozenset({"ListTrainingJobs", "ListProcessingJobs", "ListTransformJobs"})
"""moto filters these on CreationTimeAfter after paging (see the docstring)."""
HANDLE_SCHEDULE = (
    "import json, sys, time\n"
    "from rules.sagemaker_jobs.app import lambda_handler\n"
    "event = json.loads(sys.stdin.read())\n"
    "started = time.perf_counter()\n"
    "evaluations = lambda_handler(event, None)\n"
    "print(json.dumps({'seconds': time.perf_counter() - started, 'evaluations': len(evaluations)}))\n"
)


def create_jobs(session: boto3.Session, counts: Counter, per_kind: dict[str, int], serial: list[int]) -> None:
    """Create ``per_kind[kind]`` more jobs of each kind, every other one compliant; ``counts`` keeps the totals."""
    for name, job_type in JOB_TYPES.items():
        for _ in range(per_kind[name]):
            serial[0] += 1
            job_type.example(session, BASE, f"bench-{serial[0]:05d}", compliant=serial[0] % 2 == 0)
            counts[name] += 1


def predicted(new: Counter, total: Counter) -> Counter:
    """The rule's formula for this run, with moto's page counts for the three lists it filters late."""
    calls: Counter = Counter()
    for name, job_type in JOB_TYPES.items():
        listing, describe = job_type.listing[0], job_type.describe_operation
        paged = total[name] if listing in MOTO_PAGES_ALL else new[name]
        calls[listing] = max(1, math.ceil(paged / 100))
        if new[name]:
            calls[describe] = new[name]
    jobs = sum(new.values())
    calls["GetComplianceDetailsByResource"] = 1
    calls["PutEvaluations"] = math.ceil((jobs + 1) / 100)
    return calls


def aws_formula(new: Counter) -> int:
    """The same run in AWS (every list filtered before paging)."""
    jobs = sum(new.values())
    return sum(max(1, math.ceil(new[name] / 100)) for name in JOB_TYPES) + jobs + 1 + math.ceil((jobs + 1) / 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md alone")
    arguments = parser.parse_args()

    install()
    server = CountingMotoServer().start()
    env = child_environment(server.url)
    os.environ.update(env)
    rows, failures = [], []
    for size in SIZES:
        server.reset()
        session = boto3.Session(region_name=REGION)
        [deployed] = deploy_config_rules(session, {}, account_id=ACCOUNT, rules=(RULE,))
        total: Counter = Counter()
        serial = [0]
        kinds = list(JOB_TYPES)
        started = time.perf_counter()
        create_jobs(session, total, {name: size // len(kinds) + (index < size % len(kinds)) for index, name in enumerate(kinds)}, serial)
        print(f"seeded {size} jobs in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        runs = [("first run", Counter(total)), ("next run, nothing new", Counter())]
        for label, new in [*runs, ("next run, 12 new jobs", None)]:
            if new is None:
                new = Counter()
                create_jobs(session, new, {name: LATER for name in kinds}, serial)
                total += new
            notified = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            event = scheduled_event(result_token=result_token(str(deployed.config_rule_name), account_id=ACCOUNT, region=REGION), rule_name=str(deployed.config_rule_name))
            invoking = json.loads(event["invokingEvent"]) | {"notificationCreationTime": notified}
            event["invokingEvent"] = json.dumps(invoking)
            server.requests.reset()
            child = run_child(HANDLE_SCHEDULE, env, json.dumps(event))
            calls = Counter({operation: n for (_, operation), n in server.requests.counts.items()})
            outcome = last_json_line(child.output)
            expected = predicted(new, total)
            if calls != expected:
                failures.append(f"{label} at {sum(total.values())} jobs: measured {dict(calls)}, formula {dict(expected)}")
            if outcome["evaluations"] != sum(new.values()) + 1:
                failures.append(f"{label} at {sum(total.values())} jobs: {outcome['evaluations']} evaluations, expected {sum(new.values()) + 1}")
            rows.append((size, label, sum(total.values()), sum(new.values()), calls, aws_formula(new), outcome["seconds"], child.peak_rss_mb))
    server.stop()

    table = [
        "| jobs in the account | run | new jobs (N) | List | Describe | GetComplianceDetailsByResource | PutEvaluations | calls (moto) | calls in AWS by the formula | handler time | peak RSS | formula holds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, label, jobs, new_jobs, calls, in_aws, seconds, rss in rows:
        lists = sum(n for operation, n in calls.items() if operation.startswith("List"))
        describes = sum(n for operation, n in calls.items() if operation.startswith("Describe"))
        expected = "yes" if not any(f.startswith(f"{label} at {jobs} jobs") for f in failures) else "NO"
        table.append(
            f"| {jobs} | {label} | {new_jobs} | {lists} | {describes} | {calls['GetComplianceDetailsByResource']} | "
            f"{calls['PutEvaluations']} | {sum(calls.values())} | {in_aws} | {seconds:.2f} s | {rss:.1f} MB | {expected} |"
        )
    body = "\n".join([
        f"Measured {now()} on {machine()}. Run: `make bench-jobs` (benchmarks/jobs_window.py).",
        "",
        "A request-counting moto server (with the embedded AWS: compliance APIs, labeling jobs) in the benchmark process, "
        "seeded with N jobs spread evenly over training, processing, transform, tuning, AutoML and labeling jobs (every "
        "other one compliant). The rule's `lambda_handler` handles one ScheduledNotification per run in a fresh child "
        "process; calls are counted at the server, time is the handler call, memory the child's peak RSS. Three runs per "
        "size: the first (every job new), the next with nothing new, then one after 12 more jobs (two of each kind).",
        "",
        "Formula (rules/sagemaker_jobs/app.py), with n_k new jobs of kind k and N = sum n_k: sum_k max(1, ceil(n_k/100)) "
        "List + N Describe + max(1, ceil(A/100)) GetComplianceDetailsByResource (A: results on the account resource, the "
        "rule's window and other account-level rules', 1 here) + ceil((N+1)/100) PutEvaluations. A run after the first "
        "costs 6 List + 1 + 1 calls plus about 1.01 calls per new job, whatever the number of jobs run before: old jobs are "
        "neither listed nor described again. moto's ListTrainingJobs, ListProcessingJobs and ListTransformJobs filter on "
        "CreationTimeAfter after cutting the page, so there they page over every job of the kind (empty pages with a "
        "NextToken); the measured column counts that, the AWS column applies the formula.",
        "",
        *table,
        "",
        "The formula held for every run." if not failures else "The formula did NOT hold:\n\n" + "\n".join(f"- {f}" for f in failures),
    ])
    print(body)
    if not arguments.no_write:
        write_section("SageMaker jobs rule at 100 and 1,000 jobs", body)
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
