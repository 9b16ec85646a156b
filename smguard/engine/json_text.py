"""JSON text from AWS Config, parsed with a nesting bound that does not depend on the Python version.

``json.loads`` alone fails on deep nesting at a depth that varies by release: Python 3.11 raises
RecursionError near 1,000 levels, while 3.12 (the Lambda runtime) parses far deeper and leaves
the recursion to whatever walks the value next. A configuration item is a few levels deep, so
anything past ``MAX_NESTING`` is refused the same way on every version.
"""

from __future__ import annotations

import json
from typing import Any

MAX_NESTING = 100
"""Deepest accepted nesting of objects and arrays (recorded SageMaker and EC2 items reach about 10)."""


class NestedTooDeeplyError(ValueError):
    """The JSON text nests objects or arrays deeper than MAX_NESTING."""


def load_json(text: str) -> Any:
    """Parse ``text``; raise json.JSONDecodeError when it is not JSON, NestedTooDeeplyError past the bound."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise NestedTooDeeplyError(f"nested deeper than Python's parser allows (the bound is {MAX_NESTING})") from None
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > MAX_NESTING:
                    raise NestedTooDeeplyError(f"nested more than {MAX_NESTING} levels deep")
                pending.append((child, depth + 1))
    return value
