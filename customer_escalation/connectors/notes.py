"""Internal notes a support platform's connector writes at most once per idempotency key: the note's text
is checked, and a marker line derived from the key ends it, so a repeated write (from a retry, or from a
restarted process) finds the note already there."""

from __future__ import annotations

import hashlib

from .errors import InvalidQueryError
from .idempotency import checked_key
from .text import clean_text

NOTE_MARKER_PREFIX = "customer-escalation:"


def note_marker(idempotency_key: str) -> str:
    """The line that ends a note written with `idempotency_key`."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]
    return f"[{NOTE_MARKER_PREFIX}{digest}]"


def marked_note(body: str, idempotency_key: str, *, system: str) -> tuple[str, str]:
    """The note's clean text and the marker that ends it.

    Raises:
        InvalidQueryError: the key or the note is empty.
    """
    key = checked_key(idempotency_key, system=system)
    text = clean_text(body)
    if not text:
        raise InvalidQueryError("the note is empty", system=system)
    return text, note_marker(key)


__all__ = ["NOTE_MARKER_PREFIX", "marked_note", "note_marker"]
