"""What the suite's tests across all rules need to know about sagemaker_monitoring_network, declared in its folder.

``NEEDED`` is read by the hostile suite (tests/hostile/declared.py),
``DEMO`` by the demo's test (tests/cli/test_demo.py); a copy of this folder carries them.
"""

from __future__ import annotations


from smguard.resources.types import (
    data_quality_job_definition,
    model_bias_job_definition,
    model_explainability_job_definition,
    model_quality_job_definition,
    monitoring_schedule,
)
from tests.hostile.needed import GROUP_ID, ID_LIST, SUBNET_ID, Needed


def _network(prefix: str) -> tuple[Needed, ...]:
    return (
        Needed(f"{prefix}NetworkConfig.EnableNetworkIsolation", True),
        Needed(f"{prefix}NetworkConfig.EnableInterContainerTrafficEncryption", True),
        Needed(f"{prefix}NetworkConfig.VpcConfig.Subnets", [SUBNET_ID], ID_LIST),
        Needed(f"{prefix}NetworkConfig.VpcConfig.SecurityGroupIds", [GROUP_ID], ID_LIST),
    )


NEEDED = {
    **{
        module.TYPE.name: _network("")
        for module in (
            data_quality_job_definition,
            model_bias_job_definition,
            model_explainability_job_definition,
            model_quality_job_definition,
        )
    },
    monitoring_schedule.TYPE.name: _network("MonitoringScheduleConfig.MonitoringJobDefinition."),
}
"""The recorded properties the check cannot decide COMPLIANT without, and the value that satisfies each."""

DEMO = (5, 5, 1)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable)."""
