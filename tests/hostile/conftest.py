"""Hypothesis profiles and the shared moto world of the hostile-input suite.

Profiles (select with SMGUARD_HYPOTHESIS_PROFILE; CI uses ``ci``):
- ``ci``: 80 examples per property, the default. A property of the event envelope or of the scope
  check runs on one rule per combination of triggers, the needed-property test on the rule's pure
  check, every other property on every rule (and resource type or needed property): with the nine
  rules of December 2026, 82 property tests and 6,560 generated inputs. Measured 2026-12-06 with
  ``pytest -n 2 --dist loadfile tests/hostile`` on a 2-core AMD EPYC (Python 3.11.7) shared with
  other work (load average 8 to 10): 4 min 7 s wall, 71 s CPU; the 120 property tests before
  (every property on every rule, through the handler), same conditions: 6 min 46 s wall, 108 s CPU.
  The CI budget for this directory is 10 minutes;
- ``thorough``: 2,000 examples, for a run before a release;
- ``dev``: 25 examples and no shrinking, while writing a test.
Examples are not stored in a database (the working tree is shared); a failure prints the
reproduction blob, and every failing example found is kept in test_regressions.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.hostile.world import World, open_world

EXAMPLES = {"ci": 80, "thorough": 2000, "dev": 25}
for _name, _count in EXAMPLES.items():
    settings.register_profile(
        f"smguard-hostile-{_name}",
        max_examples=_count,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        phases=[phase for phase in Phase if _name != "dev" or phase is not Phase.shrink],
    )

PROFILE = os.environ.get("SMGUARD_HYPOTHESIS_PROFILE", "ci")
HOSTILE = settings.get_profile(f"smguard-hostile-{PROFILE}")
"""Applied per test (``@HOSTILE``) rather than loaded globally, so other suites keep their settings."""


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    yield from open_world()
