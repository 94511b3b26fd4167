"""The searches and reads every workspace answers the same way, whatever database holds it.

Each class serves one connector category's searches and single-record reads; a workspace's table
family inherits it after its own store base, which supplies `_matching` (a page of one kind matching
a query and `Criteria`) and `_get` (one record by key) in its SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel

from ...records import (
    Account,
    Article,
    ArticleKind,
    ChatMessage,
    IssueKind,
    IssueStatus,
    Page,
    Ticket,
    TicketStatus,
    TrackerIssue,
)
from .. import indexing
from ..indexing import Kind
from .criteria import (
    Criteria,
    account_criteria,
    article_criteria,
    issue_criteria,
    message_criteria,
    ticket_criteria,
)

M = TypeVar("M", bound=BaseModel)


class Reads:
    """What the store base under a table family supplies."""

    async def _matching(
        self, kind: Kind[M], query: str, criteria: Criteria, limit: int, cursor: str | None
    ) -> Page[M]:
        raise NotImplementedError

    async def _get(self, kind: Kind[M], key: str, missing: str) -> M:
        raise NotImplementedError


class TicketReads(Reads):
    async def search_tickets(
        self,
        query: str = "",
        *,
        status: Sequence[TicketStatus] | None = None,
        since: datetime | None = None,
        organization_id: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[Ticket]:
        """Tickets matching free text (subject, description, comments), best match first.

        An empty query lists tickets by most recent update. `since` filters on `updated_at`.

        Raises:
            InvalidQueryError: a filter, limit or cursor is not valid.
        """
        criteria = ticket_criteria(query, status, since, organization_id)
        return await self._matching(indexing.TICKETS, query, criteria, limit, cursor)

    async def get_ticket(self, ticket_id: str) -> Ticket:
        """One ticket with all its comments.

        Raises:
            NotFoundError: no ticket has this id.
        """
        return await self._get(
            indexing.TICKETS,
            ticket_id,
            f"no ticket {ticket_id} in the local workspace; search tickets to find the right id",
        )


class AccountReads(Reads):
    async def search_accounts(
        self, query: str, *, limit: int = 10, cursor: str | None = None
    ) -> Page[Account]:
        """Accounts whose name or domain matches, best match first.

        Raises:
            InvalidQueryError: the limit or cursor is not valid.
        """
        return await self._matching(indexing.ACCOUNTS, query, account_criteria(query), limit, cursor)

    async def get_account(self, account_id: str) -> Account:
        """One account with its contacts.

        Raises:
            NotFoundError: no account has this id.
        """
        return await self._get(
            indexing.ACCOUNTS,
            account_id,
            f"no account {account_id} in the local workspace; search accounts by name or domain to find its id",
        )


class MessageReads(Reads):
    async def channel_identity(self, channel: str) -> tuple[str, str]:
        raise NotImplementedError

    async def search_messages(
        self,
        query: str,
        *,
        channel: str | None = None,
        since: datetime | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[ChatMessage]:
        """Messages matching free text, best match first. `channel` is an id or a name.

        Raises:
            NotFoundError: the channel does not exist.
            InvalidQueryError: a filter, limit or cursor is not valid.
        """
        channel_id = (await self.channel_identity(channel))[0] if channel else None
        criteria = message_criteria(query, channel, channel_id, since)
        return await self._matching(indexing.MESSAGES, query, criteria, limit, cursor)


class IssueReads(Reads):
    async def search_issues(
        self,
        query: str,
        *,
        status: Sequence[IssueStatus] | None = None,
        kind: IssueKind | None = None,
        since: datetime | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[TrackerIssue]:
        """Issues matching free text (title and body), best match first. `since` filters on `updated_at`.

        Raises:
            InvalidQueryError: a filter, limit or cursor is not valid.
        """
        criteria = issue_criteria(query, status, kind, since)
        return await self._matching(indexing.ISSUES, query, criteria, limit, cursor)

    async def get_issue(self, key: str) -> TrackerIssue:
        """One issue by key.

        Raises:
            NotFoundError: no issue has this key.
        """
        return await self._get(
            indexing.ISSUES,
            key,
            f"no issue {key} in the local workspace; search issues to find the right key",
        )


class ArticleReads(Reads):
    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Articles matching free text (title, body and workaround), best match first.

        Raises:
            InvalidQueryError: a filter, limit or cursor is not valid.
        """
        return await self._matching(indexing.ARTICLES, query, article_criteria(query, kind), limit, cursor)

    async def get_article(self, article_id: str) -> Article:
        """One article.

        Raises:
            NotFoundError: no article has this id.
        """
        return await self._get(
            indexing.ARTICLES,
            article_id,
            f"no article {article_id} in the local workspace; search articles to find the right id",
        )
