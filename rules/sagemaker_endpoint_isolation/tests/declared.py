"""What the suite's tests across all rules need to know about sagemaker_endpoint_isolation, declared in its folder.

``NEEDED`` is read by the hostile suite (tests/hostile/declared.py),
``DEMO`` by the demo's test (tests/cli/test_demo.py); a copy of this folder carries them.
"""

from __future__ import annotations

from smguard.resources.types import endpoint_config
from tests.hostile.needed import GROUP_ID, ID_LIST, OBJECT_LIST, SUBNET_ID, Needed

COMPONENT_VARIANTS = [{"VariantName": "AllTraffic", "InstanceType": "ml.g5.2xlarge", "InitialInstanceCount": 1}]
"""A variant that names no model: the baseline hosts inference components, so every need below is in force."""

NEEDED = {
    endpoint_config.TYPE.name: (
        Needed("ProductionVariants", COMPONENT_VARIANTS, OBJECT_LIST),
        Needed("EnableNetworkIsolation", True),
        Needed("VpcConfig.Subnets", [SUBNET_ID], ID_LIST),
        Needed("VpcConfig.SecurityGroupIds", [GROUP_ID], ID_LIST),
    ),
}
"""The recorded properties the check cannot decide COMPLIANT without, and the value that satisfies each."""

DEMO = (1, 1, 2)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable)."""
