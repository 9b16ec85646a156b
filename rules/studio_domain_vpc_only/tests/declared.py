"""What the suite's tests across all rules need to know about studio_domain_vpc_only, declared in its folder.

``NEEDED`` is read by the hostile suite (tests/hostile/declared.py),
``DEMO`` by the demo's test (tests/cli/test_demo.py); a copy of this folder carries them.
"""

from __future__ import annotations


from collections.abc import Mapping
from typing import Any

from smguard.resources.types import domain
from tests.hostile.needed import KEY_ARN, REFERENCE, Needed, lookup


def _cell_output_shared(configuration: Mapping[str, Any]) -> bool:
    """Shared notebooks carry cell output unless NotebookOutputOption is absent (default) or Disabled."""
    found, output = lookup(configuration, "DefaultUserSettings.SharingSettings.NotebookOutputOption")
    return found and output != "Disabled"


NEEDED = {
    domain.TYPE.name: (
        Needed("AppNetworkAccessType", "VpcOnly"),
        Needed("DefaultUserSettings.SharingSettings.S3KmsKeyId", KEY_ARN, REFERENCE, applies=_cell_output_shared),
    ),
}
"""The recorded properties the check cannot decide COMPLIANT without, and the value that satisfies each."""

DEMO = (1, 1, 0)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable)."""
