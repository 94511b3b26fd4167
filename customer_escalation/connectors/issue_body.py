"""The body of a tracker issue's record, the same for every tracker: a search hit carries the start of the
description, `get_issue` all of it with the newest comments appended, since they often say whether a fix
shipped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from .text import truncate

SEARCH_BODY_CHARS = 500
ISSUE_BODY_CHARS = 20_000
RECENT_COMMENTS = 5


class IssueComment(NamedTuple):
    """One comment on an issue, its text already plain."""

    author: str | None
    created_at: datetime
    text: str


def issue_body(
    description: str, comments: Sequence[IssueComment], *, total: int | None, snippet: bool
) -> str:
    """The record's body: the start of `description` for a search hit (`snippet`), else the description
    and the newest of `comments` (oldest first) out of `total` (None when the tracker does not say)."""
    if snippet:
        return truncate(description, SEARCH_BODY_CHARS)
    return truncate(_with_comments(description, comments, total), ISSUE_BODY_CHARS)


def _with_comments(body: str, comments: Sequence[IssueComment], total: int | None) -> str:
    if not comments:
        return body
    rendered = [
        f"Comment by {c.author or 'someone'} on {c.created_at.date().isoformat()}:\n{c.text}"
        for c in comments[-RECENT_COMMENTS:]
    ]
    header = f"## Comments (newest {len(rendered)} of {total})" if total is not None else "## Comments"
    return "\n\n".join(part for part in (body, header, *rendered) if part)


__all__ = ["ISSUE_BODY_CHARS", "RECENT_COMMENTS", "SEARCH_BODY_CHARS", "IssueComment", "issue_body"]
