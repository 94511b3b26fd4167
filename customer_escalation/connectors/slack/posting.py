"""Posting escalation messages, at most once per idempotency key.

Posts carry message metadata (event type ``customer_escalation`` with the idempotency key); before
posting, the recent history of the channel (or the thread's replies) is checked for that key, so a
retry after a crash or restart does not post twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from ..base import Clock, WriteReceipt
from ..errors import InvalidQueryError
from ..idempotency import checked_key
from ..records import Ref
from .client import SlackClient
from .directory import Channels
from .mapping import datetime_to_ts, permalink
from .models import Message
from .settings import SYSTEM
from .text import escape_text

METADATA_EVENT_TYPE = "customer_escalation"
"""`event_type` of the metadata attached to every message this connector posts."""
_HISTORY_PAGE_SIZE = 200
_MAX_DEDUPE_PAGES = 5
_THREAD_DEDUPE_LIMIT = 1000


def carries_key(message: Message, key: str, *, bot_id: str | None) -> bool:
    """Whether `message` carries our metadata with `key` and was posted by `bot_id` (when known)."""
    if bot_id is not None and message.bot_id != bot_id:
        return False
    metadata = message.metadata
    if metadata is None or metadata.event_type != METADATA_EVENT_TYPE or metadata.event_payload is None:
        return False
    return metadata.event_payload.idempotency_key == key


def _with_key(messages: Iterable[Message], key: str, *, bot_id: str | None) -> str | None:
    return next((m.ts for m in messages if carries_key(m, key, bot_id=bot_id)), None)


def _payload(channel_id: str, text: str, thread_ts: str | None, key: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "channel": channel_id,
        "text": escape_text(text),
        "unfurl_links": False,
        "unfurl_media": False,
        "metadata": {"event_type": METADATA_EVENT_TYPE, "event_payload": {"idempotency_key": key}},
    }
    if thread_ts is not None:
        payload["thread_ts"] = thread_ts
    return payload


class Poster:
    """Posts with the bot token; remembers what it posted for the life of the connector.

    Args:
        clock: the current time (for the dedupe window).
        dedupe_window: how far back the channel history is checked for an earlier post with the same
            key (at most 1,000 messages back).
    """

    def __init__(
        self, client: SlackClient, channels: Channels, *, clock: Clock, dedupe_window: timedelta
    ) -> None:
        self._client = client
        self._channels = channels
        self._clock = clock
        self._dedupe_window = dedupe_window
        self._posted: dict[tuple[str, str | None, str], WriteReceipt] = {}
        self._lock = asyncio.Lock()

    async def post(
        self, channel: str, text: str, *, thread_id: str | None, idempotency_key: str
    ) -> WriteReceipt:
        """See `SlackChat.post_message`."""
        checked_key(idempotency_key, system=SYSTEM)
        if not text.strip():
            raise InvalidQueryError("slack: the message text is empty", system=SYSTEM)
        channel_id, _ = await self._channels.resolve_key(channel)
        thread_ts = thread_id.strip() if thread_id else None
        key = (channel_id, thread_ts, idempotency_key)
        async with self._lock:
            if key in self._posted:
                return self._posted[key].model_copy(update={"created": False})
            earlier = await self._find_posted(channel_id, thread_ts, idempotency_key)
            if earlier is not None:
                ref = await self._message_ref(channel_id, earlier, thread_ts)
                self._posted[key] = WriteReceipt(ref=ref, created=False)
                return self._posted[key]
            posted = await self._client.post(_payload(channel_id, text, thread_ts, idempotency_key))
            ref = await self._message_ref(posted.channel or channel_id, posted.ts, thread_ts)
            self._posted[key] = WriteReceipt(ref=ref)
            return self._posted[key]

    async def _find_posted(self, channel_id: str, thread_ts: str | None, key: str) -> str | None:
        """The ts of an earlier post of this app carrying `key`, in recent history or the thread."""
        await self._client.permalink_base()
        bot_id = self._client.bot_id
        if thread_ts is not None:
            replies, _ = await self._client.thread(channel_id, thread_ts, _THREAD_DEDUPE_LIMIT, metadata=True)
            return _with_key(replies, key, bot_id=bot_id)
        oldest = datetime_to_ts(self._clock() - self._dedupe_window)
        cursor: str | None = None
        for _ in range(_MAX_DEDUPE_PAGES):
            page = await self._client.history(
                channel_id,
                oldest=oldest,
                limit=_HISTORY_PAGE_SIZE,
                include_all_metadata="true",
                cursor=cursor,
            )
            found = _with_key(page.messages, key, bot_id=bot_id)
            if found is not None:
                return found
            cursor = page.next_cursor
            if cursor is None or page.has_more is False:
                return None
        return None

    async def _message_ref(self, channel_id: str, ts: str, thread_ts: str | None) -> Ref:
        base = await self._client.permalink_base()
        return Ref(system=SYSTEM, id=f"{channel_id}:{ts}", url=permalink(base, channel_id, ts, thread_ts))


__all__ = ["METADATA_EVENT_TYPE", "Poster", "carries_key"]
