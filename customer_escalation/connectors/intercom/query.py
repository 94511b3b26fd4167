"""Intercom's conversation search query, built from structured filters.

`POST /conversations/search` takes a tree of filters: at most two levels, at most 15 filters in each
AND or OR group. Free text becomes one OR group per word, matching the opening message's subject or
body (`~`, contains); Intercom searches no other part of a conversation. The other filters are the
conversation's state, its update time, its contacts and the teams it may be read from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..errors import InvalidQueryError
from ..records import TicketStatus
from .mapping import STATUS_STATES
from .policy import SYSTEM
from .text import single_line

MAX_WORDS = 8
"""Words of a free-text query searched for; Intercom allows 15 filters in a group, and the other filters
need room too."""
MAX_CONTACTS = 100
"""Contacts of one company whose conversations an organization filter finds."""
_WORD = re.compile(r"[^\W_]+(?:[_'-][^\W_]+)*")

Filter = dict[str, Any]


def words(query: str) -> list[str]:
    """The distinct words of `query`, lower case, in order, at most `MAX_WORDS`."""
    found = [w.lower() for w in _WORD.findall(single_line(query))]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def states(status: Sequence[TicketStatus] | None) -> list[str]:
    """The conversation states that hold `status`, each once.

    Raises:
        InvalidQueryError: a status this platform does not know.
    """
    if not status:
        return []
    unknown = [s for s in status if s not in STATUS_STATES]
    if unknown:
        raise InvalidQueryError(f"unknown ticket status {unknown[0]!r}", system=SYSTEM)
    return list(dict.fromkeys(STATUS_STATES[s] for s in status))


def conversation_query(
    text_words: Sequence[str],
    *,
    state_names: Sequence[str] = (),
    since: datetime | None = None,
    contact_ids: Sequence[str] | None = None,
    team_ids: Sequence[str] = (),
) -> Filter:
    """The `query` of a conversation search: every condition ANDed; with none, every conversation."""
    filters: list[Filter] = [
        {
            "operator": "OR",
            "value": [
                {"field": "source.subject", "operator": "~", "value": word},
                {"field": "source.body", "operator": "~", "value": word},
            ],
        }
        for word in text_words
    ]
    if state_names:
        filters.append(_one_of("state", state_names))
    if since is not None:
        # Intercom documents `>` on dates as "greater or equal".
        filters.append({"field": "updated_at", "operator": ">", "value": int(since.timestamp())})
    if contact_ids is not None:
        filters.append(_one_of("contact_ids", contact_ids))
    if team_ids:
        filters.append(_one_of("team_assignee_id", [int(t) for t in team_ids]))
    if not filters:
        filters.append({"field": "created_at", "operator": ">", "value": 0})
    return filters[0] if len(filters) == 1 else {"operator": "AND", "value": filters}


def _one_of(field: str, values: Sequence[Any]) -> Filter:
    if len(values) == 1:
        return {"field": field, "operator": "=", "value": values[0]}
    return {"field": field, "operator": "IN", "value": list(values)}


__all__ = ["MAX_CONTACTS", "MAX_WORDS", "conversation_query", "states", "words"]
