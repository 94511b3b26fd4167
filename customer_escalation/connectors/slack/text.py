"""Slack's text markup as plain text, and plain text made safe to post.

Messages carry mrkdwn in `text` (``<https://x|label>``, ``<@U123>``, ``<#C123|name>``, ``&amp;``);
messages posted with Block Kit may leave `text` empty and carry their words in `blocks` or in legacy
`attachments`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..text import strip_invisible
from .models import Block, Message, RichElement

_HIGHLIGHT = re.compile("[\ue000\ue001]")
"""Slack's search highlight markers."""
_MARKUP = re.compile(r"<([^<>\n]*)>|&(amp|lt|gt);")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_CHANNEL_REF = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^<>]*))?>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}
_BLOCK_LINE_ENDS = frozenset({"rich_text_section", "rich_text_preformatted", "rich_text_quote"})


def clean(text: str) -> str:
    """`text` without invisible characters or search highlight markers, with ``\\n`` line ends."""
    return _HIGHLIGHT.sub("", strip_invisible(text.replace("\r\n", "\n").replace("\r", "\n")))


def _unescape(text: str) -> str:
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def _link(target: str, label: str, users: Mapping[str, str], channels: Mapping[str, str]) -> str:
    """One ``<target|label>`` of mrkdwn as text."""
    if target.startswith("@"):
        user_id = target[1:]
        return "@" + (label.lstrip("@") or users.get(user_id, user_id))
    if target.startswith("#"):
        channel_id = target[1:]
        return "#" + (label or channels.get(channel_id, channel_id))
    if target.startswith("!"):
        command = target[1:]
        if label:
            return label
        return _SPECIAL.get(command, "@" + command.split("^", 1)[0])
    url = _unescape(target)
    shown = url.removeprefix("mailto:")
    if not label or label in (url, shown):
        return shown
    return f"{label} ({url})"


def mrkdwn_to_text(
    text: str, *, users: Mapping[str, str] | None = None, channels: Mapping[str, str] | None = None
) -> str:
    """Slack mrkdwn as plain readable text.

    Links become ``label (url)``, channel references ``#name``, mentions ``@handle`` (from `users`,
    by user id), ``&amp;``-style entities their characters; invisible characters are removed.
    """
    users = users or {}
    channels = channels or {}

    def replace(match: re.Match[str]) -> str:
        if match.group(2) is not None:
            return _ENTITIES[match.group(2)]
        target, _, label = match.group(1).partition("|")
        return _link(target, _unescape(label), users, channels)

    return clean(_MARKUP.sub(replace, text)).strip()


def mentioned_users(text: str) -> set[str]:
    """User ids mentioned without a name (``<@U123>``)."""
    return {m.group(1) for m in _MENTION.finditer(text) if "|" not in m.group(0)}


def mentioned_channels(text: str) -> set[str]:
    """Channel ids referenced without a name (``<#C123>`` or the newer ``<#C123|>``)."""
    return {m.group(1) for m in _CHANNEL_REF.finditer(text) if not m.group(2)}


def _rich_text(elements: Iterable[RichElement]) -> list[str]:
    """The mrkdwn of rich-text elements, nested sections each ending a line."""
    parts: list[str] = []
    for element in elements:
        kind = element.type
        if kind == "text":
            parts.append(element.text or "")
        elif kind == "link":
            url = element.url or ""
            parts.append(f"<{url}|{element.text}>" if element.text else f"<{url}>")
        elif kind == "user":
            parts.append(f"<@{element.user_id}>")
        elif kind == "channel":
            parts.append(f"<#{element.channel_id}>")
        elif kind == "emoji":
            parts.append(f":{element.name}:")
        elif kind == "broadcast":
            parts.append(f"<!{element.range}>")
        else:
            parts.extend(_rich_text(element.elements))
            if kind in _BLOCK_LINE_ENDS:
                parts.append("\n")
    return parts


def _block_text(block: Block) -> list[str]:
    if block.type in {"section", "header"}:
        texts = [block.text, *block.fields] if block.text else list(block.fields)
        return [f"{item.text}\n" for item in texts if item.text]
    if block.type == "context":
        return [f"{element.text}\n" for element in block.elements if element.text]
    if block.type == "rich_text":
        return _rich_text(block.elements)
    return []


def blocks_text(blocks: Iterable[Block]) -> str:
    """The mrkdwn of Block Kit blocks, for messages whose `text` is empty."""
    return "".join(part for block in blocks for part in _block_text(block)).strip()


def raw_text(message: Message) -> str:
    """The message's mrkdwn: its `text`, else its blocks, else its first attachment with text."""
    if message.text and message.text.strip():
        return message.text
    from_blocks = blocks_text(message.blocks)
    if from_blocks:
        return from_blocks
    for attachment in message.attachments:
        found = attachment.text or attachment.fallback
        if found:
            return found
    return ""


def escape_text(text: str) -> str:
    """Text for posting: ``&``, ``<`` and ``>`` escaped, so it cannot ping ``@channel`` or forge links."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = [
    "blocks_text",
    "clean",
    "escape_text",
    "mentioned_channels",
    "mentioned_users",
    "mrkdwn_to_text",
    "raw_text",
]
