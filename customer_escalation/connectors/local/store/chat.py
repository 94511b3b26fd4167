"""Chat channels, messages and threads in the workspace."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ...base import WriteReceipt
from ...errors import NotFoundError
from ...records import (
    Channel,
    ChatMessage,
    Ref,
    Thread,
)
from .. import indexing
from ..authors import BOT
from ..indexing import to_micros, upsert
from .base import MAX_THREAD_REPLIES, SYSTEM, require_text, slack_ts
from .reads import MessageReads
from .searching import SearchingStore


class ChatTables(SearchingStore, MessageReads):
    """Channels, message search, threads and posting."""

    async def list_channels(self) -> tuple[Channel, ...]:
        """Every chat channel, by name."""
        rows = await self._reading(
            lambda conn: conn.execute("SELECT data FROM channels ORDER BY name, id").fetchall()
        )
        return tuple(Channel.model_validate_json(data) for (data,) in rows)

    async def get_thread(self, channel_id: str, thread_id: str) -> Thread:
        """A thread: its root message and replies, oldest first. A reply's id finds its whole thread.

        Raises:
            NotFoundError: the channel or message does not exist.
        """

        def read(conn: sqlite3.Connection) -> tuple[Channel, ChatMessage, list[Any]]:
            found = self._channel(conn, channel_id)
            root = self._message(conn, found.id, thread_id)
            if root.thread_id and root.thread_id != root.id:
                root = self._message(conn, found.id, root.thread_id)
            rows = conn.execute(
                "SELECT data FROM messages WHERE channel_id = ? AND thread_id = ? ORDER BY created_at, id LIMIT ?",
                (found.id, root.id, MAX_THREAD_REPLIES + 1),
            ).fetchall()
            return found, root, rows

        found, root, rows = await self._reading(read)
        return thread_of(found, root, rows)

    async def channel_identity(self, channel: str) -> tuple[str, str]:
        """(id, lower-case name) of a channel given as an id, a name or ``#name``, any case.

        Raises:
            NotFoundError: no such channel.
        """
        found = await self._reading(lambda conn: self._channel(conn, channel))
        return found.id, found.name.lower()

    async def post_message(
        self, channel: str, text: str, *, thread_id: str | None = None, idempotency_key: str
    ) -> WriteReceipt:
        """Post a message to a channel (id or name), optionally as a reply in a thread.

        A second call with the same `idempotency_key` writes nothing and returns the first receipt.

        Raises:
            NotFoundError: the channel or thread does not exist.
            InvalidQueryError: the text is empty, or the key was used for a different write.
        """
        require_text("text", text)

        def write(conn: sqlite3.Connection) -> Ref:
            found = self._channel(conn, channel)
            now = self._clock()
            root: ChatMessage | None = None
            if thread_id:
                root = self._message(conn, found.id, thread_id)
                if root.thread_id and root.thread_id != root.id:
                    root = self._message(conn, found.id, root.thread_id)
            stamp = to_micros(now)
            while conn.execute(
                "SELECT 1 FROM messages WHERE channel_id = ? AND id = ?", (found.id, slack_ts(stamp))
            ).fetchone():
                stamp += 1
            message = new_message(found, slack_ts(stamp), root, text, now)
            upsert(conn, indexing.MESSAGES, message)
            if root is not None:
                upsert(conn, indexing.MESSAGES, replied(root))
            return message.ref

        return await self._idempotent("chat.post_message", idempotency_key, (channel, text, thread_id), write)

    @staticmethod
    def _channel(conn: sqlite3.Connection, channel: str) -> Channel:
        wanted = channel.strip().removeprefix("#")
        row = conn.execute(
            "SELECT data FROM channels WHERE id = ? OR name = ? COLLATE NOCASE "
            "ORDER BY id = ? DESC, name = ? DESC LIMIT 1",
            (channel, wanted, channel, wanted),
        ).fetchone()
        if row is None:
            names = [name for (name,) in conn.execute("SELECT name FROM channels ORDER BY name LIMIT 20")]
            known = ", ".join(names) if names else "none"
            raise NotFoundError(
                f"no channel {channel!r} in the local workspace; channels: {known}", system=SYSTEM
            )
        return Channel.model_validate_json(row[0])

    @staticmethod
    def _message(conn: sqlite3.Connection, channel_id: str, message_id: str) -> ChatMessage:
        row = conn.execute(
            "SELECT data FROM messages WHERE channel_id = ? AND id = ?", (channel_id, message_id)
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no message {message_id} in channel {channel_id} of the local workspace", system=SYSTEM
            )
        return ChatMessage.model_validate_json(row[0])


def new_message(
    channel: Channel, message_id: str, root: ChatMessage | None, text: str, now: datetime
) -> ChatMessage:
    """The message the workspace's bot posts as `message_id` in `channel`, in `root`'s thread if any."""
    return ChatMessage(
        ref=Ref(system=SYSTEM, id=f"{channel.id}:{message_id}"),
        id=message_id,
        channel_id=channel.id,
        channel_name=channel.name,
        thread_id=root.id if root else None,
        author=BOT,
        text=text,
        created_at=now,
    )


def replied(root: ChatMessage) -> ChatMessage:
    """`root` counting one more reply."""
    return root.model_copy(update={"reply_count": root.reply_count + 1})


def thread_of(channel: Channel, root: ChatMessage, rows: Sequence[Any]) -> Thread:
    """The thread of `root` from its reply rows (oldest first, one more than are returned, if any)."""
    replies = tuple(ChatMessage.model_validate_json(data) for (data,) in rows)
    return Thread(
        channel_id=channel.id,
        channel_name=channel.name,
        root=root,
        replies=replies[:MAX_THREAD_REPLIES],
        has_more=len(replies) > MAX_THREAD_REPLIES,
    )
