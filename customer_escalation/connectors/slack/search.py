"""Message search: walking `search.messages` pages, and search hits as records.

Slack pages search by number (`count` per page); positions here count Slack's result slots (page size
times page number), so a page that Slack returns short (it folds near-duplicate hits) is never fetched
twice. Search results lack reply counts; they are looked up per hit that may be a thread root.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from ..errors import NotFoundError, PermissionDeniedError
from ..records import ChatMessage
from .client import SlackClient
from .directory import Channels, Users
from .mapping import MessageMapper, channel_of, thread_of
from .models import Match
from .scope import Scope, in_window

SEARCH_MAX_COUNT = 100
"""Slack's ceiling for `count` on `search.messages`."""
_ENRICH_CONCURRENCY = 4
_MAX_SEARCH_PAGES_PER_CALL = 20


@dataclass(frozen=True)
class SearchWindow:
    """The hits kept from one walk, where the walk stopped, and what Slack said of the total."""

    kept: list[Match]
    position: int
    more: bool
    total: int | None
    dropped: bool


class Search:
    """Searches through the user token and maps the hits.

    Args:
        page_size: `count` sent to `search.messages` (1..100).
        reply_counts: look up the reply count of every hit that may be a thread root.
    """

    def __init__(
        self,
        client: SlackClient,
        mapper: MessageMapper,
        users: Users,
        channels: Channels,
        *,
        page_size: int,
        reply_counts: bool,
    ) -> None:
        self._client = client
        self._mapper = mapper
        self._users = users
        self._channels = channels
        self._page_size = page_size
        self._reply_counts = reply_counts

    async def window(
        self, text: str, scope: Scope | None, since: datetime | None, *, offset: int, limit: int
    ) -> SearchWindow:
        """Walk Slack's result pages from `offset` until `limit` hits are kept or results run out."""
        size = min(limit, self._page_size)
        position = offset
        kept: list[Match] = []
        dropped = False
        total: int | None = None
        for _ in range(_MAX_SEARCH_PAGES_PER_CALL):
            page_number, skip = divmod(position, size)
            page_number += 1
            results = await self._client.search(text, count=size, page=page_number)
            matches = results.matches
            paging = results.paging
            total = _first_known(paging.total if paging else None, results.total, len(matches))
            pages = _first_known(paging.pages if paging else None, page_number)
            last_page = page_number >= pages or not matches
            for index in range(skip, len(matches)):
                position = (page_number - 1) * size + index + 1
                if in_window(matches[index], scope, since):
                    kept.append(matches[index])
                else:
                    dropped = True
                if len(kept) == limit and index + 1 < len(matches):
                    return SearchWindow(kept, position, True, total, dropped)
            position = page_number * size
            if last_page:
                return SearchWindow(kept, position, False, total, dropped)
            if len(kept) == limit:
                break
        return SearchWindow(kept, position, True, total, dropped)

    async def hits(self, matches: list[Match]) -> list[ChatMessage]:
        """The hits as records, their authors, mentions and (when enabled) reply counts resolved."""
        for match in matches:
            if match.user and match.username:
                self._users.remember(match.user, match.username)
            if match.channel and match.channel.id and match.channel.name:
                self._channels.remember(match.channel.id, match.channel.name)
        await self._mapper.resolve_references(matches)
        reply_counts = await self._reply_counts_of(matches) if self._reply_counts else {}
        hits: list[ChatMessage] = []
        for match in matches:
            channel_id, channel_name = channel_of(match)
            hits.append(
                self._mapper.chat_message(
                    match,
                    channel_id=channel_id,
                    channel_name=channel_name,
                    thread_ts=thread_of(match),
                    url=match.permalink,
                    reply_count=reply_counts.get((channel_id, match.ts), 0),
                )
            )
        return hits

    async def _reply_counts_of(self, matches: list[Match]) -> dict[tuple[str, str], int]:
        """Reply counts of the hits that may be thread roots, one `conversations.history` call each."""
        wanted: list[tuple[str, str]] = []
        for match in matches:
            channel = match.channel
            thread_ts = thread_of(match)
            if channel and channel.id and thread_ts in (None, match.ts) and not channel.is_im:
                wanted.append((channel.id, match.ts))
        gate = asyncio.Semaphore(_ENRICH_CONCURRENCY)

        async def one(channel_id: str, ts: str) -> int:
            async with gate:
                try:
                    page = await self._client.history(
                        channel_id, latest=ts, oldest=ts, inclusive="true", limit=1
                    )
                except (NotFoundError, PermissionDeniedError):
                    return 0  # the bot cannot read that channel: the count stays unknown (0)
            return next((m.reply_count or 0 for m in page.messages if m.ts == ts), 0)

        results = await asyncio.gather(*(one(c, t) for c, t in wanted), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return {key: count for key, count in zip(wanted, results, strict=True) if isinstance(count, int)}


def _first_known(*values: int | None) -> int:
    """The first of `values` that is known (the last one always is)."""
    return next(value for value in values if value is not None)


__all__ = ["SEARCH_MAX_COUNT", "Search", "SearchWindow"]
