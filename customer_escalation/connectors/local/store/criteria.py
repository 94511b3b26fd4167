"""What each workspace search filters on, checked once and said without SQL.

Both back ends (the SQLite file here and the PostgreSQL database) take the arguments of a search,
check them the same way and describe the filter the same way; each then writes that description in
its own SQL dialect (`sqlite_filters` below, `where_of` in the PostgreSQL connector).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from ...cursor import query_fingerprint
from ...records import ArticleKind, IssueKind, IssueStatus, TicketStatus
from ..indexing import scope_token
from ..search import Filters
from .base import choices, micros_of

Test = Literal["in", "=", ">="]


@dataclass(frozen=True)
class Condition:
    """``t.<column> <test> <values>`` on the record table; `in` takes any number of values."""

    column: str
    test: Test
    values: tuple[object, ...]


@dataclass(frozen=True)
class Criteria:
    """The checked filter of one search and the fingerprint its cursors carry.

    `organization` narrows to one organization's records; SQLite applies it through the index's scope
    tokens as well as on the table.
    """

    fingerprint: str
    conditions: tuple[Condition, ...] = ()
    organization: str | None = None

    def scope(self) -> tuple[Condition, ...]:
        """The organization as a condition on the table (none when the search is not narrowed)."""
        return (Condition("organization_id", "=", (self.organization,)),) if self.organization else ()


def ticket_criteria(
    query: str, status: Sequence[TicketStatus] | None, since: datetime | None, organization_id: str | None
) -> Criteria:
    statuses = choices("status", status, get_args(TicketStatus))
    conditions = [Condition("status", "in", statuses)] if statuses else []
    if since is not None:
        conditions.append(Condition("updated_at", ">=", (micros_of("since", since),)))
    fingerprint = query_fingerprint("tickets", query, statuses, since, organization_id)
    return Criteria(fingerprint, tuple(conditions), organization_id or None)


def issue_criteria(
    query: str, status: Sequence[IssueStatus] | None, kind: IssueKind | None, since: datetime | None
) -> Criteria:
    statuses = choices("status", status, get_args(IssueStatus))
    conditions = [Condition("status", "in", statuses)] if statuses else []
    if kind is not None:
        conditions.append(Condition("kind", "=", choices("kind", (kind,), get_args(IssueKind))))
    if since is not None:
        conditions.append(Condition("updated_at", ">=", (micros_of("since", since),)))
    return Criteria(query_fingerprint("issues", query, statuses, kind, since), tuple(conditions))


def message_criteria(
    query: str, channel: str | None, channel_id: str | None, since: datetime | None
) -> Criteria:
    """`channel` as asked (it keys the cursor), `channel_id` the channel it names, found by the caller."""
    conditions = [Condition("channel_id", "=", (channel_id,))] if channel_id else []
    if since is not None:
        conditions.append(Condition("created_at", ">=", (micros_of("since", since),)))
    return Criteria(query_fingerprint("messages", query, channel, since), tuple(conditions))


def article_criteria(query: str, kind: ArticleKind | None) -> Criteria:
    conditions = []
    if kind is not None:
        conditions.append(Condition("kind", "=", choices("kind", (kind,), get_args(ArticleKind))))
    return Criteria(query_fingerprint("articles", query, kind), tuple(conditions))


def account_criteria(query: str) -> Criteria:
    return Criteria(query_fingerprint("accounts", query))


def clause(condition: Condition, mark: str) -> str:
    """The SQL of `condition` with `mark` (``?`` or ``%s``) standing for each value."""
    if condition.test == "in":
        return f"t.{condition.column} IN ({', '.join(mark for _ in condition.values)})"
    return f"t.{condition.column} {condition.test} {mark}"


def sql_of(conditions: Sequence[Condition], mark: str) -> tuple[tuple[str, ...], tuple[object, ...]]:
    """The SQL of `conditions` (joined with AND by the search) and their values in order."""
    clauses = tuple(clause(condition, mark) for condition in conditions)
    return clauses, tuple(value for condition in conditions for value in condition.values)


def sqlite_filters(criteria: Criteria) -> Filters:
    """`criteria` for the SQLite search: the organization goes to the index's scope column too."""
    where, params = sql_of(criteria.conditions, "?")
    if not criteria.organization:
        return Filters(where=where, params=params)
    scope_where, scope_params = sql_of(criteria.scope(), "?")
    return Filters(
        where=where,
        params=params,
        scope=(scope_token(criteria.organization),),
        scope_where=scope_where,
        scope_params=scope_params,
    )
