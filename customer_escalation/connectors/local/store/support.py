"""The support platform's tickets in the workspace."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ...base import WriteReceipt
from ...records import (
    Comment,
    Page,
    Ref,
    Ticket,
    TicketStatus,
)
from .. import indexing
from ..authors import NOTE_AUTHOR
from ..indexing import upsert
from .base import SYSTEM, TICKET_INDEX, StoreBase, require_text
from .criteria import sqlite_filters, ticket_criteria


class SupportTables(StoreBase):
    """Tickets: search, read, internal notes."""

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
        filters = sqlite_filters(criteria)
        return await self._find(
            TICKET_INDEX, indexing.TICKETS, query, filters, criteria.fingerprint, limit, cursor
        )

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

    async def add_internal_note(self, ticket_id: str, body: str, *, idempotency_key: str) -> WriteReceipt:
        """Add a private note (never visible to the customer) to a ticket.

        A second call with the same `idempotency_key` writes nothing and returns the first receipt.

        Raises:
            NotFoundError: no ticket has this id.
            InvalidQueryError: the body is empty, or the key was used for a different write.
        """
        require_text("body", body)

        def write(conn: sqlite3.Connection) -> Ref:
            ticket = self._read(
                conn, indexing.TICKETS, ticket_id, f"no ticket {ticket_id} in the local workspace"
            )
            updated, note = with_note(ticket, body, self._clock())
            upsert(conn, indexing.TICKETS, updated)
            return Ref(system=SYSTEM, id=note.id)

        return await self._idempotent("support.add_internal_note", idempotency_key, (ticket_id, body), write)


def with_note(ticket: Ticket, body: str, now: datetime) -> tuple[Ticket, Comment]:
    """`ticket` with a private note appended under the next free comment id, and that note."""
    taken = {c.id for c in ticket.comments}
    number = len(ticket.comments) + 1
    while f"{ticket.id}-{number}" in taken:
        number += 1
    note = Comment(id=f"{ticket.id}-{number}", author=NOTE_AUTHOR, body=body, public=False, created_at=now)
    updated = ticket.model_copy(
        update={"comments": (*ticket.comments, note), "updated_at": max(ticket.updated_at, now)}
    )
    return updated, note
