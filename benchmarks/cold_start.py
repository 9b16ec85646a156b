"""Cold start of every rule: a fresh Python process imports the rule's handler and handles one event.

Each rule's process is measured whole (spawn to exit: interpreter start, imports, building the
clients, one evaluation posted over HTTP) with its own peak RSS (VmHWM), against ``python -c "import
boto3"`` measured alternately in the same run. The embedded AWS (moto with the compliance APIs)
runs in this parent process on 127.0.0.1, so the child imports only our code and boto3.
Median of REPEATS runs each. Target: at most 1.15x boto3's import time and 1.2x its memory.

Every measured process, baseline and rules alike, imports from the same two trees laid out as
Lambda does (a function folder, then the layer's ``python`` folder, then the standard library):
copies of every non-standard module the processes load (smguard and rules; boto3, botocore,
powertools, rdklib and their dependencies), in two variants that differ only in bytecode:

- bytecode: compiled with ``compileall --invalidation-mode unchecked-hash``, as the build does
  when it finds the runtime's interpreter (smguard/deploy/codeuri/Makefile);
- no bytecode: no .pyc at all, as a layer built with ``pip --no-compile`` is loaded on Lambda's
  read-only /opt: every module compiled from source in every process.

Children run with ``-S`` (no site: the trees hold every module, and this virtual environment's
start-up, the editable install's import hook, is not Lambda's), PYTHONDONTWRITEBYTECODE=1 and no
PYTHONPYCACHEPREFIX, so the standard library uses its own bytecode (as the Lambda runtime's does)
and nothing a child compiles is kept for the next. One unmeasured run per process and variant
comes first; it also checks that every module came from the variant's tree (or the standard
library) and had bytecode exactly in the first variant.

    python benchmarks/cold_start.py [--repeats 7]

Results go to stdout and to the "Rule cold start" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from benchmarks.support import (  # noqa: E402
    ACCOUNT,
    REGION,
    ChildRun,
    child_environment,
    last_json_line,
    machine,
    now,
    run_child,
    write_section,
)
from smguard.catalogue import discover  # noqa: E402
from smguard.deploy.package import RUNTIME_PYTHON_VARIABLE, compile_bytecode  # noqa: E402
from smguard.embedded import install, result_token  # noqa: E402
from smguard.embedded.stack import deploy_config_rules  # noqa: E402
from smguard.engine.rule import CHANGE_TRIGGER  # noqa: E402
from tests.support.events import change_event, configuration_item, scheduled_event  # noqa: E402
from tests.support.moto_server import CountingMotoServer  # noqa: E402

TIME_TARGET = 1.15
MEMORY_TARGET = 1.2
BASELINE = "import boto3"
FLOOR = (
    "import json, sys, boto3\n"
    "event = json.loads(sys.stdin.read())\n"
    "item = json.loads(event['invokingEvent'])['configurationItem']\n"
    "boto3.client('config').put_evaluations(ResultToken=event['resultToken'], Evaluations=[{\n"
    "    'ComplianceResourceType': item['resourceType'], 'ComplianceResourceId': item['resourceId'],\n"
    "    'ComplianceType': 'COMPLIANT', 'Annotation': 'RootAccess is Disabled.',\n"
    "    'OrderingTimestamp': item['configurationItemCaptureTime']}])\n"
)
"""The least any change rule's cold start can be: import boto3, build the config client (it loads
the service model), post one evaluation; no smguard."""
FLOOR_RULE = "notebook_root_access"
WHERE_THE_TIME_GOES = """Where the time goes (profiled 2026-12-02 with `python -S -X importtime`, median of 7 runs, on
notebook_root_access in the bytecode tree): `import boto3` about 165 ms; smguard's own imports on top of it about
25 ms (powertools logging and metrics about 10 ms, rdklib under 2 ms, the engine's and the rule's modules about
13 ms); building the config client about 100 ms (botocore finds and parses the config service model and its
endpoint rules); then the event and the PutEvaluations round trip. Without bytecode the same imports take about
485 ms and 85 ms: compiling costs more than everything smguard adds. The 1.15x target lies below the floor itself
(any Lambda that posts an evaluation imports boto3 and builds the config client), so no rule can meet it. What
smguard controls is its imports (the rules' time over the floor's, above) and whether its artifacts ship bytecode.
Its imports are left as they are: the metrics flushed on every invocation need powertools, so a lazy import would
move its cost, not remove it, and the client cannot be built later than the evaluation it posts. The bytecode is
not: the artifacts used to ship none (`pip --no-compile`, .pyc stripped), so every cold start on Lambda was the
"no bytecode" column; the build now compiles the layer and every function for the runtime's Python when the
build host has that interpreter, and warns when it has not (see "Bytecode in the deployed artifacts" below)."""
"""Profiling notes written into the section; the figures in the table are measured on every run."""
HANDLE_ONE_EVENT = (
    "import json, sys\n"
    "from rules.{name}.app import lambda_handler\n"
    "lambda_handler(json.loads(sys.stdin.read()), None)\n"
)
ITEMS = {
    "AWS::SageMaker::NotebookInstance": ("risk-model-dev", {"RootAccess": "Disabled", "DirectInternetAccess": "Disabled"}),
    "AWS::SageMaker::EndpointConfig": ("scoring", {"ProductionVariants": [{"InstanceType": "ml.m5.large"}]}),
    "AWS::SageMaker::Domain": ("d-abcdefghijkl", {"AppNetworkAccessType": "VpcOnly"}),
    "AWS::SageMaker::Model": ("scoring", {"EnableNetworkIsolation": True}),
    "AWS::EC2::SecurityGroup": ("sg-0a1b2c3d4e5f60718", {"groupName": "default", "ipPermissions": [], "ipPermissionsEgress": []}),
    "AWS::EC2::VPC": ("vpc-0a1b2c3d4e5f60718", {"state": "available"}),
}


def event_for(entry, config_rule: str) -> dict:
    """The event Config would send first: a change notification, or the schedule for periodic-only rules."""
    token = result_token(config_rule, account_id=ACCOUNT, region=REGION)
    if CHANGE_TRIGGER in entry.rule.triggers:
        resource_type = entry.rule.resource_types[0]
        resource_id, configuration = ITEMS[resource_type]
        item = configuration_item(resource_type, resource_id, configuration)
        return change_event(item, result_token=token, rule_name=config_rule)
    return scheduled_event(result_token=token, rule_name=config_rule)


SITE_PACKAGES = Path(boto3.__file__).resolve().parents[1]
STANDARD_LIBRARY = {Path(sysconfig.get_paths()[key]).resolve() for key in ("stdlib", "platstdlib")}
MODULES_LOADED = (
    "\nimport json as _json, sys as _sys\n"
    "print(_json.dumps({_n: [_m.__file__, getattr(_m, '__cached__', None)] for _n, _m in list(_sys.modules.items())"
    " if isinstance(getattr(_m, '__file__', None), str)}))\n"
)
"""Appended to the unmeasured runs: every module loaded from a file, with the bytecode path it would use."""
VARIANTS = ("bytecode", "no bytecode")
NO_SITE = ("-S",)
"""Measured processes skip ``site``: the trees hold every module they need, and this virtual
environment's start-up (the editable install's import hook of smguard, about 17 ms) is not Lambda's."""


