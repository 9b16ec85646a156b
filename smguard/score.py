"""The conformance-pack compliance score: one formula for the embedded AWS, the demo and the export.

AWS Config API Reference, ConformancePackComplianceScore: "the percentage of the number of
compliant rule-resource combinations in a conformance pack compared to the number of total possible
rule-resource combinations in the conformance pack"; "Conformance packs with no evaluation results
will have a compliance score of INSUFFICIENT_DATA".

smguard's reading, used everywhere a score is shown: the possible combinations are the pairs with a
COMPLIANT or NON_COMPLIANT result. A NOT_APPLICABLE pair (a resource out of the rule's reach, or an
exemption in force) is not one: the rule makes no claim about it. The score is a string with two
decimals, as the API returns a string.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
COUNTED = ("COMPLIANT", "NON_COMPLIANT")
"""The compliance types a score counts; any other (NOT_APPLICABLE) is left out."""


class NegativeCountError(ValueError):
    """A score asked for with a negative number of pairs."""


def compliance_score(compliant: int, non_compliant: int) -> str:
    """``"62.50"`` for 5 compliant and 3 non-compliant pairs; ``INSUFFICIENT_DATA`` for none."""
    if compliant < 0 or non_compliant < 0:
        raise NegativeCountError(f"pair counts cannot be negative (compliant={compliant}, non_compliant={non_compliant})")
    total = compliant + non_compliant
    if total == 0:
        return INSUFFICIENT_DATA
    return f"{100 * compliant / total:.2f}"


@dataclass(frozen=True)
class PackScore:
    """A pack's score and the counts it comes from (what an auditor recomputes)."""

    compliant: int
    non_compliant: int

    @property
    def score(self) -> str:
        return compliance_score(self.compliant, self.non_compliant)

    @classmethod
    def of(cls, compliance_types: Iterable[str]) -> PackScore:
        """The score of rule-resource pairs given by their compliance types (one per pair)."""
        types = list(compliance_types)
        return cls(types.count("COMPLIANT"), types.count("NON_COMPLIANT"))
