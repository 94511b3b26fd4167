"""The support platform's tickets in the workspace."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...base import WriteReceipt
from ...records import (
    Comment,
    Ref,
    Ticket,
)
from .. import indexing
from ..authors import NOTE_AUTHOR
from ..indexing import upsert
from .base import SYSTEM, require_text
from .reads import TicketReads
from .searching import SearchingStore


class SupportTables(SearchingStore, TicketReads):
    """Tickets: search, read, internal notes."""

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
