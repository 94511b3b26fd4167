"""Channel names and user handles, looked up once and remembered for the life of the connector."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from ..errors import NotFoundError, PermissionDeniedError
from .client import SlackClient
from .settings import SYSTEM

_MAX_LIST_PAGES = 50
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]+$")


def channel_key(value: str) -> tuple[str | None, str | None]:
    """(id, lower-case name) for a channel given as an id, a name or ``#name``: one of them is None."""
    value = value.strip()
    if _CHANNEL_ID.match(value):
        return value, None
    return None, value.lstrip("#").lower()


class Channels:
    """Channel id <-> name, from `conversations.info` (by id) and `conversations.list` (by name).

    Args:
        client: the Web API.
        monotonic: seconds, for the age of the channel list.
        refresh_after: list the channels again when a name is unknown and the list is older than this.
    """

    def __init__(
        self, client: SlackClient, *, monotonic: Callable[[], float], refresh_after: float = 60.0
    ) -> None:
        self._client = client
        self._monotonic = monotonic
        self._refresh_after = refresh_after
        self._names: dict[str, str] = {}
        self._ids: dict[str, str] = {}
        self._hidden: set[str] = set()
        self._listed_at: float | None = None

    @property
    def names(self) -> Mapping[str, str]:
        """Channel id -> name, as far as known."""
        return self._names

    def remember(self, channel_id: str, name: str) -> None:
        self._names[channel_id] = name
        self._ids[name.lower()] = channel_id

    async def name_of(self, channel_id: str) -> str:
        """The channel's name. Raises NotFoundError, PermissionDeniedError."""
        if channel_id not in self._names:
            channel = await self._client.channel(channel_id)
            self.remember(channel_id, channel.name or channel_id)
        return self._names[channel_id]

    async def resolve(self, channel_ids: Iterable[str]) -> None:
        """Learn the names of `channel_ids` where the app may see them; others keep their id."""
        for channel_id in sorted(set(channel_ids) - self._names.keys() - self._hidden):
            try:
                await self.name_of(channel_id)
            except (NotFoundError, PermissionDeniedError):
                self._hidden.add(channel_id)

    async def id_of(self, name: str) -> str:
        """The id of the channel called `name`. Raises NotFoundError when the app cannot see it."""
        key = name.lstrip("#").lower()
        stale = self._listed_at is None or self._monotonic() - self._listed_at > self._refresh_after
        if key not in self._ids and stale:
            await self._load()
        if key not in self._ids:
            raise NotFoundError(
                f"slack: no channel named #{key} that the app can see; check the name or invite the app",
                system=SYSTEM,
            )
        return self._ids[key]

    async def identity(self, channel: str) -> tuple[str, str]:
        """(id, lower-case name) of a channel given as an id, a name or ``#name``, any case."""
        channel_id, name = channel_key(channel)
        if channel_id is not None:
            return channel_id, (await self.name_of(channel_id)).lower()
        assert name is not None
        return await self.id_of(name), name

    async def resolve_key(self, channel: str) -> tuple[str, str | None]:
        """(id, name if already known) of a channel given as an id, a name or ``#name``."""
        channel_id, name = channel_key(channel)
        if channel_id is not None:
            return channel_id, self._names.get(channel_id)
        assert name is not None
        return await self.id_of(name), name

    async def _load(self) -> None:
        cursor: str | None = None
        for _ in range(_MAX_LIST_PAGES):
            page = await self._client.channels(cursor)
            for channel in page.channels:
                if channel.id and channel.name:
                    self.remember(channel.id, channel.name)
            cursor = page.next_cursor
            if cursor is None:
                break
        self._listed_at = self._monotonic()


class Users:
    """User id -> handle via `users.info`, remembered; unknown or hidden users keep their id."""

    def __init__(self, client: SlackClient) -> None:
        self._client = client
        self._handles: dict[str, str] = {}

    @property
    def handles(self) -> Mapping[str, str]:
        """User id -> handle, as far as known."""
        return self._handles

    def remember(self, user_id: str, handle: str) -> None:
        self._handles.setdefault(user_id, handle)

    async def resolve(self, user_ids: Iterable[str]) -> None:
        """Learn the handles of `user_ids`."""
        for user_id in sorted(set(user_ids) - self._handles.keys()):
            try:
                user = await self._client.user(user_id)
            except (NotFoundError, PermissionDeniedError):
                self._handles[user_id] = user_id
                continue
            display = user.profile.display_name if user.profile else None
            self._handles[user_id] = user.name or display or user.real_name or user_id


__all__ = ["Channels", "Users", "channel_key"]
