"""The read scope (``SLACK_CHANNELS``): which channels searches and thread reads may touch.

Searches are scoped server-side with ``in:#name`` clauses (so pages and totals stay right) and every
hit is checked again on our side, so a widening clause smuggled into the query text cannot leak
another channel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..errors import NotFoundError, PermissionDeniedError
from .directory import Channels, channel_key
from .mapping import channel_of, ts_to_datetime
from .models import Match
from .settings import CHANNELS_VAR, SYSTEM
from .text import clean

_IN_CLAUSE = re.compile(r"(?<!\S)in:\S+")


@dataclass(frozen=True)
class Scope:
    """Which channels a search may return: `in:` names for the query, ids and names to check hits."""

    names: tuple[str, ...]
    ids: frozenset[str]

    def allows(self, channel_id: str, channel_name: str) -> bool:
        return channel_id in self.ids or channel_name.lower() in self.names


def in_window(match: Match, scope: Scope | None, since: datetime | None) -> bool:
    """Whether a search hit is inside the scope and not older than `since`."""
    channel_id, channel_name = channel_of(match)
    if scope is not None and not scope.allows(channel_id, channel_name):
        return False
    return since is None or ts_to_datetime(match.ts) >= since


def search_text(query: str, scope: Scope | None, since: datetime | None) -> str:
    """The `search.messages` query: the caller's text plus our scope and date clauses."""
    text = " ".join(clean(query).split())
    clauses: list[str] = []
    if scope is not None:
        # Slack ORs `in:` clauses, so one in the caller's text would widen the scope.
        text = " ".join(_IN_CLAUSE.sub(" ", text).split())
        clauses.extend(f"in:#{name}" for name in scope.names)
        if not scope.names:
            raise PermissionDeniedError(
                f"slack: none of the channels in {CHANNELS_VAR} exist or are visible to the app",
                system=SYSTEM,
            )
    if since is not None:
        # `after:` takes a date in the searching user's time zone and is exclusive; two days of
        # margin cover every zone, and hits are then filtered to the exact moment.
        clauses.append(f"after:{(since.astimezone(UTC).date() - timedelta(days=2)).isoformat()}")
    if not text and not (scope is not None and scope.names):
        return ""
    return " ".join([text, *clauses]).strip()


class ReadScope:
    """The allowlist of channels (names or ids); empty means every channel the tokens can read."""

    def __init__(self, allow: Sequence[str], channels: Channels) -> None:
        self.allow = tuple(dict.fromkeys(c.strip() for c in allow if c.strip().lstrip("#")))
        self._channels = channels

    async def for_search(self, channel: str | None) -> Scope | None:
        """The scope of a search narrowed to `channel`, or of the whole allowlist; None for no limit.

        Raises:
            PermissionDeniedError: `channel` is outside the allowlist.
        """
        if channel is not None and channel.strip():
            channel_id, name = channel_key(channel)
            if channel_id is not None:
                name = await self._channels.name_of(channel_id)
            assert name is not None
            if not await self.allows(channel_id, name):
                raise self.outside(channel)
            return Scope(names=(name.lower(),), ids=frozenset({channel_id} if channel_id else ()))
        if not self.allow:
            return None
        names: list[str] = []
        ids: set[str] = set()
        for entry in self.allow:
            entry_id, entry_name = channel_key(entry)
            if entry_id is not None:
                ids.add(entry_id)
                try:
                    entry_name = await self._channels.name_of(entry_id)
                except NotFoundError:
                    continue
            assert entry_name is not None
            names.append(entry_name.lower())
        return Scope(names=tuple(dict.fromkeys(names)), ids=frozenset(ids))

    async def allows(self, channel_id: str | None, name: str | None) -> bool:
        """Whether the channel is inside the allowlist (looking its name up when needed)."""
        if not self.allow:
            return True
        for entry in self.allow:
            entry_id, entry_name = channel_key(entry)
            if entry_id is not None and entry_id == channel_id:
                return True
            if entry_name is not None and name is not None and entry_name == name.lower():
                return True
        if name is None and channel_id is not None and any(channel_key(e)[1] for e in self.allow):
            return await self.allows(None, await self._channels.name_of(channel_id))
        return False

    def outside(self, channel: str) -> PermissionDeniedError:
        """The error for a read of `channel` outside the allowlist."""
        return PermissionDeniedError(
            f"slack: channel {channel} is outside the configured read scope ({CHANNELS_VAR}); "
            f"allowed: {', '.join(self.allow)}",
            system=SYSTEM,
        )


__all__ = ["ReadScope", "Scope", "in_window", "search_text"]
