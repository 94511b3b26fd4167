"""Intercom's message and article HTML as plain readable text.

Intercom stores conversation messages, notes and Help Center articles as HTML. They are read with the
shared HTML reader (`connectors.html_text`, also Zendesk's) (lists, links, code, tables and a
"Workaround" section kept legible), and cleaned with the shared text helpers (invisible and control
characters removed), so Intercom text reads like every other support platform's.
"""

from __future__ import annotations

from ..html_text import html_to_text, split_workaround
from ..text import clean_text, single_line, truncate

COMPACT_TEXT_CHARS = 500
"""Search results carry at most this much of a description or article body; `get_*` has it all."""


def message_text(html: str | None) -> str:
    """A message, note or article body as plain text."""
    return html_to_text(html) if html else ""


__all__ = ["COMPACT_TEXT_CHARS", "clean_text", "message_text", "single_line", "split_workaround", "truncate"]
