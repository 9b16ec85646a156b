"""What the suite's tests across all rules need to know about vpc_flow_logs, declared in its folder.

``NEEDED``, ``FACTS_ONLY`` and ``FACT_NEEDED`` are read by the hostile suite (tests/hostile/declared.py),
``DEMO`` by the demo's test (tests/cli/test_demo.py); a copy of this folder carries them.
"""

from __future__ import annotations


from smguard.resources.types import vpc
from tests.hostile.needed import UNLESS_ABSENT, VPC_WITH_FLOW_LOG, Needed

NEEDED: dict[str, tuple[Needed, ...]] = {vpc.TYPE.name: ()}
"""The VPC item holds no property the check needs (FACTS_ONLY)."""
FACTS_ONLY = "compliance comes from DescribeFlowLogs entries (FACT_NEEDED), the VPC item only says whether it is pending or deleting"

FACT_NEEDED = (
    Needed("ResourceId", VPC_WITH_FLOW_LOG),
    Needed("TrafficType", "ALL"),
    Needed("FlowLogStatus", "ACTIVE"),
    Needed("DeliverLogsStatus", "SUCCESS", UNLESS_ABSENT),
)
"""What must hold of a DescribeFlowLogs entry for it to count. FlowLogStatus must be ACTIVE (absent or
null never counts). DeliverLogsStatus may be absent or null (a template-built fact has none: the rule
then says delivery was not checked); any other value than SUCCESS must not count. The default
MaxAggregationInterval (absent means 600) is left out on purpose."""

DEMO = (1, 1, 0)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable)."""