def _within(path: Path, folders: set[Path] | tuple[Path, ...]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def modules_loaded(
    script: str, env: dict[str, str], stdin: str = "", cwd: Path = ROOT, options: tuple[str, ...] = ()
) -> dict[str, tuple[Path, str | None]]:
    loaded = last_json_line(run_child(script + MODULES_LOADED, env, stdin, cwd, options).output)
    return {name: (Path(file).resolve(), cached) for name, (file, cached) in loaded.items()}


def top_level_sources(loaded: dict[str, tuple[Path, str | None]], at_start_up: set[str]) -> dict[str, Path]:
    """Top-level module or package name -> its file or folder, for what the scripts load from the
    repository or the virtual environment (not what the interpreter's site set-up loads by itself)."""
    sources = {}
    for name, (file, _) in loaded.items():
        if "." in name or name in at_start_up or not _within(file, (ROOT, SITE_PACKAGES)):
            continue
        sources[name] = file.parent if file.name == "__init__.py" else file
    return sources


def build_trees(sources: dict[str, Path], workdir: Path) -> dict[str, tuple[Path, Path]]:
    """Per variant, (function folder, layer folder): copies of ``sources`` without bytecode; the
    bytecode variant is then compiled as the build would compile it."""
    ignored = shutil.ignore_patterns("__pycache__", "*.pyc", "tests")
    trees = {}
    for variant in VARIANTS:
        function, layer = workdir / variant.replace(" ", "-") / "function", workdir / variant.replace(" ", "-") / "layer"
        for name, source in sources.items():
            target = (layer if _within(source, (SITE_PACKAGES,)) else function) / source.name  # .venv is in ROOT
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, ignore=ignored)
            else:
                shutil.copy2(source, target)
        trees[variant] = (function, layer)
    version = "%d.%d" % sys.version_info[:2]
    for folder in trees["bytecode"]:  # the build's own step, with this interpreter as the runtime's
        if not compile_bytecode(folder, version, {RUNTIME_PYTHON_VARIABLE: sys.executable}):
            raise RuntimeError(f"{folder} was not compiled")
    return trees


