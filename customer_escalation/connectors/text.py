"""Characters nobody reading a record can see, removed from every text a connector maps.

Zero-width and joiner characters, bidirectional controls, the soft hyphen, interlinear annotation marks
and Unicode tag characters can hide words from a person while a model still reads them, which makes
them a favourite way to smuggle instructions into a ticket. `clean_text` also drops control codes, and
`single_line` and `compact` fold a vendor's plain property values for showing and matching.
"""

from __future__ import annotations

import re
import unicodedata

INVISIBLE_CHARS = (
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f"
)
"""The character class (without brackets), for modules that add characters of their own."""
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
_BLANK_RUN = re.compile(r"\n{3,}")


def strip_invisible(text: str) -> str:
    """`text` without invisible characters."""
    if text.isascii():  # every invisible character is outside ASCII; the check is free
        return text
    return INVISIBLE.sub("", text)


def clean_text(text: str | None) -> str:
    """`text` without invisible characters or control codes, with newlines normalised, trailing spaces
    dropped and at most one blank line in a row."""
    if not text:
        return ""
    text = strip_invisible(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip()


def single_line(value: str | None) -> str:
    """`clean_text` with every run of whitespace, line breaks included, collapsed to one space."""
    return " ".join(clean_text(value).split())


def compact(value: str | None) -> str:
    """Lower case with spaces, hyphens and underscores removed, for matching enumeration values."""
    return re.sub(r"[\s_-]+", "", single_line(value).lower())


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary when one is near, marked with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


__all__ = [
    "INVISIBLE",
    "INVISIBLE_CHARS",
    "clean_text",
    "compact",
    "single_line",
    "strip_invisible",
    "truncate",
]
