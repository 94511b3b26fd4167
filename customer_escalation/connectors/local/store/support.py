"""The support platform's tickets in the workspace."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import get_args

from ...base import WriteReceipt
from ...cursor import query_fingerprint
from ...records import (
    Comment,
    Page,
    Ref,
    Ticket,
    TicketStatus,
)
from .. import indexing
from ..authors import NOTE_AUTHOR
from ..indexing import scope_token, upsert
from ..search import Filters
from .base import SYSTEM, TICKET_INDEX, StoreBase, choices, micros_of, require_text


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
        statuses = choices("status", status, get_args(TicketStatus))
        where: list[str] = []
        params: list[object] = []
        if statuses:
            where.append(f"t.status IN ({', '.join('?' * len(statuses))})")
            params.extend(statuses)
        if since is not None:
            where.append("t.updated_at >= ?")
            params.append(micros_of("since", since))
        filters = Filters(where=tuple(where), params=tuple(params))
        if organization_id:
            filters = replace(
                filters,
                scope=(scope_token(organization_id),),
                scope_where=("t.organization_id = ?",),
                scope_params=(organization_id,),
            )
        fingerprint = query_fingerprint("tickets", query, statuses, since, organization_id)
        return await self._find(TICKET_INDEX, indexing.TICKETS, query, filters, fingerprint, limit, cursor)

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
            now = self._clock()
            taken = {c.id for c in ticket.comments}
            number = len(ticket.comments) + 1
            while f"{ticket.id}-{number}" in taken:
                number += 1
            note = Comment(
                id=f"{ticket.id}-{number}", author=NOTE_AUTHOR, body=body, public=False, created_at=now
            )
            updated = ticket.model_copy(
                update={"comments": (*ticket.comments, note), "updated_at": max(ticket.updated_at, now)}
            )
            upsert(conn, indexing.TICKETS, updated)
            return Ref(system=SYSTEM, id=note.id)

        return await self._idempotent("support.add_internal_note", idempotency_key, (ticket_id, body), write)