def check_origin(loaded: dict[str, tuple[Path, str | None]], tree: tuple[Path, Path], bytecode: bool) -> int:
    """Every module the script loaded came from the tree or the standard library, with bytecode
    exactly when the variant has it; returns how many came from the tree."""
    from_tree = 0
    for name, (file, cached) in loaded.items():
        if _within(file, tree):
            from_tree += 1
            has_bytecode = file.suffix == ".py" and cached is not None and Path(cached).exists()
            if file.suffix == ".py" and has_bytecode != bytecode:
                raise RuntimeError(f"{name} ({file}) {'has no' if bytecode else 'has'} bytecode")
        elif not _within(file, STANDARD_LIBRARY):
            raise RuntimeError(f"{name} was loaded from {file}, outside the measured tree and the standard library")
    return from_tree


def median_of(runs: list[ChildRun]) -> tuple[float, float]:
    return statistics.median(r.seconds for r in runs), statistics.median(r.peak_rss_mb for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md alone")
    arguments = parser.parse_args()

    install()
    server = CountingMotoServer().start()
    repository_env = child_environment(server.url)
    os.environ.update(repository_env)  # this process deploys the Config rules into the same embedded AWS
    session = boto3.Session(region_name=REGION)
    entries = discover()
    config_rules = {rule.rule: str(rule.config_rule_name) for rule in deploy_config_rules(session, {}, account_id=ACCOUNT)}
    events = {entry.name: event_for(entry, config_rules[entry.name]) for entry in entries}
    processes = {"baseline": (BASELINE, ""), "floor": (FLOOR, json.dumps(events[FLOOR_RULE]))}
    processes.update({entry.name: (HANDLE_ONE_EVENT.format(name=entry.name), json.dumps(events[entry.name])) for entry in entries})

    with tempfile.TemporaryDirectory(prefix="smguard-cold-start-") as workdir:
        repository_env.pop("PYTHONPYCACHEPREFIX", None)
        at_start_up = set(modules_loaded("pass", repository_env))  # the virtual environment's site set-up
        sources: dict[str, Path] = {}
        for script, stdin in processes.values():
            sources.update(top_level_sources(modules_loaded(script, repository_env, stdin), at_start_up))
        trees = build_trees(sources, Path(workdir))
        envs, from_tree = {}, {}
        for variant, tree in trees.items():
            envs[variant] = child_environment(server.url, tree)
            envs[variant]["PYTHONDONTWRITEBYTECODE"] = "1"
            envs[variant].pop("PYTHONPYCACHEPREFIX", None)
            for name, (script, stdin) in processes.items():  # the unmeasured run, checked
                loaded = modules_loaded(script, envs[variant], stdin, Path(workdir), NO_SITE)
                from_tree[name] = check_origin(loaded, tree, bytecode=variant == "bytecode")

        runs: dict[str, dict[str, list[ChildRun]]] = {variant: {name: [] for name in processes} for variant in VARIANTS}
        for _ in range(arguments.repeats):
            for variant in VARIANTS:
                for name, (script, stdin) in processes.items():
                    runs[variant][name].append(run_child(script, envs[variant], stdin, Path(workdir), NO_SITE))
    server.stop()

    medians = {variant: {name: median_of(by_name[name]) for name in processes} for variant, by_name in runs.items()}
    base_time, base_memory = medians["bytecode"]["baseline"]
    plain_base_time, _ = medians["no bytecode"]["baseline"]
    floor_time, floor_memory = medians["bytecode"]["floor"]
    uses_ec2 = {e.name for e in entries if any(a.startswith("ec2:") for a in getattr(e.rule, "aws_actions", ()))}
    labels = {
        "baseline": '`python -c "import boto3"` (baseline)',
        "floor": "floor: boto3 + config client + one PutEvaluations, no smguard",
        **{entry.name: f"{entry.name}: import + one event" for entry in entries},
    }
    table = [
        "| process | modules from the tree | median time | peak RSS | time ratio | memory ratio | targets met "
        "| no bytecode: median time | peak RSS | time ratio | slower than with bytecode |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in processes:
        seconds, memory = medians["bytecode"][name]
        plain_seconds, plain_memory = medians["no bytecode"][name]
        time_ratio, memory_ratio = seconds / base_time, memory / base_memory
        met = "" if name in ("baseline", "floor") else (
            "yes" if time_ratio <= TIME_TARGET and memory_ratio <= MEMORY_TARGET else
            "time" if time_ratio <= TIME_TARGET else "memory" if memory_ratio <= MEMORY_TARGET else "no")
        table.append(
            f"| {labels[name]} | {from_tree[name]} | {seconds * 1000:.0f} ms | {memory:.1f} MB | {time_ratio:.2f} | {memory_ratio:.2f} "
            f"| {met} | {plain_seconds * 1000:.0f} ms | {plain_memory:.1f} MB | {plain_seconds / plain_base_time:.2f} "
            f"| {plain_seconds / seconds:.1f}x |"
        )
    rules = {entry.name: medians["bytecode"][entry.name] for entry in entries}
    without_ec2 = {name: figures for name, figures in rules.items() if name not in uses_ec2}
    plain_rules = [medians["no bytecode"][entry.name][0] / medians["bytecode"][entry.name][0] for entry in entries]
    body = "\n".join([
        f"Measured {now()} on {machine()}; boto3 {boto3.__version__}. Run: `make bench-cold-start` "
        f"(benchmarks/cold_start.py), median of {arguments.repeats} runs each, all processes and both variants alternating.",
        "",
        "Each rule: a fresh `python -c` process imports `rules.<name>.app` and hands one event to `lambda_handler` "
        "(a change notification, or the schedule for periodic-only vpc_endpoints), which builds its clients and "
        "posts the evaluation over HTTP to the embedded AWS (moto with the compliance APIs) running in the benchmark's "
        "own process; whole-process wall time and the child's own peak RSS (VmHWM, read as the process ends). "
        f"Targets: time ratio <= {TIME_TARGET}, memory ratio <= {MEMORY_TARGET} (ratios to the baseline of the same run "
        "and variant).",
        "",
        "Every process, the baseline included, imports from the same copies of the modules these processes load, laid "
        "out as on Lambda (a function folder for smguard and the rule, a layer folder for boto3, botocore, powertools, "
        "rdklib and their dependencies, then the standard library with its own bytecode), in two variants that differ "
        "only in bytecode: **bytecode**, compiled with `compileall --invalidation-mode unchecked-hash` (what the build "
        "ships when it finds the runtime's interpreter, see below), and **no bytecode**, no .pyc at all (what a layer "
        "built with `pip --no-compile` ships: Lambda's /opt and /var/task are read-only, so every cold start compiles "
        "every module from source). Children run with `-S` (no site: this virtual environment's start-up is not "
        "Lambda's) and PYTHONDONTWRITEBYTECODE=1, so nothing one compiles helps the next; an unmeasured run of each process and variant first checks that every module came from the variant's "
        "tree or the standard library, with bytecode exactly in the first variant (modules from the tree: second column).",
        "",
        *table,
        "",
        f"Against the floor (a bare boto3 script posting the same evaluation, with bytecode), the rules that need no "
        f"EC2 client take {min(t for t, _ in without_ec2.values()) / floor_time:.2f}-"
        f"{max(t for t, _ in without_ec2.values()) / floor_time:.2f}x its time and "
        f"{max(m for _, m in without_ec2.values()) / floor_memory:.2f}x its memory at most. The rules that read EC2 "
        f"({', '.join(sorted(uses_ec2))}) also build an EC2 client, whose service model is botocore's largest. "
        f"Without bytecode every rule takes {min(plain_rules):.1f}-{max(plain_rules):.1f}x its time with bytecode, and "
        f"`import boto3` alone {plain_base_time / base_time:.1f}x.",
        "",
        WHERE_THE_TIME_GOES,
    ])
    print(body)
    if not arguments.no_write:
        write_section("Rule cold start", body)


if __name__ == "__main__":
    main()
