"""Characters nobody reading a record can see, removed from every text a connector maps.

Zero-width and joiner characters, bidirectional controls, the soft hyphen, interlinear annotation marks
and Unicode tag characters can hide words from a person while a model still reads them, which makes
them a favourite way to smuggle instructions into a ticket.
"""

from __future__ import annotations

import re

INVISIBLE_CHARS = (
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f"
)
"""The character class (without brackets), for modules that add characters of their own."""
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")


def strip_invisible(text: str) -> str:
    """`text` without invisible characters."""
    return INVISIBLE.sub("", text)


__all__ = ["INVISIBLE", "INVISIBLE_CHARS", "strip_invisible"]
