"""Realistic recorded configurations, one per resource type, from the type's own module (``sample``).

The hostile strategies start from these and break them; the needed properties of the rule under
test are then set to their satisfying values (needed.py).
"""

from __future__ import annotations

import copy
from typing import Any

from smguard.resources import resource_types

RESOURCE_IDS = {name: definition.sample_id for name, definition in resource_types().items()}
"""AWS Config's resource id per type: the name for SageMaker notebooks, endpoint configs and
models, the id for domains and EC2 resources."""


def sample(resource_type: str) -> dict[str, Any]:
    """A fresh copy of the type's sample (or an empty configuration for a type smguard does not define)."""
    definition = resource_types().get(resource_type)
    return copy.deepcopy(dict(definition.sample)) if definition is not None else {}
