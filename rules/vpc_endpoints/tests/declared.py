"""What the suite's tests across all rules need to know about vpc_endpoints, declared in its folder.

``NEEDED``, ``FACTS_ONLY`` and ``FACT_NEEDED`` are read by the hostile suite (tests/hostile/declared.py),
``DEMO`` by the demo's test (tests/cli/test_demo.py); a copy of this folder carries them.
"""

from __future__ import annotations


from collections.abc import Mapping
from typing import Any

from smguard.resources.types import vpc
from tests.hostile.needed import CASELESS, ONE_OF, Needed


def _interface(entry: Mapping[str, Any]) -> bool:
    return entry.get("VpcEndpointType") == "Interface"


NEEDED: dict[str, tuple[Needed, ...]] = {vpc.TYPE.name: ()}
"""The VPC item holds no property the check needs (FACTS_ONLY)."""
FACTS_ONLY = "periodic only: compliance comes from DescribeVpcEndpoints entries (FACT_NEEDED)"

FACT_NEEDED = (
    Needed("VpcEndpointType", ("Interface", "Gateway"), ONE_OF),
    Needed("State", "available", CASELESS),
    Needed("PrivateDnsEnabled", True, applies=_interface),
)
"""What must hold of a DescribeVpcEndpoints entry for it to count."""

DEMO = (1, 1, 0)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable)."""
