"""Checks of a project tracker's arguments that every vendor's tracker makes the same way: the search
filters, and the project (or team) a draft is written to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import get_args

from .base import MAX_PAGE_SIZE
from .cursor import clamp_limit, decode_token, encode_cursor, query_fingerprint
from .errors import InvalidQueryError, WriteRefusedError
from .records import IssueKind, IssueStatus

_STATUSES: frozenset[str] = frozenset(get_args(IssueStatus))
_KINDS: frozenset[str] = frozenset(get_args(IssueKind))


def check_issue_filters(
    statuses: Sequence[str], kind: str | None, since: datetime | None, *, system: str
) -> None:
    """Refuse a status or kind the records do not know, and a naive `since`.

    Raises:
        InvalidQueryError: one of the filters is not valid.
    """
    unknown = [s for s in statuses if s not in _STATUSES]
    if unknown:
        raise InvalidQueryError(f"unknown issue status {unknown[0]!r}", system=system)
    if kind is not None and kind not in _KINDS:
        raise InvalidQueryError(f"unknown issue kind {kind!r}; use bug, feature or task", system=system)
    if since is not None and since.tzinfo is None:
        raise InvalidQueryError("since must be timezone-aware", system=system)


@dataclass(frozen=True)
class IssueSearch:
    """A tracker search's arguments, checked: the page size, the statuses once each, and where to start."""

    limit: int
    statuses: tuple[IssueStatus, ...]
    fingerprint: str
    start: str | None
    """The vendor's page token the cursor holds; None on the first page."""

    def next_cursor(self, token: str | None) -> str | None:
        """The cursor that resumes this search at the vendor's `token`; None after the last page."""
        return encode_cursor(self.fingerprint, token) if token else None


def issue_search(
    text: str,
    scope: Sequence[str],
    *,
    status: Sequence[IssueStatus] | None,
    kind: IssueKind | None,
    since: datetime | None,
    limit: int,
    cursor: str | None,
    system: str,
) -> IssueSearch:
    """Check the arguments of `ProjectTracker.search_issues` for the search of `text` within `scope`.

    Raises:
        InvalidQueryError: a bad limit, status, kind, `since` or cursor.
    """
    limit = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=system)
    statuses = tuple(dict.fromkeys(status or ()))
    check_issue_filters(statuses, kind, since, system=system)
    fingerprint = query_fingerprint(
        system, text, ",".join(statuses), kind, since.isoformat() if since else None, tuple(scope)
    )
    return IssueSearch(limit, statuses, fingerprint, decode_token(cursor, fingerprint, system=system))


def write_target(name: str, scope: Sequence[str], *, noun: str, variable: str, system: str) -> str:
    """`name`, the project (or team) a draft is created in, once it is known to lie in the read `scope`.

    Raises:
        InvalidQueryError: the draft names none.
        WriteRefusedError: `scope` is not empty and does not hold `name`.
    """
    if not name:
        raise InvalidQueryError(
            f"the draft names no {noun} (the action layer takes it from CUSTOMER_ESCALATION_WRITE_PROJECTS)",
            system=system,
        )
    if scope and name not in scope:
        raise WriteRefusedError(f"{noun} {name} is outside {variable} ({', '.join(scope)})", system=system)
    return name


__all__ = ["IssueSearch", "check_issue_filters", "issue_search", "write_target"]
