"""Checks of a project tracker's arguments that every vendor's tracker makes the same way: the search
filters, and the project (or team) a draft is written to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import get_args

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


__all__ = ["check_issue_filters", "write_target"]
