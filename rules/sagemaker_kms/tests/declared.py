"""What the suite's tests across all rules need to know about sagemaker_kms, declared in its folder.

``NEEDED`` is read by the hostile suite (tests/hostile/declared.py),
``DEMO`` by the demo's test (tests/cli/test_demo.py); a copy of this folder carries them.
"""

from __future__ import annotations


from collections.abc import Mapping
from typing import Any

from smguard.resources.types import domain, endpoint_config, notebook_instance
from tests.hostile.needed import KEY_ARN, REFERENCE, Needed


def _capture_enabled(configuration: Mapping[str, Any]) -> bool:
    capture = configuration.get("DataCaptureConfig")
    if capture is None or capture == {}:
        return False  # an empty object records no capture: a real one has DestinationS3Uri and CaptureOptions
    return not (isinstance(capture, Mapping) and capture.get("EnableCapture") is False)


NEEDED = {
    notebook_instance.TYPE.name: (Needed("KmsKeyId", KEY_ARN, REFERENCE),),
    domain.TYPE.name: (Needed("KmsKeyId", KEY_ARN, REFERENCE),),
    endpoint_config.TYPE.name: (
        Needed("KmsKeyId", KEY_ARN, REFERENCE),
        Needed("DataCaptureConfig.KmsKeyId", KEY_ARN, REFERENCE, applies=_capture_enabled),
    ),
}
"""The recorded properties the check cannot decide COMPLIANT without, and the value that satisfies each."""

DEMO = (6, 3, 0)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable)."""
