"""Linear's markdown made safe to show: invisible characters removed, blank runs closed, cut to size."""

from __future__ import annotations

import re

from ..text import strip_invisible

_BLANK_RUN = re.compile(r"\n{3,}")


def clean_text(text: str | None) -> str:
    """`text` without invisible characters, with normalised newlines and at most one blank line in a row."""
    if not text:
        return ""
    text = strip_invisible(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip()


def single_line(text: str | None) -> str:
    """`clean_text` with every run of whitespace collapsed to one space."""
    return " ".join(clean_text(text).split())


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary when one is near, marked with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


__all__ = ["clean_text", "single_line", "truncate"]
