"""The conformance pack's compliance score, as the Config dashboard shows it above the rules.

The pairs counted are the COMPLIANT and NON_COMPLIANT ones; NOT_APPLICABLE results (and exemptions)
are not rule-resource combinations a score counts (:mod:`smguard.score`).

Read with ListConformancePackComplianceScores, the call behind the console's score; the counts it
comes from are the dashboard's own (:mod:`smguard.demo.dashboard`), so a reader can check the
arithmetic (:mod:`smguard.score` states the formula).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from smguard.demo.dashboard import RuleStatus
from smguard.deploy.naming import CONFORMANCE_PACK_NAME, is_smguard_pack
from smguard.score import INSUFFICIENT_DATA, PackScore

SCORE_LINE = "Conformance pack "
"""How the score's line starts (the README's excerpt of the demo is cut there)."""
SCORES_PAGE = 20
"""ListConformancePackComplianceScores' largest Limit (AWS Config API Reference)."""


class MissingPackScoreError(LookupError):
    """AWS Config lists no score for the conformance pack the stack deployed."""


def read_score(config: Any) -> tuple[str, str]:
    """smguard's pack in the account (its own, or a member account's copy of the organization pack) and
    its score as AWS Config reports it (a percentage with two decimals, or INSUFFICIENT_DATA)."""
    request: dict[str, Any] = {"Limit": SCORES_PAGE}
    while True:
        page = config.list_conformance_pack_compliance_scores(**request)
        for score in page["ConformancePackComplianceScores"]:
            if is_smguard_pack(score["ConformancePackName"]):
                return str(score["ConformancePackName"]), str(score["Score"])
        if not page.get("NextToken"):
            raise MissingPackScoreError(f"AWS Config lists no compliance score for smguard's conformance pack ({CONFORMANCE_PACK_NAME})")
        request["NextToken"] = page["NextToken"]


def describe_score(pack: str, score: str, statuses: Sequence[RuleStatus], *, after: str | None = None) -> Text:
    """One line: the score, and the rule-resource pairs it is computed from (shown again ``after`` something)."""
    pairs = PackScore.of(result.compliance for status in statuses for result in status.results)
    shown = score if score == INSUFFICIENT_DATA else f"{score}%"
    return Text.assemble(
        f"After {after}: " if after else "", (SCORE_LINE if not after else SCORE_LINE.lower(), "bold"), pack, ": compliance score ", (shown, "bold"),
        f" ({pairs.compliant} of {pairs.compliant + pairs.non_compliant} rule-resource pairs compliant)\n",
    )
