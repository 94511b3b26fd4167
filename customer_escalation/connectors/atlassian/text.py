"""Text and timestamps as Jira and Confluence give them: cleaning, truncating, reading timestamps."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ..text import clean_text, truncate

_BLANK_RUN = re.compile(r"\n{3,}")


def parse_time(value: object) -> datetime:
    """An aware UTC datetime from an Atlassian timestamp.

    Accepts ``2026-11-20T07:00:00.000-0500`` (Jira), ``2026-11-20T12:00:00.000Z`` (Confluence) and
    other ISO 8601 forms with an offset.

    Raises:
        ValueError: not a string, not a timestamp, or without an offset.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected a timestamp string, got {type(value).__name__}")
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no UTC offset")
    return moment.astimezone(UTC)


def parse_optional_time(value: object) -> datetime | None:
    """Like `parse_time`, but None (or an empty string) gives None.

    Raises:
        ValueError: a value that is present but not a timestamp.
    """
    if value is None or value == "":
        return None
    return parse_time(value)


__all__ = ["clean_text", "parse_optional_time", "parse_time", "truncate"]
