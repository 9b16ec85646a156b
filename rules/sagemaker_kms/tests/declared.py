"""What the suite's tests across all rules need to know about sagemaker_kms, declared in its folder.

``NEEDED`` is read by the hostile suite (tests/hostile/declared.py),
``DEMO`` by the demo's test (tests/cli/test_demo.py); a copy of this folder carries them.
Written from the AWS documentation of each type, not from the check's table, so that the hostile
suite holds the table to it.
"""

from __future__ import annotations


from collections.abc import Callable, Mapping
from typing import Any

from smguard.resources.types import (
    data_quality_job_definition,
    domain,
    endpoint_config,
    feature_group,
    inference_experiment,
    model_bias_job_definition,
    model_explainability_job_definition,
    model_quality_job_definition,
    monitoring_schedule,
    notebook_instance,
)
from tests.hostile.needed import KEY_ARN, REFERENCE, Needed


def _capture_enabled(configuration: Mapping[str, Any]) -> bool:
    capture = configuration.get("DataCaptureConfig")
    if capture is None or capture == {}:
        return False  # an empty object records no capture: a real one has DestinationS3Uri and CaptureOptions
    return not (isinstance(capture, Mapping) and capture.get("EnableCapture") is False)


def _has(name: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda configuration: configuration.get(name) not in (None, {})


def _standard_online_store(configuration: Mapping[str, Any]) -> bool:
    online = configuration.get("OnlineStoreConfig")
    if not isinstance(online, Mapping):
        return online not in (None, {})
    return online.get("EnableOnlineStore") not in (None, False) and online.get("StorageType") != "InMemory"


def _job_definition(job: Any) -> tuple[Needed, ...]:
    return (
        Needed("JobResources.ClusterConfig.VolumeKmsKeyId", KEY_ARN, REFERENCE),
        Needed(f"{job.kind}JobOutputConfig.KmsKeyId", KEY_ARN, REFERENCE),
    )


INLINE = "MonitoringScheduleConfig.MonitoringJobDefinition"

NEEDED = {
    notebook_instance.TYPE.name: (Needed("KmsKeyId", KEY_ARN, REFERENCE),),
    domain.TYPE.name: (Needed("KmsKeyId", KEY_ARN, REFERENCE),),
    endpoint_config.TYPE.name: (
        Needed("KmsKeyId", KEY_ARN, REFERENCE),
        Needed("DataCaptureConfig.KmsKeyId", KEY_ARN, REFERENCE, applies=_capture_enabled),
    ),
    **{
        job.TYPE.name: _job_definition(job.TYPE)
        for job in (
            data_quality_job_definition,
            model_bias_job_definition,
            model_explainability_job_definition,
            model_quality_job_definition,
        )
    },
    monitoring_schedule.TYPE.name: (
        Needed(f"{INLINE}.MonitoringResources.ClusterConfig.VolumeKmsKeyId", KEY_ARN, REFERENCE),
        Needed(f"{INLINE}.MonitoringOutputConfig.KmsKeyId", KEY_ARN, REFERENCE),
    ),
    feature_group.TYPE.name: (
        Needed("OfflineStoreConfig.S3StorageConfig.KmsKeyId", KEY_ARN, REFERENCE, applies=_has("OfflineStoreConfig")),
        Needed("OnlineStoreConfig.SecurityConfig.KmsKeyId", KEY_ARN, REFERENCE, applies=_standard_online_store),
    ),
    inference_experiment.TYPE.name: (
        Needed("KmsKey", KEY_ARN, REFERENCE),
        Needed("DataStorageConfig.KmsKey", KEY_ARN, REFERENCE, applies=_has("DataStorageConfig")),
    ),
}
"""The recorded properties the check cannot decide COMPLIANT without, and the value that satisfies each."""

DEMO = (13, 10, 1)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable)."""
