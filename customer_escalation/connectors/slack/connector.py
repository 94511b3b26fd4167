"""`SlackChat`: the ~~chat connector over the Slack Web API."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import httpx2

from .._http import HttpApi
from ..base import MAX_PAGE_SIZE, Clock, WriteReceipt, utc_now
from ..cursor import clamp_limit, decode_offset, encode_cursor, query_fingerprint
from ..errors import ConfigError, InvalidQueryError, NotFoundError
from ..records import ChatMessage, Page, Thread
from .client import SlackClient
from .directory import Channels, Users
from .mapping import MessageMapper, is_ts, permalink
from .posting import Poster
from .scope import ReadScope, search_text
from .search import SEARCH_MAX_COUNT, Search
from .settings import SYSTEM


class SlackChat:
    """~~chat on Slack: message search, threads and escalation posts.

    Args:
        api: the Web API with the bot token (threads, history, channels, users, posts).
        search_api: the Web API with the user token; None disables search (it raises AuthError).
        channels: the read-scope allowlist (channel names or ids); empty means every channel the
            tokens can read.
        reply_counts: look up the reply count of every search hit that may be a thread root (one
            `conversations.history` call per such hit); Slack's search results do not carry it.
        search_page_size: `count` sent to `search.messages` (at most 100); a search for more results
            than this follows Slack's pages until it has enough.
        thread_limit: most messages (root included) read from one thread.
        dedupe_window: how far back the channel history is checked for an earlier post with the same
            idempotency key (at most 1,000 messages back).
        clock: the current time (for the dedupe window).
        monotonic: seconds for cache ages (channel list refresh).
        owned_client: an HTTP client this connector created and closes in `aclose`.
    """

    system = SYSTEM

    def __init__(
        self,
        api: HttpApi,
        *,
        search_api: HttpApi | None = None,
        channels: Sequence[str] = (),
        reply_counts: bool = True,
        search_page_size: int = SEARCH_MAX_COUNT,
        thread_limit: int = 200,
        dedupe_window: timedelta = timedelta(days=1),
        clock: Clock = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        owned_client: httpx2.AsyncClient | None = None,
    ) -> None:
        if not 1 <= search_page_size <= SEARCH_MAX_COUNT:
            raise ConfigError(f"search_page_size must be 1..{SEARCH_MAX_COUNT}, not {search_page_size}")
        if thread_limit < 1:
            raise ConfigError(f"thread_limit must be at least 1, not {thread_limit}")
        self._client = SlackClient(api, search_api)
        self._thread_limit = thread_limit
        self._owned_client = owned_client
        self._channels = Channels(self._client, monotonic=monotonic)
        users = Users(self._client)
        self._mapper = MessageMapper(users, self._channels)
        self._scope = ReadScope(channels, self._channels)
        self._search = Search(
            self._client,
            self._mapper,
            users,
            self._channels,
            page_size=search_page_size,
            reply_counts=reply_counts,
        )
        self._poster = Poster(self._client, self._channels, clock=clock, dedupe_window=dedupe_window)

    @property
    def allowed_channels(self) -> tuple[str, ...]:
        """The read-scope allowlist as configured (names or ids); empty means unrestricted."""
        return self._scope.allow

    async def check(self) -> None:
        """Call `auth.test` with the bot token, and with the user token when one is configured.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when a token is rejected or Slack fails.
        """
        await self._client.auth_test()
        await self._client.check_search_token()

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._owned_client is not None:
            await self._owned_client.aclose()

    async def search_messages(
        self,
        query: str,
        *,
        channel: str | None = None,
        since: datetime | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[ChatMessage]:
        """Messages matching `query` (Slack search syntax), best match first.

        `channel` (an id or name) narrows to one channel, which must be inside `SLACK_CHANNELS` when
        that is set. `since` keeps messages sent at or after that moment.

        Raises:
            AuthError: no user token is configured, or Slack rejects it.
            PermissionDeniedError: `channel` is outside the read scope, or a scope is missing.
            InvalidQueryError: empty query, bad limit, naive `since`, or a cursor of another query.
            ConnectorError: any other failure of the Slack API.
        """
        limit = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        if since is not None and (since.tzinfo is None or since.utcoffset() is None):
            raise InvalidQueryError("since must be timezone-aware", system=SYSTEM)
        fingerprint = query_fingerprint(
            "slack-search", query, channel, since.isoformat() if since else None, self._scope.allow
        )
        offset = decode_offset(cursor, fingerprint, system=SYSTEM)
        self._client.require_search()
        scope = await self._scope.for_search(channel)
        text = search_text(query, scope, since)
        if not text:
            raise InvalidQueryError("slack search needs some text to look for", system=SYSTEM)
        window = await self._search.window(text, scope, since, offset=offset, limit=limit)
        items = await self._search.hits(window.kept)
        return Page(
            items=tuple(items),
            next_cursor=encode_cursor(fingerprint, window.position) if window.more else None,
            total=None if window.dropped else window.total,
        )

    async def get_thread(self, channel_id: str, thread_id: str) -> Thread:
        """The thread whose root message has ts `thread_id` in `channel_id` (an id or a name).

        Reads up to `thread_limit` messages through `conversations.replies`; `has_more` says whether
        the thread goes on.

        Raises:
            NotFoundError: no such channel or thread.
            PermissionDeniedError: the channel is outside `SLACK_CHANNELS`, or the app is not in it.
            ConnectorError: any other failure of the Slack API.
        """
        if not is_ts(thread_id):
            raise InvalidQueryError(f"slack: {thread_id!r} is not a message ts", system=SYSTEM)
        resolved_id, channel_name = await self._channels.resolve_key(channel_id)
        if not await self._scope.allows(resolved_id, channel_name):
            raise self._scope.outside(channel_id)
        raw, has_more = await self._client.thread(resolved_id, thread_id.strip(), self._thread_limit)
        if not raw:
            raise NotFoundError(f"slack: no thread {thread_id} in {channel_id}", system=SYSTEM)
        if channel_name is None:
            channel_name = await self._channels.name_of(resolved_id)
        await self._mapper.resolve_references(raw)
        base = await self._client.permalink_base()
        messages = [
            self._mapper.chat_message(
                message,
                channel_id=resolved_id,
                channel_name=channel_name,
                thread_ts=message.thread_ts,
                url=permalink(base, resolved_id, message.ts, message.thread_ts),
                reply_count=message.reply_count or 0,
            )
            for message in raw
        ]
        return Thread(
            channel_id=resolved_id,
            channel_name=channel_name,
            root=messages[0],
            replies=tuple(messages[1:]),
            has_more=has_more,
        )

    async def channel_identity(self, channel: str) -> tuple[str, str]:
        """(id, lower-case name) of a channel given as an id, a name or ``#name``, any case.

        Raises:
            NotFoundError: no such channel that the app can see.
            PermissionDeniedError: the app may not read the channel's details.
        """
        return await self._channels.identity(channel)

    async def post_message(
        self, channel: str, text: str, *, thread_id: str | None = None, idempotency_key: str
    ) -> WriteReceipt:
        """Post `text` to `channel` (an id or name), in the thread `thread_id` when given.

        Link and media unfurling are off; ``&``, ``<`` and ``>`` are escaped, so the text cannot
        mention ``@channel`` or hide a link. The message carries metadata with `idempotency_key`;
        when a message with that key is already in the channel's recent history (or the thread),
        nothing is posted and the receipt says ``created=False``.

        Raises:
            NotFoundError: no such channel or thread.
            PermissionDeniedError: the app is not in the channel or lacks ``chat:write``.
            InvalidQueryError: empty text or idempotency key.
            ConnectorError: any other failure of the Slack API.
        """
        return await self._poster.post(channel, text, thread_id=thread_id, idempotency_key=idempotency_key)


__all__ = ["SlackChat"]
