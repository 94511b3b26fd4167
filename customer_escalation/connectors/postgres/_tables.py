"""The five connector categories of the PostgreSQL workspace; each answers as the SQLite workspace does."""

from __future__ import annotations

from typing import Any

from ..base import IssueDraft, WriteReceipt
from ..errors import NotFoundError
from ..local import indexing
from ..local.indexing import to_micros
from ..local.store.base import (
    MAX_THREAD_REPLIES,
    SYSTEM,
    require_text,
    slack_ts,
)
from ..local.store.chat import new_message, replied, thread_of
from ..local.store.reads import AccountReads, ArticleReads, IssueReads, MessageReads, TicketReads
from ..local.store.support import with_note
from ..local.store.tracker import check_draft, new_issue
from ..records import (
    Channel,
    ChatMessage,
    Opportunity,
    Ref,
    Thread,
)
from ._base import (
    AConn,
    PgStoreBase,
)
from ._records import insert, upsert
from .schema import ISSUE_NUMBER_LOCK


class SupportTables(PgStoreBase, TicketReads):
    """Tickets: search, read, internal notes."""

    async def add_internal_note(self, ticket_id: str, body: str, *, idempotency_key: str) -> WriteReceipt:
        require_text("body", body)

        async def write(conn: AConn) -> Ref:
            missing = f"no ticket {ticket_id} in the local workspace"
            ticket = await self._read(conn, indexing.TICKETS, ticket_id, missing, lock=True)
            updated, note = with_note(ticket, body, self._clock())
            await upsert(conn, indexing.TICKETS, updated)
            return Ref(system=SYSTEM, id=note.id)

        return await self._idempotent("support.add_internal_note", idempotency_key, (ticket_id, body), write)


class CrmTables(PgStoreBase, AccountReads):
    """Accounts and their opportunities."""

    async def list_opportunities(self, account_id: str) -> tuple[Opportunity, ...]:
        async with self._pool.use() as conn:
            missing = f"no account {account_id} in the local workspace"
            await self._read(conn, indexing.ACCOUNTS, account_id, missing)
            cursor = await conn.execute(
                "SELECT data FROM opportunities WHERE account_id = %s "
                "ORDER BY is_open DESC, close_date IS NULL, close_date, id",
                (account_id,),
            )
            rows = await cursor.fetchall()
        return tuple(Opportunity.model_validate_json(data) for (data,) in rows)


