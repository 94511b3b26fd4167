"""Text this product wrote: chat posts, internal notes, customer-update drafts and de-escalation notes.

What we write goes back into the same systems the next brief reads. It is never evidence: a later brief
must not quote our own chat post as internal discussion, our draft as the last update to the customer, or
the brief we put on a ticket as what was tried. Every write carries a recognisable author or opening line
(see `skill.actions` and the `prompts/*.j2` templates), and the vendor connectors add their own markers
(a marker line in a Zendesk note); this module recognises them, whichever system holds the record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..connectors.local.workspace import BOT, NOTE_AUTHOR
from ..connectors.zendesk.support import NOTE_MARKER_PREFIX

OUR_NAMES = frozenset(n.lower() for n in (BOT.name, NOTE_AUTHOR.name) if n)
"""Author names our writes carry in the local workspace."""

_OPENINGS = re.compile(
    r"^\s*(?:"
    r"\*?ESCALATION:|#+\s*(?:ESCALATION|HANDLE IN SUPPORT):|"
    r"(?:Escalation brief|Support-handling note) ESC-\d+|"
    r"DRAFT customer (?:update|message)|"
    r"De-escalat(?:ing|ed) ESC-\d+|"
    r"Filed from escalation ESC-\d+"
    r")",
    re.IGNORECASE,
)
_MARKERS = re.compile(
    rf"\[{re.escape(NOTE_MARKER_PREFIX)}[0-9a-f]+\]|\(customer-escalation; internal|"
    r"\bby customer-escalation\.\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def written_by_us(text: str, author_name: str | None = None) -> bool:
    """Whether a comment, note or chat message was written by this product."""
    if author_name and author_name.strip().lower() in OUR_NAMES:
        return True
    return bool(_OPENINGS.match(text or "") or _MARKERS.search(text or ""))


def _untrusted(data: Mapping[str, Any], key: str) -> str:
    value = data.get("untrusted")
    return str(value.get(key, "")) if isinstance(value, Mapping) else ""


def comment_is_ours(comment: Mapping[str, Any]) -> bool:
    """For a comment as the tools return it (`untrusted.author_name`, `untrusted.body`)."""
    return written_by_us(_untrusted(comment, "body"), _author(comment))


def message_is_ours(message: Mapping[str, Any]) -> bool:
    """For a chat message as the tools return it (`untrusted.author_name`, `untrusted.text`)."""
    return written_by_us(_untrusted(message, "text"), _author(message))


def _author(data: Mapping[str, Any]) -> str:
    return _untrusted(data, "author_name") or str(data.get("author_name") or "")


def without_our_comments(ticket: Mapping[str, Any]) -> dict[str, Any]:
    """A ticket as the tools return it, without the comments we wrote."""
    out = dict(ticket)
    comments = ticket.get("comments")
    if comments:
        out["comments"] = [c for c in comments if not comment_is_ours(c)]
    return out


__all__ = [
    "OUR_NAMES",
    "comment_is_ours",
    "message_is_ours",
    "without_our_comments",
    "written_by_us",
]
