"""What the rule benchmarks share: the machine line, a seeded embedded AWS, child processes, sections.

Every benchmark here measures its subject in a fresh child process, so that the embedded AWS
(moto, heavy to import) runs in the parent and never counts against the figures.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE = ROOT / "docs" / "performance.md"
REGION = "us-east-1"
ACCOUNT = "123456789012"


def child_environment(endpoint: str, python_path: tuple[Path, ...] = (ROOT,)) -> dict[str, str]:
    """A child that talks only to the embedded AWS, with fake credentials, and logs to nowhere.

    Bytecode is the caller's business: PYTHONDONTWRITEBYTECODE and PYTHONPYCACHEPREFIX are passed
    on as they are (cold_start.py sets the first and removes the second for every process it measures)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        AWS_ENDPOINT_URL=endpoint,
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        POWERTOOLS_METRICS_NAMESPACE="smguard",
        PYTHONPATH=os.pathsep.join(str(path) for path in python_path),
    )
    return env


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    peak_rss_mb: float
    output: str


PEAK_RSS = "\nimport sys; sys.stderr.write('\\nVmHWM ' + open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"
"""Appended to every measured script: the process's own peak RSS (kB), read as it ends. getrusage
and wait4 report the high-water mark of the task, which on Linux includes the parent's pages the
child had before exec; /proc's VmHWM belongs to the program's own address space."""


def run_child(
    script: str, env: dict[str, str], stdin: str = "", cwd: Path = ROOT, options: tuple[str, ...] = ()
) -> ChildRun:
    """Run ``python [options] -c script`` in ``cwd`` to completion: wall time from spawn to exit, and
    its own peak RSS. (``-c`` puts the working directory first on sys.path.)"""
    with tempfile.TemporaryFile("w+") as given, tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        given.write(stdin)
        given.seek(0)
        started = time.perf_counter()
        process = subprocess.run(
            [sys.executable, *options, "-c", script + PEAK_RSS], env=env, cwd=cwd, stdin=given, stdout=out, stderr=err, check=False
        )
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        errors = err.read()
        if process.returncode != 0 or "\nVmHWM " not in errors:
            raise RuntimeError(f"{script!r} failed ({process.returncode}):\n{errors[-3000:]}")
        return ChildRun(seconds, int(errors.rsplit("\nVmHWM ", 1)[1]) / 1024, out.read())


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (
        f"{cpu}, {os.cpu_count()} cores (shared with other work), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def write_section(title: str, body: str, path: Path = PERFORMANCE) -> None:
    """Replace (or append) the ``## title`` section of docs/performance.md, leaving other sections alone."""
    text = path.read_text() if path.exists() else "# Performance\n"
    heading = f"## {title}"
    section = f"{heading}\n\n{body.strip()}\n"
    start = text.find(heading + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[following:] if following >= 0 else "")
    path.write_text(text)


def last_json_line(output: str) -> dict[str, Any]:
    """A child's result: the last line it printed (the handler's logs and metrics come before it)."""
    return json.loads(output.strip().splitlines()[-1])
