"""Connector protocols: one per category, and the registry that holds one connector for each.

The five categories are the ones the skill's `~~placeholders` name: support platform, CRM, chat,
project tracker and knowledge base. Methods are async, take plain typed arguments and return the
records of `connectors.records`; failures raise the errors of `connectors.errors`, never an empty
result standing in for one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol, runtime_checkable

from .records import (
    Account,
    Article,
    ArticleKind,
    ChatMessage,
    IssueKind,
    IssueStatus,
    Opportunity,
    Page,
    Record,
    Ref,
    Thread,
    Ticket,
    TicketStatus,
    TrackerIssue,
)

Category = Literal["support", "crm", "chat", "tracker", "kb"]
CATEGORIES: tuple[Category, ...] = ("support", "crm", "chat", "tracker", "kb")
CATEGORY_TITLES: dict[Category, str] = {
    "support": "support platform",
    "crm": "CRM",
    "chat": "chat",
    "tracker": "project tracker",
    "kb": "knowledge base",
}

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime; injected wherever "now" matters."""


def utc_now() -> datetime:
    return datetime.now(UTC)


MAX_PAGE_SIZE = 100
"""No search returns more than this many records per page, whatever `limit` asks for."""


class IssueDraft(Record):
    """A tracker issue to be created."""

    project: str
    title: str
    body_markdown: str
    kind: IssueKind = "bug"
    priority: Literal["highest", "high", "medium", "low", "lowest"] | None = None
    labels: tuple[str, ...] = ()
    linked_ticket_ids: tuple[str, ...] = ()
    linked_account_ids: tuple[str, ...] = ()


class WriteReceipt(Record):
    """What a write produced."""

    ref: Ref
    """The record written (note, message, issue)."""
    created: bool = True
    """False when the idempotency key matched an earlier write and nothing new was written."""


@runtime_checkable
class Connector(Protocol):
    """What every connector has."""

    system: str
    """Short name of the backing system: `local`, `zendesk`, `hubspot`, `slack`, `jira`, `confluence`."""

    async def check(self) -> None:
        """Probe reachability and credentials with one cheap read.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        ...

    async def aclose(self) -> None:
        """Release connections; the connector is not used afterwards."""
        ...


@runtime_checkable
class SupportPlatform(Connector, Protocol):
    """~~support platform: tickets and their conversations."""

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
        """
        ...

    async def get_ticket(self, ticket_id: str) -> Ticket:
        """One ticket with all its comments. Raises NotFoundError."""
        ...

    async def add_internal_note(self, ticket_id: str, body: str, *, idempotency_key: str) -> WriteReceipt:
        """Add a private note (never visible to the customer) to a ticket."""
        ...


@runtime_checkable
class CRM(Connector, Protocol):
    """~~CRM: customer accounts and deals."""

    async def search_accounts(
        self, query: str, *, limit: int = 10, cursor: str | None = None
    ) -> Page[Account]:
        """Accounts whose name or domain matches, best match first."""
        ...

    async def get_account(self, account_id: str) -> Account:
        """One account with its contacts. Raises NotFoundError."""
        ...

    async def list_opportunities(self, account_id: str) -> tuple[Opportunity, ...]:
        """Deals of an account, open ones first."""
        ...


@runtime_checkable
class Chat(Connector, Protocol):
    """~~chat: internal discussions and shared customer channels."""

    async def search_messages(
        self,
        query: str,
        *,
        channel: str | None = None,
        since: datetime | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[ChatMessage]:
        """Messages matching free text, best match first. `channel` is an id or a name."""
        ...

    async def get_thread(self, channel_id: str, thread_id: str) -> Thread:
        """A thread: its root message and replies. Raises NotFoundError."""
        ...

    async def post_message(
        self, channel: str, text: str, *, thread_id: str | None = None, idempotency_key: str
    ) -> WriteReceipt:
        """Post a message to a channel (id or name)."""
        ...


@runtime_checkable
class ChannelDirectory(Protocol):
    """A chat connector that can say which channel a name or id means (allowlists compare both)."""

    async def channel_identity(self, channel: str) -> tuple[str, str]:
        """(id, lower-case name) of the channel given as an id, a name or ``#name``, any case.

        Raises:
            NotFoundError: no such channel (or the connector cannot see it).
        """
        ...


@runtime_checkable
class ProjectTracker(Connector, Protocol):
    """~~project tracker: bugs, feature requests and tasks."""

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
        """Issues matching free text (title and body), best match first."""
        ...

    async def get_issue(self, key: str) -> TrackerIssue:
        """One issue by key. Raises NotFoundError."""
        ...

    async def create_issue(self, draft: IssueDraft, *, idempotency_key: str) -> WriteReceipt:
        """Create an issue."""
        ...


@runtime_checkable
class KnowledgeBase(Connector, Protocol):
    """~~knowledge base: how-tos, troubleshooting guides and known issues."""

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Articles matching free text (title and body), best match first."""
        ...

    async def get_article(self, article_id: str) -> Article:
        """One article. Raises NotFoundError."""
        ...


@dataclass(frozen=True)
class Registry:
    """One connector per category; a category may be left unconfigured (None)."""

    support: SupportPlatform | None
    crm: CRM | None
    chat: Chat | None
    tracker: ProjectTracker | None
    kb: KnowledgeBase | None

    def get(self, category: Category) -> Connector | None:
        connector: Connector | None = getattr(self, category)
        return connector

    def systems(self) -> dict[Category, str | None]:
        """Which system serves each category."""
        return {c: (conn.system if (conn := self.get(c)) is not None else None) for c in CATEGORIES}

    async def aclose(self) -> None:
        """Close every distinct connector once (one object may serve several categories)."""
        seen: set[int] = set()
        for category in CATEGORIES:
            connector = self.get(category)
            if connector is not None and id(connector) not in seen:
                seen.add(id(connector))
                await connector.aclose()


__all__ = [
    "CATEGORIES",
    "CATEGORY_TITLES",
    "CRM",
    "MAX_PAGE_SIZE",
    "Category",
    "ChannelDirectory",
    "Chat",
    "Clock",
    "Connector",
    "IssueDraft",
    "KnowledgeBase",
    "ProjectTracker",
    "Registry",
    "SupportPlatform",
    "WriteReceipt",
    "utc_now",
]
