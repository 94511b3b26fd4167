"""Opaque pagination cursors shared by every connector.

A cursor is URL-safe base64 of a small JSON object: the position to resume from (an offset, or the
vendor's own token) and a fingerprint of the query it belongs to. A cursor from another query, or one
that was edited by hand, is rejected with `InvalidQueryError` instead of silently restarting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from .errors import InvalidQueryError

_MAX_CURSOR_CHARS = 2_048


def query_fingerprint(*parts: object) -> str:
    """A short stable hash of everything that defines a query (text, filters, page size excluded)."""
    raw = json.dumps([str(p) if p is not None else None for p in parts], separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def encode_cursor(fingerprint: str, position: Any) -> str:
    """Make a cursor that resumes at `position` (any JSON value) of the query with `fingerprint`."""
    raw = json.dumps({"q": fingerprint, "p": position}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, fingerprint: str, *, system: str = "unknown") -> Any:
    """The position stored in `cursor`.

    Raises:
        InvalidQueryError: the cursor is malformed or belongs to a different query.
    """
    if len(cursor) > _MAX_CURSOR_CHARS:
        raise InvalidQueryError(
            "cursor is too long; pass back next_cursor exactly as returned", system=system
        )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidQueryError(
            "cursor is not valid; pass back next_cursor exactly as returned, or omit it to start over",
            system=system,
        ) from None
    if not isinstance(data, dict) or "p" not in data or "q" not in data:
        raise InvalidQueryError("cursor is not valid; omit it to start over", system=system)
    if data["q"] != fingerprint:
        raise InvalidQueryError(
            "cursor belongs to a different query; repeat the same query and filters, or omit the cursor",
            system=system,
        )
    return data["p"]


def decode_offset(cursor: str | None, fingerprint: str, *, system: str = "unknown") -> int:
    """An integer offset from a cursor made with `encode_cursor(fingerprint, offset)`; 0 without one."""
    if cursor is None or cursor == "":
        return 0
    position = decode_cursor(cursor, fingerprint, system=system)
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise InvalidQueryError("cursor is not valid; omit it to start over", system=system)
    return position


def decode_token(
    cursor: str | None, fingerprint: str, *, system: str = "unknown", max_chars: int | None = None
) -> str | None:
    """A vendor's own page token from a cursor made with `encode_cursor(fingerprint, token)`; None
    without one. `max_chars` bounds the token's length where the vendor bounds it.

    Raises:
        InvalidQueryError: the cursor is malformed, belongs to a different query or holds no token.
    """
    if cursor is None or cursor == "":
        return None
    position = decode_cursor(cursor, fingerprint, system=system)
    if not isinstance(position, str) or not position or (max_chars is not None and len(position) > max_chars):
        raise InvalidQueryError("cursor is not valid; omit it to start over", system=system)
    return position


def clamp_limit(limit: int, *, maximum: int, system: str = "unknown") -> int:
    """Validate a requested page size: at least 1, at most `maximum`.

    Raises:
        InvalidQueryError: `limit` is below 1.
    """
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise InvalidQueryError(f"limit must be a whole number, not {limit!r}", system=system)
    if limit < 1:
        raise InvalidQueryError(f"limit must be at least 1, not {limit}", system=system)
    return min(limit, maximum)


__all__ = [
    "clamp_limit",
    "decode_cursor",
    "decode_offset",
    "decode_token",
    "encode_cursor",
    "query_fingerprint",
]
