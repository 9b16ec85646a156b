"""Print the mutation score of rules/*/check.py per rule and in total, from mutmut's last run.

`make mutation` runs mutmut, then this. The table is Markdown, so a measurement can be pasted into
docs/mutation.md as printed. A mutant counts as detected when a test failed (killed) or ran out of
its time (timeout); the score is detected over every mutant, so a mutant no test reached, or one
mutmut could not judge, lowers it instead of vanishing from the count.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

MUTMUT = Path(sys.executable).with_name("mutmut")
RESULT = re.compile(r"^\s*rules\.(?P<rule>\w+)\.check\.(?P<mutant>x_\w+__mutmut_\d+): (?P<status>.+)$")
COLUMNS = ("killed", "timeout", "survived", "no tests")
UNJUDGED = {"not checked", "check was interrupted by user"}


class IncompleteRunError(Exception):
    """mutmut's last run left mutants unjudged: its numbers are not a measurement."""


def statuses() -> dict[str, Counter[str]]:
    """Each rule's count of mutants per mutmut status (`mutmut results --all true`)."""
    listing = subprocess.run([MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True).stdout
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for line in listing.splitlines():
        if match := RESULT.match(line):
            by_rule[match["rule"]][match["status"]] += 1
    if not by_rule:
        raise IncompleteRunError("`mutmut results` lists no mutant of rules/*/check.py; run `make mutation` first")
    return by_rule


def row(name: str, counts: Counter[str]) -> str:
    total = sum(counts.values())
    other = total - sum(counts[column] for column in COLUMNS)
    score = (counts["killed"] + counts["timeout"]) / total
    cells = [name, str(total), *(str(counts[column]) for column in COLUMNS), str(other), f"{score:.1%}"]
    return "| " + " | ".join(cells) + " |"


def report(by_rule: dict[str, Counter[str]]) -> str:
    lines = [
        "| rule | mutants | killed | timeout | survived | no tests | other | score |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    lines += [row(rule, by_rule[rule]) for rule in sorted(by_rule)]
    lines.append(row("**total**", sum(by_rule.values(), Counter())))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wall-seconds", type=int, help="the run's wall time, printed under the table")
    args = parser.parse_args()
    by_rule = statuses()
    print(report(by_rule))
    if args.wall_seconds is not None:
        print(f"\nwall time: {args.wall_seconds // 60} min {args.wall_seconds % 60} s")
    unjudged = sum(counts[status] for counts in by_rule.values() for status in UNJUDGED)
    if unjudged:
        raise IncompleteRunError(f"{unjudged} mutants were not checked: the run did not finish")
    return 0


if __name__ == "__main__":
    sys.exit(main())
