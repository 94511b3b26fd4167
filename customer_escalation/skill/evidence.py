"""Fetch the records behind an assessment, by id, through the connectors.

The caller (a model, the planner, a person) names records; this module reads them, matches each
ticket's organization to a CRM account, follows tracker issues to the accounts they link, and loads
open opportunities. Ids that do not exist are listed as missing; a category that fails is listed as
unavailable and the rest carries on. Nothing here decides anything: `policy.assess` does.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import NoReturn, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..connectors.base import CATEGORY_TITLES, Category, Registry
from ..connectors.errors import ConnectorError, NotFoundError, WorkspaceError
from ..connectors.records import (
    Account,
    Article,
    ChatMessage,
    Opportunity,
    Ticket,
    TrackerIssue,
)
from .own_text import written_by_us
from .policy import Evidence, PastEscalation

T = TypeVar("T")

MAX_IDS_PER_KIND = 50
"""A request naming more records than this of one kind is refused: the assessment reads them all."""
MAX_LINKED_ACCOUNTS = 25


class EvidenceRequest(BaseModel):
    """The records an assessment should rest on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issue: str = Field(max_length=4_000)
    ticket_ids: tuple[str, ...] = Field(default=(), max_length=MAX_IDS_PER_KIND)
    account_ids: tuple[str, ...] = Field(default=(), max_length=MAX_IDS_PER_KIND)
    message_ids: tuple[str, ...] = Field(default=(), max_length=MAX_IDS_PER_KIND)
    """Chat messages as ``<channel id>:<message id>``; the whole thread is read."""
    issue_keys: tuple[str, ...] = Field(default=(), max_length=MAX_IDS_PER_KIND)
    article_ids: tuple[str, ...] = Field(default=(), max_length=MAX_IDS_PER_KIND)


class _Collector:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.missing: list[str] = []
        self.unavailable: dict[Category, str] = {}

    def _note_failure(self, category: Category, exc: ConnectorError | WorkspaceError) -> None:
        if category not in self.unavailable:
            system = exc.system if isinstance(exc, ConnectorError) else "local"
            self.unavailable[category] = f"{CATEGORY_TITLES[category]} ({system}: {exc})"

    async def each(
        self, category: Category, ids: Sequence[str], fetch: Callable[[str], Awaitable[T]], label: str
    ) -> list[T]:
        """Fetch every id concurrently; missing ids and a failing category are recorded, not raised."""
        if not ids:
            return []
        if self.registry.get(category) is None:
            self.unavailable.setdefault(category, f"{CATEGORY_TITLES[category]} (not configured)")
            return []

        async def one(item_id: str) -> T | ConnectorError | WorkspaceError | None:
            if category in self.unavailable:
                return None
            try:
                return await fetch(item_id)
            except (ConnectorError, WorkspaceError) as exc:
                return exc

        wanted = list(dict.fromkeys(ids))
        results = await asyncio.gather(*(one(i) for i in wanted))
        found: list[T] = []
        # Outcomes are taken in the order the ids were given, whichever answer came first, so the
        # missing ids and the failure reported are the same on every run.
        for item_id, outcome in zip(wanted, results, strict=True):
            if isinstance(outcome, NotFoundError):
                self.missing.append(f"{label}:{item_id}")
            elif isinstance(outcome, ConnectorError | WorkspaceError):
                self._note_failure(category, outcome)
            elif outcome is not None:
                found.append(outcome)
        return found


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _org_key(ticket: Ticket) -> tuple[str, str, str] | None:
    org = ticket.organization
    if org is None:
        return None
    return (ticket.ref.system, org.id, (org.domain or "").lower())


async def _match_account(collector: _Collector, ticket: Ticket) -> Account | None:
    """The CRM account of a ticket's organization: same id in the same system, else exact domain or name."""
    crm = collector.registry.crm
    org = ticket.organization
    if crm is None or org is None or "crm" in collector.unavailable:
        return None
    try:
        if crm.system == ticket.ref.system:
            try:
                return await crm.get_account(org.id)
            except NotFoundError:
                pass
        probe = org.domain or org.name
        page = await crm.search_accounts(probe, limit=10)
    except (ConnectorError, WorkspaceError) as exc:
        collector._note_failure("crm", exc)
        return None
    for account in page.items:
        if org.domain and org.domain.lower() in {d.lower() for d in account.domains}:
            return account
    for account in page.items:
        if _norm(account.name) == _norm(org.name):
            return account
    return None


