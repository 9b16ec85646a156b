"""What the hostile suite knows of each rule, gathered from the rule folders.

Each rule declares, in ``rules/<rule>/tests/declared.py`` (the terms are in needed.py):
``NEEDED``, the recorded properties its check needs per resource type in scope; and, when its
recorded item holds none (compliance comes from Describe API entries), ``FACTS_ONLY`` (why) and
``FACT_NEEDED`` (what must hold of an entry for it to count). A copied rule folder carries its
declaration, so there is no table here to edit.
"""

from __future__ import annotations

from smguard.catalogue import discover
from tests.hostile.needed import Needed
from tests.support.declared import declaration


DECLARED = {entry.name: declaration(entry.name) for entry in discover()}

NEEDED: dict[str, dict[str, tuple[Needed, ...]]] = {name: module.NEEDED for name, module in DECLARED.items()}
"""Rule -> resource type in scope -> what its check needs of the recorded item."""
FACTS_ONLY: dict[str, str] = {name: module.FACTS_ONLY for name, module in DECLARED.items() if hasattr(module, "FACTS_ONLY")}
"""Rules whose recorded item holds no property the check needs, and why; their needs are in FACT_NEEDED."""
FACT_NEEDED: dict[str, tuple[Needed, ...]] = {
    name: module.FACT_NEEDED for name, module in DECLARED.items() if hasattr(module, "FACT_NEEDED")
}
"""Per API entry (a DescribeFlowLogs or DescribeVpcEndpoints result), what must hold for it to count."""
