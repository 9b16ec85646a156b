"""How identifiers are set in summary.html: names never break, long identifiers break only at their separators.

A rule name, an account id or a region split across two lines reads as two things; an ARN or a
conformance pack's rule (``smguard-...-conformance-pack-<suffix>``) is longer than a narrow column,
so it may break, but only after a separator (``:``, ``/``, ``-``), never inside a word.
"""

from __future__ import annotations

import re
from html import escape

ARN_SEPARATORS = ":/"
NAME_SEPARATORS = "-"
_WBR = "<wbr>"


def name(text: str, element: str = "span") -> str:
    """``text`` on one line (class ``name``: white-space nowrap)."""
    return f'<{element} class="name">{escape(text)}</{element}>'


def breakable(text: str, separators: str = ARN_SEPARATORS + NAME_SEPARATORS) -> str:
    """``text`` escaped, with a line-break opportunity after each separator and nowhere else."""
    return re.sub("([" + re.escape(separators) + "])", r"\1" + _WBR, escape(text, quote=False))


def identifier(text: str) -> str:
    """A resource id, ARN or Config rule name in code type, breakable at its separators (class ``id``)."""
    return f'<code class="id">{breakable(text)}</code>'
