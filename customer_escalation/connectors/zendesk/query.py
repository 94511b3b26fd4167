"""Zendesk search queries built from structured arguments, never from raw caller syntax.

Free text is split into words and each word is quoted, so text such as ``status:closed`` or
``-priority:low`` is searched for literally instead of changing the query. Zendesk has no escape for a
double quote inside a quoted term, so quotes are dropped from the words. Filters use Zendesk's own
keywords: repeating ``status:`` ORs the values, different keywords are ANDed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from ..errors import InvalidQueryError
from ..records import TicketStatus

SYSTEM = "zendesk"
MAX_QUERY_WORDS = 30
_STATUS_KEYWORD: dict[str, str] = {
    "new": "new",
    "open": "open",
    "pending": "pending",
    "on_hold": "hold",
    "solved": "solved",
    "closed": "closed",
}
_WORD_SPLIT = re.compile(r"\s+")
_DROPPED = re.compile(r'["\\]')


def quoted_words(text: str) -> list[str]:
    """Each word of `text` as a quoted Zendesk search term."""
    words = [_DROPPED.sub("", word) for word in _WORD_SPLIT.split(text.strip())]
    words = [word for word in words if word]
    if len(words) > MAX_QUERY_WORDS:
        raise InvalidQueryError(
            f"the search text has {len(words)} words; use at most {MAX_QUERY_WORDS} distinctive ones",
            system=SYSTEM,
        )
    return [f'"{word}"' for word in words]


def search_time(moment: datetime) -> str:
    """A datetime as Zendesk search accepts it, in UTC to the second."""
    if moment.tzinfo is None:
        raise InvalidQueryError("since must be a timezone-aware datetime", system=SYSTEM)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket_query(
    text: str,
    *,
    status: Sequence[TicketStatus] | None,
    since: datetime | None,
    organization_id: str | None,
) -> str:
    """The `query` parameter of `GET /api/v2/search.json` for a ticket search.

    Raises:
        InvalidQueryError: a status or organization id that Zendesk cannot search for.
    """
    terms = ["type:ticket"]
    for value in dict.fromkeys(status or ()):
        keyword = _STATUS_KEYWORD.get(value)
        if keyword is None:
            choices = ", ".join(_STATUS_KEYWORD)
            raise InvalidQueryError(f"unknown ticket status {value!r}; use one of {choices}", system=SYSTEM)
        terms.append(f"status:{keyword}")
    if since is not None:
        terms.append(f"updated>{search_time(since)}")
    if organization_id is not None:
        org = organization_id.strip()
        if not org.isdigit():
            raise InvalidQueryError(
                f"organization_id {organization_id!r} is not a Zendesk organization id (a number); "
                "take it from a ticket's organization",
                system=SYSTEM,
            )
        terms.append(f"organization:{org}")
    terms.extend(quoted_words(text))
    return " ".join(terms)


__all__ = ["MAX_QUERY_WORDS", "quoted_words", "search_time", "ticket_query"]