async def collect(
    registry: Registry,
    request: EvidenceRequest,
    *,
    now: datetime,
    history: Sequence[PastEscalation] = (),
) -> Evidence:
    """Read every record `request` names and what they point to.

    Never raises for missing records or failing connectors: they are listed in `Evidence.missing` and
    `Evidence.unavailable`.
    """
    c = _Collector(registry)
    support, crm, chat, tracker, kb = (
        registry.support,
        registry.crm,
        registry.chat,
        registry.tracker,
        registry.kb,
    )

    async def thread(ref: str) -> list[ChatMessage]:
        channel, _, message_id = ref.rpartition(":")
        if not channel or chat is None:
            raise NotFoundError(f"message id {ref!r} is not <channel>:<id>", system="chat")
        found = await chat.get_thread(channel, message_id)
        return [found.root, *found.replies]

    tickets_task = c.each("support", request.ticket_ids, support.get_ticket if support else _absent, "ticket")
    accounts_task = c.each("crm", request.account_ids, crm.get_account if crm else _absent, "account")
    threads_task = c.each("chat", request.message_ids, thread, "message")
    issues_task = c.each("tracker", request.issue_keys, tracker.get_issue if tracker else _absent, "issue")
    articles_task = c.each("kb", request.article_ids, kb.get_article if kb else _absent, "article")
    tickets, named, threads, issues, articles = await asyncio.gather(
        tickets_task, accounts_task, threads_task, issues_task, articles_task
    )
    tickets_t: list[Ticket] = tickets
    issues_t: list[TrackerIssue] = issues
    articles_t: list[Article] = articles
    accounts: dict[str, Account] = {a.id: a for a in named}

    # one CRM lookup per organization, however many of its tickets are related
    by_org: dict[tuple[str, str, str] | None, Ticket] = {}
    for ticket in tickets_t:
        by_org.setdefault(_org_key(ticket), ticket)
    found = await asyncio.gather(*(_match_account(c, t) for t in by_org.values()))
    org_accounts = dict(zip(by_org, found, strict=True))
    ticket_accounts: dict[str, str] = {}
    for ticket in tickets_t:
        account = org_accounts.get(_org_key(ticket))
        if account is not None:
            accounts.setdefault(account.id, account)
            ticket_accounts[ticket.id] = account.id

    linked = [a for i in issues_t for a in i.linked_account_ids if a not in accounts][:MAX_LINKED_ACCOUNTS]
    if crm is not None and linked and "crm" not in c.unavailable:
        before = len(c.missing)
        for account in await c.each("crm", linked, crm.get_account, "account"):
            accounts.setdefault(account.id, account)
        del c.missing[
            before:
        ]  # tracker links to accounts another CRM does not know are not the caller's mistake

    affected = list(dict.fromkeys([*ticket_accounts.values(), *(a.id for a in named)]))
    opportunities: dict[str, tuple[Opportunity, ...]] = {}
    if crm is not None and affected and "crm" not in c.unavailable:
        crm_ = crm

        async def opportunities_of(account_id: str) -> tuple[str, tuple[Opportunity, ...]]:
            return account_id, await crm_.list_opportunities(account_id)

        pairs = await c.each("crm", affected, opportunities_of, "opportunities")
        opportunities = {account_id: opps for account_id, opps in pairs if opps}

    messages = [m for m in {m.id: m for batch in threads for m in batch}.values() if not _ours(m)]
    return Evidence(
        issue=request.issue,
        now=now,
        tickets=tuple(_without_our_notes(t) for t in tickets_t),
        accounts=tuple(accounts.values()),
        ticket_accounts=ticket_accounts,
        named_account_ids=tuple(a.id for a in named),
        opportunities=opportunities,
        messages=tuple(messages),
        issues=tuple(issues_t),
        articles=tuple(articles_t),
        history=tuple(history),
        missing=tuple(c.missing),
        unavailable=tuple(c.unavailable.values()),
    )


def _ours(message: ChatMessage) -> bool:
    return written_by_us(message.text, message.author.name)


def _without_our_notes(ticket: Ticket) -> Ticket:
    """The ticket without the notes and drafts this product added: they are not evidence."""
    kept = tuple(c for c in ticket.comments if not written_by_us(c.body, c.author.name))
    return ticket if len(kept) == len(ticket.comments) else ticket.model_copy(update={"comments": kept})


async def _absent(item_id: str) -> NoReturn:
    raise NotFoundError(f"no connector for {item_id}")


__all__ = ["MAX_IDS_PER_KIND", "EvidenceRequest", "collect"]
