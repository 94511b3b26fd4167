"""Slack messages as `ChatMessage` records: timestamps, permalinks, authors and plain text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from ..records import ChatMessage, Person, Ref
from .directory import Channels, Users
from .models import TS, Match, Message
from .settings import SYSTEM
from .text import clean, mentioned_channels, mentioned_users, mrkdwn_to_text, raw_text


def ts_to_datetime(ts: str) -> datetime:
    """A Slack `ts` (``"1700000000.000100"``: epoch seconds with microseconds) as aware UTC.

    Raises:
        ValueError: `ts` is not a Slack timestamp.
    """
    match = TS.match(ts.strip())
    if match is None:
        raise ValueError(f"not a Slack ts: {ts!r}")
    seconds = int(match.group(1))
    micros = int((match.group(2) or "0").ljust(6, "0"))
    return datetime.fromtimestamp(seconds, UTC) + timedelta(microseconds=micros)


def datetime_to_ts(moment: datetime) -> str:
    """An aware datetime as a Slack `ts` string."""
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return f"{delta.days * 86400 + delta.seconds}.{delta.microseconds:06d}"


def is_ts(value: str) -> bool:
    """Whether `value` (surrounding blanks aside) reads as a Slack `ts`."""
    return TS.match(value.strip()) is not None


def permalink(base: str | None, channel_id: str, ts: str, thread_ts: str | None) -> str | None:
    """The message's link in the workspace at `base` (None while the workspace URL is unknown)."""
    if base is None:
        return None
    link = f"{base}archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def thread_of(match: Match) -> str | None:
    """The thread a search hit belongs to: its `thread_ts`, else the one in its permalink."""
    if match.thread_ts:
        return match.thread_ts
    if not match.permalink:
        return None
    values = parse_qs(urlsplit(match.permalink).query).get("thread_ts")
    return values[0] if values else None


def channel_of(match: Match) -> tuple[str, str]:
    """(id, name) of a search hit's channel; the id stands in for a missing name, "" for a missing id."""
    channel_id = (match.channel.id if match.channel else None) or ""
    name = (match.channel.name if match.channel else None) or channel_id
    return channel_id, name


class MessageMapper:
    """Builds `ChatMessage` records, naming authors, mentions and channels through the directories."""

    def __init__(self, users: Users, channels: Channels) -> None:
        self._users = users
        self._channels = channels

    async def resolve_references(self, messages: Sequence[Message]) -> None:
        """Learn the handles and channel names the messages' authors and mentions refer to."""
        users: set[str] = set()
        channels: set[str] = set()
        for message in messages:
            if message.user and not message.username and not message.bot_id:
                users.add(message.user)
            text = raw_text(message)
            users |= mentioned_users(text)
            channels |= mentioned_channels(text)
        await self._users.resolve(users)
        await self._channels.resolve(channels)

    def chat_message(
        self,
        message: Message,
        *,
        channel_id: str,
        channel_name: str,
        thread_ts: str | None,
        url: str | None,
        reply_count: int,
    ) -> ChatMessage:
        ts = message.ts
        text = mrkdwn_to_text(raw_text(message), users=self._users.handles, channels=self._channels.names)
        return ChatMessage(
            ref=Ref(system=SYSTEM, id=f"{channel_id}:{ts}", url=url),
            id=ts,
            channel_id=channel_id,
            channel_name=channel_name,
            thread_id=thread_ts if thread_ts and thread_ts != ts else None,
            author=self.author(message),
            text=text,
            created_at=ts_to_datetime(ts),
            reply_count=max(reply_count, 0),
        )

    def author(self, message: Message) -> Person:
        is_bot = bool(message.bot_id) or message.subtype == "bot_message"
        user_id = message.user
        name = (
            message.username
            or (self._users.handles.get(user_id) if user_id else None)
            or (message.bot_profile.name if message.bot_profile else None)
            or user_id
        )
        return Person(name=clean(name) if name else None, role="bot" if is_bot else None)


__all__ = [
    "MessageMapper",
    "channel_of",
    "datetime_to_ts",
    "is_ts",
    "permalink",
    "thread_of",
    "ts_to_datetime",
]
