"""Print the mutation score of rules/*/check.py per rule and in total, from mutmut's last run.

`make mutation` runs mutmut, then this. The table is Markdown, so a measurement can be pasted into
docs/mutation.md as printed. A mutant counts as detected when a test failed (killed) or ran out of
its time (timeout); the score is detected over every mutant mutmut judged, so a mutant no test
reached, or one mutmut could not run, lowers it instead of vanishing from the count. Mutants an
interrupted run left unchecked are shown in their own column and make the report fail.
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
COLUMNS = ("killed", "timeout", "survived", "no tests", "not checked")


class IncompleteRunError(Exception):
    """mutmut's last run left mutants unjudged: its numbers are not a measurement."""


def statuses() -> dict[str, Counter[str]]:
    """Each rule's count of mutants per mutmut status (`mutmut results --all true`)."""
    listing = subprocess.run([MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True).stdout
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for line in listing.splitlines():
        if match := RESULT.match(line):
            by_rule[match["rule"]][match["status"]] += 1
    for counts in by_rule.values():
        counts["not checked"] += counts.pop("check was interrupted by user", 0)
    if not by_rule:
        raise IncompleteRunError("`mutmut results` lists no mutant of rules/*/check.py; run `make mutation` first")
    return by_rule


def row(name: str, counts: Counter[str]) -> str:
    total = sum(counts.values())
    other = total - sum(counts[column] for column in COLUMNS)
    judged = total - counts["not checked"]
    score = f"{(counts['killed'] + counts['timeout']) / judged:.1%}" if judged else "none judged"
    cells = [name, str(total), *(str(counts[column]) for column in COLUMNS), str(other), score]
    return "| " + " | ".join(cells) + " |"


def report(by_rule: dict[str, Counter[str]]) -> str:
    lines = [
        "| rule | mutants | " + " | ".join(COLUMNS) + " | other | score |",
        "|---|" + "--:|" * (len(COLUMNS) + 3),
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
    unfinished = sorted(rule for rule, counts in by_rule.items() if counts["not checked"])
    if unfinished:
        raise IncompleteRunError(
            f"the run did not finish: {', '.join(unfinished)} still have mutants not checked, so their "
            "scores and the total count only the mutants judged so far"
        )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except IncompleteRunError as error:
        sys.exit(f"mutation_report: {error}")