class ChatTables(PgStoreBase, MessageReads):
    """Channels, message search, threads and posting."""

    async def list_channels(self) -> tuple[Channel, ...]:
        async with self._pool.use() as conn:
            cursor = await conn.execute("SELECT data FROM channels ORDER BY name, id")
            rows = await cursor.fetchall()
        return tuple(Channel.model_validate_json(data) for (data,) in rows)

    async def get_thread(self, channel_id: str, thread_id: str) -> Thread:
        async with self._pool.use() as conn:
            found = await self._channel(conn, channel_id)
            root = await self._root(conn, found.id, thread_id)
            cursor = await conn.execute(
                "SELECT data FROM messages WHERE channel_id = %s AND thread_id = %s "
                "ORDER BY created_at, id LIMIT %s",
                (found.id, root.id, MAX_THREAD_REPLIES + 1),
            )
            rows = await cursor.fetchall()
        return thread_of(found, root, rows)

    async def channel_identity(self, channel: str) -> tuple[str, str]:
        async with self._pool.use() as conn:
            found = await self._channel(conn, channel)
        return found.id, found.name.lower()

    async def post_message(
        self, channel: str, text: str, *, thread_id: str | None = None, idempotency_key: str
    ) -> WriteReceipt:
        require_text("text", text)

        async def write(conn: AConn) -> Ref:
            found = await self._channel(conn, channel)
            now = self._clock()
            root = await self._root(conn, found.id, thread_id, lock=True) if thread_id else None
            stamp = to_micros(now)
            while await self._message_exists(conn, found.id, slack_ts(stamp)):
                stamp += 1
            message = new_message(found, slack_ts(stamp), root, text, now)
            await insert(conn, indexing.MESSAGES, message)
            if root is not None:
                await upsert(conn, indexing.MESSAGES, replied(root))
            return message.ref

        return await self._idempotent("chat.post_message", idempotency_key, (channel, text, thread_id), write)

    @staticmethod
    async def _channel(conn: AConn, channel: str) -> Channel:
        wanted = channel.strip().removeprefix("#")
        cursor = await conn.execute(
            "SELECT data FROM channels WHERE id = %s OR lower(name) = lower(%s) "
            "ORDER BY id = %s DESC, name = %s DESC LIMIT 1",
            (channel, wanted, channel, wanted),
        )
        row = await cursor.fetchone()
        if row is None:
            names_cursor = await conn.execute("SELECT name FROM channels ORDER BY name LIMIT 20")
            names = [name for (name,) in await names_cursor.fetchall()]
            known = ", ".join(names) if names else "none"
            raise NotFoundError(
                f"no channel {channel!r} in the local workspace; channels: {known}", system=SYSTEM
            )
        return Channel.model_validate_json(row[0])

    async def _root(
        self, conn: AConn, channel_id: str, message_id: str, *, lock: bool = False
    ) -> ChatMessage:
        """The message, or the root of the thread it replies in."""
        message = await self._message(conn, channel_id, message_id, lock=lock)
        if message.thread_id and message.thread_id != message.id:
            message = await self._message(conn, channel_id, message.thread_id, lock=lock)
        return message

    @staticmethod
    async def _message(conn: AConn, channel_id: str, message_id: str, *, lock: bool = False) -> ChatMessage:
        suffix = " FOR UPDATE" if lock else ""
        cursor = await conn.execute(
            f"SELECT data FROM messages WHERE channel_id = %s AND id = %s{suffix}",
            (channel_id, message_id),
        )
        row = await cursor.fetchone()
        if row is None:
            raise NotFoundError(
                f"no message {message_id} in channel {channel_id} of the local workspace", system=SYSTEM
            )
        return ChatMessage.model_validate_json(row[0])

    @staticmethod
    async def _message_exists(conn: AConn, channel_id: str, message_id: str) -> bool:
        cursor = await conn.execute(
            "SELECT 1 FROM messages WHERE channel_id = %s AND id = %s", (channel_id, message_id)
        )
        return await cursor.fetchone() is not None


class TrackerTables(PgStoreBase, IssueReads):
    """Issues: search, read, create."""

    async def create_issue(self, draft: IssueDraft, *, idempotency_key: str) -> WriteReceipt:
        check_draft(draft)

        async def write(conn: AConn) -> Ref:
            now = self._clock()
            number = await _next_issue_number(conn, draft.project)
            key = f"{draft.project}-{number}"
            issue = new_issue(draft, key, now)
            # A key another process took a moment ago fails the insert, and the write is tried again.
            await insert(conn, indexing.ISSUES, issue)
            return issue.ref

        payload: Any = draft.model_dump(mode="json")
        return await self._idempotent("tracker.create_issue", idempotency_key, payload, write)


async def _next_issue_number(conn: AConn, project: str) -> int:
    """The next free number in `project`, held for this transaction: writers filing issues in one
    project at once take turns instead of racing for the same key."""
    await conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (ISSUE_NUMBER_LOCK, project))
    cursor = await conn.execute(
        "SELECT coalesce(max(number), 0) + 1 FROM issues WHERE project = %s", (project,)
    )
    row = await cursor.fetchone()
    number = int(row[0]) if row else 1
    while True:
        taken = await conn.execute("SELECT 1 FROM issues WHERE key = %s", (f"{project}-{number}",))
        if await taken.fetchone() is None:
            return number
        number += 1


class KbTables(PgStoreBase, ArticleReads):
    """Articles: search and read."""
