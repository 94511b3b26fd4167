"""The Slack Web API's answers, as far as this connector reads them.

Only the fields we use, under Slack's own names. Every answer is validated here, at the one HTTP
boundary (`HttpApi.get_model`), so a body of the wrong shape is an `UpstreamError` naming the method.

Slack is loose about scalars: a string may be left out, sent empty or null, an id now and then comes as
a number, and counts arrive as strings. Those are read leniently (`OptStr`, `Count`). Block Kit and
attachments keep growing new kinds, and the text can be read from `text` anyway, so a block, element
or attachment of a shape we do not know is left out instead of failing the whole answer.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    JsonValue,
    StrictBool,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from ..vendor import NullAsEmpty, VendorModel

TS = re.compile(r"^(\d{1,12})(?:\.(\d{1,6}))?$")
"""A Slack `ts`: epoch seconds, then up to six digits of microseconds."""


def _optional_text(value: Any) -> Any:
    """Empty or null strings as None; an id sent as a number as its digits."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _count(value: Any) -> int | None:
    """A number Slack may send as an int, a float, a string or null; None when it cannot be read."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str | float):
        try:
            return int(float(value))
        except (ValueError, OverflowError):
            return None
    return None


def _readable_items(value: Any, handler: ValidatorFunctionWrapHandler) -> tuple[Any, ...]:
    """The items of a list that have the expected shape; the others (and a non-list) are left out."""
    if not isinstance(value, list):
        return ()
    kept: list[Any] = []
    for item in value:
        try:
            kept.extend(handler([item]))
        except ValidationError:
            continue
    return tuple(kept)


OptStr = Annotated[str | None, BeforeValidator(_optional_text)]
Count = Annotated[int | None, BeforeValidator(_count)]
Ts = Annotated[str, BeforeValidator(_optional_text), Field(pattern=TS.pattern)]


class TextObject(VendorModel):
    """A Block Kit text object: ``{"type": "mrkdwn", "text": ...}``."""

    text: OptStr = None


class RichElement(VendorModel):
    """An element of a rich-text or context block (text, link, user, channel, emoji, broadcast...)."""

    type: OptStr = None
    text: OptStr = None
    url: OptStr = None
    user_id: OptStr = None
    channel_id: OptStr = None
    name: OptStr = None
    range: OptStr = None
    elements: Annotated[tuple[RichElement, ...], WrapValidator(_readable_items)] = ()


class Block(VendorModel):
    type: OptStr = None
    text: TextObject | None = None
    fields: Annotated[tuple[TextObject, ...], WrapValidator(_readable_items)] = ()
    elements: Annotated[tuple[RichElement, ...], WrapValidator(_readable_items)] = ()


class Attachment(VendorModel):
    text: OptStr = None
    fallback: OptStr = None


class BotProfile(VendorModel):
    name: OptStr = None


class EventPayload(VendorModel):
    idempotency_key: JsonValue = None


class MessageMetadata(VendorModel):
    event_type: OptStr = None
    event_payload: EventPayload | None = None


class Message(VendorModel):
    """A message of `conversations.history` or `conversations.replies`."""

    ts: Ts
    subtype: OptStr = None
    user: OptStr = None
    username: OptStr = None
    bot_id: OptStr = None
    bot_profile: BotProfile | None = None
    text: OptStr = None
    blocks: Annotated[tuple[Block, ...], WrapValidator(_readable_items)] = ()
    attachments: Annotated[tuple[Attachment, ...], WrapValidator(_readable_items)] = ()
    thread_ts: OptStr = None
    reply_count: Count = None
    metadata: MessageMetadata | None = None


class SearchChannel(VendorModel):
    id: OptStr = None
    name: OptStr = None
    is_im: bool | None = None


class Match(Message):
    """A hit of `search.messages`: a message with its channel and permalink."""

    channel: SearchChannel | None = None
    permalink: OptStr = None


class ResponseMetadata(VendorModel):
    next_cursor: OptStr = None


class CursorPage(VendorModel):
    """An answer paged by cursor; `next_cursor` is None on the last page."""

    response_metadata: ResponseMetadata | None = None

    @property
    def next_cursor(self) -> str | None:
        return self.response_metadata.next_cursor if self.response_metadata else None


class MessagePage(CursorPage):
    """`conversations.history` and `conversations.replies`."""

    messages: Annotated[tuple[Message, ...], NullAsEmpty] = ()
    has_more: bool | None = None


class Paging(VendorModel):
    total: Count = None
    pages: Count = None


class SearchResults(VendorModel):
    matches: Annotated[tuple[Match, ...], NullAsEmpty] = ()
    total: Count = None
    paging: Paging | None = None


class SearchAnswer(VendorModel):
    """`search.messages`."""

    messages: SearchResults


class Channel(VendorModel):
    id: OptStr = None
    name: OptStr = None


class ChannelInfo(VendorModel):
    """`conversations.info`."""

    channel: Channel


class ChannelList(CursorPage):
    """`conversations.list`."""

    channels: Annotated[tuple[Channel, ...], NullAsEmpty] = ()


class Profile(VendorModel):
    display_name: OptStr = None


class User(VendorModel):
    name: OptStr = None
    real_name: OptStr = None
    profile: Profile | None = None


class UserInfo(VendorModel):
    """`users.info`."""

    user: User


class AuthTest(VendorModel):
    """`auth.test`: the workspace's URL and, for a bot token, the bot's id."""

    url: OptStr = None
    bot_id: OptStr = None


class Posted(VendorModel):
    """`chat.postMessage`."""

    ts: Ts
    channel: OptStr = None


class Answer(VendorModel):
    """The envelope of every answer: ``{"ok": false, "error": "<code>"}`` when Slack refuses."""

    ok: StrictBool | None = None
    error: OptStr = None
    needed: OptStr = None
    provided: OptStr = None


__all__ = [
    "TS",
    "Answer",
    "Attachment",
    "AuthTest",
    "Block",
    "BotProfile",
    "Channel",
    "ChannelInfo",
    "ChannelList",
    "Count",
    "CursorPage",
    "EventPayload",
    "Match",
    "Message",
    "MessageMetadata",
    "MessagePage",
    "OptStr",
    "Paging",
    "Posted",
    "Profile",
    "ResponseMetadata",
    "RichElement",
    "SearchAnswer",
    "SearchChannel",
    "SearchResults",
    "TextObject",
    "Ts",
    "User",
    "UserInfo",
]
