"""HubSpot's property text made safe to show: no invisible or control characters, one line where asked.

HubSpot properties hold plain strings (no markup), but any of them can be written by an integration or
a form, so every value a record shows passes through here first.
"""

from __future__ import annotations

import re
import unicodedata

from ..text import strip_invisible


def clean_text(value: str | None) -> str:
    """`value` without zero-width, bidi-control and other invisible characters or control codes."""
    if not value:
        return ""
    text = strip_invisible(value)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def single_line(value: str | None) -> str:
    """`clean_text` with every run of whitespace, line breaks included, collapsed to one space."""
    return " ".join(clean_text(value).split())


def compact(value: str | None) -> str:
    """Lower case with spaces, hyphens and underscores removed, for matching enumeration values."""
    return re.sub(r"[\s_-]+", "", single_line(value).lower())


__all__ = ["clean_text", "compact", "single_line"]
