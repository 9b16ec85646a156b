"""What the suite's tests across all rules need to know about sagemaker_model_private_registry, declared in its folder.

``NEEDED`` is read by the hostile suite (tests/hostile/declared.py),
``DEMO`` by the demo's test (tests/cli/test_demo.py); a copy of this folder carries them.
"""

from __future__ import annotations

from smguard.resources.types import model
from tests.hostile.needed import Needed

NEEDED = {
    model.TYPE.name: (Needed("PrimaryContainer.ImageConfig.RepositoryAccessMode", "Vpc"),),
}
"""The recorded properties the check cannot decide COMPLIANT without, and the value that satisfies each."""

DEMO = (1, 1, 0)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable)."""
