"""compliance_scores.csv and .jsonl: the conformance-pack compliance score of each account and region.

Counted from the rows the bundle's evaluations.csv holds, as they stream past, so that an auditor
recomputes every score from that file: the rows of an account and region whose Config rule is a
conformance pack's (``smguard.deploy.naming.is_conformance_pack_rule``), COMPLIANT over COMPLIANT
plus NON_COMPLIANT (``smguard.score``, the one formula). Every account and region the export read
has a record; one whose smguard rules are no conformance pack's (a deployment from before the
rules moved into a pack) says it has no score instead of showing a number, and so does every
record of an export whose filters leave out results the score counts.

One account and region can hold two smguard packs: its own (account mode) and its copy of the
organization pack (``OrgConformsPack-smguard-<suffix>``), e.g. a management account that was not
excluded. AWS Config scores each pack on its own; the rules of one pack share its suffix (AWS Config
Developer Guide, "Viewing compliance history timeline for conformance packs": pack
``conformance-pack-<ID>`` holds ``<rule>-conformance-pack-<ID>``), so rules with different suffixes
are different packs. When the pairs counted belong to more than one pack, a number over all of them
would be neither pack's score: such a record says so instead (one pack with pairs, and others
without, is that pack's score).

A score names its pack as the Config console of its account shows it (``smguard`` or
``OrgConformsPack-smguard-<suffix>``, from :mod:`smguard.evidence.pack_names`); a score whose pack
cannot be named says why instead of a number, so that no record shows a score an auditor cannot
find in AWS.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from smguard.catalogue import rule_names
from smguard.deploy.naming import conformance_pack_suffix
from smguard.evidence.pack_names import PackNames
from smguard.evidence.request import ExportRequest
from smguard.evidence.rows import CSV_ENCODING, EvaluationRow
from smguard.results import COMPLIANCE_SCORES, COMPLIANT_PAIRS, CONFORMANCE_PACK, NO_SCORE_REASON, NON_COMPLIANT_PAIRS, SCORE
from smguard.score import COUNTED, PackScore

SCORES_CSV = "compliance_scores.csv"
SCORES_JSONL = "compliance_scores.jsonl"
FORMULA = (
    "The compliance score of an account and region is the share, in percent with two decimals, of the COMPLIANT "
    "rule-resource pairs among the COMPLIANT and NON_COMPLIANT pairs of its conformance pack's rules: NOT_APPLICABLE "
    "results, exemptions included, are not counted, and a pack without such a pair scores INSUFFICIENT_DATA."
)
"""The formula in one sentence, as summary.html and docs/evidence.md state it (smguard/score.py computes it)."""
NO_PACK = (
    "no conformance pack: the smguard rules here are standalone Config rules or an organization rule's copies (a "
    "deployment from before smguard deployed its rules in a conformance pack), and only a conformance pack has a score"
)
NO_PACK_AGGREGATED = (
    "no conformance pack rule with a COMPLIANT or NON_COMPLIANT result: the smguard rules the aggregator lists here are "
    "standalone Config rules or an organization rule's copies (a deployment from before smguard deployed its rules in a "
    "conformance pack; an aggregator lists no rule without such a result, so a pack whose pairs are all NOT_APPLICABLE, "
    "INSUFFICIENT_DATA on the account's own dashboard, is not seen)"
)


def several_packs(suffixes: Iterable[str]) -> str:
    """Why an account and region whose pack rules carry these ``suffixes`` (more than one) has no score."""
    shown = sorted(set(suffixes))
    return (
        f"not computed: the pairs here belong to {len(shown)} conformance packs (their rules' suffixes: {', '.join(shown)}), "
        "such as the account's own pack and its copy of the organization pack; AWS Config scores each pack on its own, "
        "and one number over all of them would be none of theirs"
    )


def withheld(request: ExportRequest) -> str | None:
    """Why the export's filters make every score wrong (a pack's rules or results left out), or None."""
    if request.rules and set(request.rules) != set(rule_names()):
        return (
            f"not computed: --rules {','.join(request.rules)} leaves out results of the conformance pack's other rules, "
            "which the score counts; export without --rules for the score"
        )
    left_out = [compliance for compliance in COUNTED if compliance not in request.compliance_types]
    if left_out:
        return (
            f"not computed: --compliance-types leaves out the {' and '.join(left_out)} results the score counts; "
            "export them for the score"
        )
    return None


def score_fields(counts: Counter[str], reason: str | None, pack: str | None = None) -> dict[str, Any]:
    """The score fields of a record: the ``pack`` (its name in AWS), its pairs' ``counts`` (compliance type -> pairs)
    and score, or, given a ``reason``, empty ones and why there is no score."""
    if reason is not None or pack is None:
        if reason is None:
            raise ValueError("a score needs the name of its conformance pack, or the reason there is none")
        return {CONFORMANCE_PACK.name: None, COMPLIANT_PAIRS.name: None, NON_COMPLIANT_PAIRS.name: None, SCORE.name: None, NO_SCORE_REASON.name: reason}
    score = PackScore(counts["COMPLIANT"], counts["NON_COMPLIANT"])
    return {
        CONFORMANCE_PACK.name: pack,
        COMPLIANT_PAIRS.name: score.compliant,
        NON_COMPLIANT_PAIRS.name: score.non_compliant,
        SCORE.name: score.score,
        NO_SCORE_REASON.name: None,
    }


@dataclass
class AccountScores:
    """Per account and region: whether a conformance pack rule of smguard's is there, and its pairs' results."""

    pairs: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    with_pack: set[tuple[str, str]] = field(default_factory=set)
    counted_packs: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    """Per account and region, the suffixes (one per pack) of the pack rules whose pairs are counted."""
    seen_packs: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    """Per account and region, the suffixes of every pack rule deployed or with results there."""

    def expect(self, account_id: str, region: str, config_rule_name: str) -> None:
        """A smguard Config rule deployed in (or with results from) the account and region."""
        self.pairs.setdefault((account_id, region), Counter())
        suffix = conformance_pack_suffix(config_rule_name)
        if suffix is not None:
            self.with_pack.add((account_id, region))
            self.seen_packs.setdefault((account_id, region), set()).add(suffix)

    def add(self, row: EvaluationRow) -> None:
        self.expect(row.account_id, row.region, row.config_rule_name)
        suffix = conformance_pack_suffix(row.config_rule_name)
        if suffix is not None and row.compliance in COUNTED:
            self.pairs[(row.account_id, row.region)][row.compliance] += 1
            self.counted_packs.setdefault((row.account_id, row.region), set()).add(suffix)

    def records(self, as_of: str, reason: str | None, pack_names: PackNames, no_pack: str = NO_PACK) -> list[dict[str, Any]]:
        """One record per account and region (sorted); ``as_of`` the export's time, ``reason`` :func:`withheld`'s,
        ``pack_names`` what AWS names the packs, ``no_pack`` what an account without a conformance pack rule says
        (an aggregator's sees less)."""
        records = []
        for key, counts in sorted(self.pairs.items()):
            no_score = reason or self._no_score(key, no_pack)
            pack = None
            if no_score is None:
                # The pack whose pairs are counted, or, with none counted (INSUFFICIENT_DATA), the packs deployed.
                named = pack_names.of(key, self.counted_packs.get(key) or self.seen_packs[key])
                pack, no_score = named.name, named.unnamed_reason
            records.append(
                COMPLIANCE_SCORES.record(
                    {"account_id": key[0], "region": key[1], **score_fields(counts, no_score, pack), "as_of_utc": as_of}
                )
            )
        return records

    def _no_score(self, key: tuple[str, str], no_pack: str) -> str | None:
        if key not in self.with_pack:
            return no_pack
        packs = self.counted_packs.get(key, set())
        return several_packs(packs) if len(packs) > 1 else None


def write_scores(folder: Path, records: list[dict[str, Any]]) -> None:
    """compliance_scores.csv (as evaluations.csv: UTF-8 with a byte-order mark, CRLF) and compliance_scores.jsonl."""
    with (folder / SCORES_CSV).open("w", encoding=CSV_ENCODING, newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(COMPLIANCE_SCORES.names)
        writer.writerows(COMPLIANCE_SCORES.csv_row(record) for record in records)
    with (folder / SCORES_JSONL).open("w", encoding="utf-8") as stream:
        stream.writelines(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n" for record in records)
