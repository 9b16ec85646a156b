"""What the suite's tests across all rules need to know about sagemaker_model_isolation, declared in its folder.

``NEEDED`` is read by the hostile suite (tests/hostile/declared.py),
``DEMO`` by the demo's test (tests/cli/test_demo.py); a copy of this folder carries them.
"""

from __future__ import annotations


from smguard.resources.types import model
from tests.hostile.needed import GROUP_ID, ID_LIST, SUBNET_ID, Needed

NEEDED = {
    model.TYPE.name: (
        Needed("EnableNetworkIsolation", True),
        Needed("VpcConfig.Subnets", [SUBNET_ID], ID_LIST),
        Needed("VpcConfig.SecurityGroupIds", [GROUP_ID], ID_LIST),
    ),
}
"""The recorded properties the check cannot decide COMPLIANT without, and the value that satisfies each."""

DEMO = (0, 2, 0)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable)."""
