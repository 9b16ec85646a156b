"""What the suite's tests across all rules need to know about notebook_direct_internet, declared in its folder.

``NEEDED`` is read by the hostile suite (tests/hostile/declared.py),
``DEMO`` by the demo's test (tests/cli/test_demo.py); a copy of this folder carries them.
"""

from __future__ import annotations

from smguard.resources.types import notebook_instance
from tests.hostile.needed import Needed

NOTEBOOK = notebook_instance.TYPE.name

NEEDED = {NOTEBOOK: (Needed("DirectInternetAccess", "Disabled"),)}
"""The recorded properties the check cannot decide COMPLIANT without, and the value that satisfies each."""

DEMO = (2, 1, 0)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable)."""
