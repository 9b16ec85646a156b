"""How a rule declares which recorded properties its check needs, and the value that satisfies each.

Each rule declares its own in its folder (``rules/<rule>/tests/declared.py``, derived by reading
its ``check.py``), in these terms; tests/hostile/declared.py gathers them. A resource whose needed
property is absent, null, of the wrong type, in the wrong casing or otherwise not the satisfying
value must never be reported COMPLIANT. Every rule the catalogue discovers must declare them
(test_coverage.py fails otherwise), so a new rule cannot slip past the hostile suite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from smguard.resources.base import (
    SAMPLE_ACCOUNT,
    SAMPLE_GROUP_ID,
    SAMPLE_KEY_ARN,
    SAMPLE_KEY_ID,
    SAMPLE_REGION,
    SAMPLE_SUBNET_ID,
    SAMPLE_VPC_ID,
)
from smguard.resources.types import vpc

VPC = vpc.TYPE.name

ACCOUNT = SAMPLE_ACCOUNT
REGION = SAMPLE_REGION
KEY_ID = SAMPLE_KEY_ID
"""Stands for the customer managed key the hostile world creates in moto (moto picks its own id;
the harness swaps this placeholder for it in every event): the key of the types' samples."""
KEY_ARN = SAMPLE_KEY_ARN
VPC_WITH_FLOW_LOG = SAMPLE_VPC_ID
"""Stands for the seeded VPC that has a flow log and SageMaker endpoints (swapped in like KEY_ID)."""
SUBNET_ID = SAMPLE_SUBNET_ID
GROUP_ID = SAMPLE_GROUP_ID

EXACT = "exact"
"""Only this value satisfies the check (enumerations are case-sensitive, lists must be these)."""
CASELESS = "caseless"
"""This string in any casing (EC2 returns endpoint states in lower case, its documentation capitalises them)."""
ONE_OF = "one of"
"""Exactly one of the values of the tuple ``value``."""
ID_LIST = "id list"
"""A non-empty list of non-empty strings (subnet or security group ids)."""
REFERENCE = "reference"
"""Any non-empty string satisfies the presence check (e.g. a KMS key id, alias or ARN); absent,
null, empty or a non-string must not. Rules that resolve the reference check more, not less."""
OBJECT_LIST = "object list"
"""A non-empty list of objects (an endpoint configuration's variants): which objects is for the
properties needed inside them, so a list still of objects satisfies it."""
UNLESS_ABSENT = "unless absent"
"""Absent or null is accepted (the rule says the field was not checked, as for a template-built
fact); any other value must be exactly ``value``: a value present but unreadable never counts."""


def _always(configuration: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Needed:
    """One property the check cannot decide COMPLIANT without."""

    path: str
    """Dotted path in the ``configuration`` object."""
    value: Any
    """The value written into the baseline (compliant) configuration."""
    kind: str = EXACT
    applies: Callable[[Mapping[str, Any]], bool] = field(default=_always, compare=False)
    """Some properties are needed only in some configurations (capture key when capture is on)."""

    def satisfied(self, configuration: Mapping[str, Any]) -> bool:
        if not self.applies(configuration):
            return True
        found, value = lookup(configuration, self.path)
        if self.kind == UNLESS_ABSENT:
            return not found or value is None or (type(value) is type(self.value) and value == self.value)
        if not found:
            return False
        if self.kind == REFERENCE:
            return isinstance(value, str) and bool(value)
        if self.kind == ONE_OF:
            return isinstance(value, str) and value in self.value
        if self.kind == OBJECT_LIST:
            return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)
        if self.kind == ID_LIST:
            return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)
        if self.kind == CASELESS:
            return isinstance(value, str) and value.lower() == self.value.lower()
        return type(value) is type(self.value) and value == self.value


def lookup(configuration: Any, path: str) -> tuple[bool, Any]:
    value = configuration
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return True, value
