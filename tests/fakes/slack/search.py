"""`search.messages` in the fake: the subset of Slack's search syntax it understands, and its answer."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from .wire import HIGHLIGHT_END, HIGHLIGHT_START, TEAM_ID, truthy, unescape

if TYPE_CHECKING:
    from .app import SlackFake


@dataclass
class SearchQuery:
    """`search.messages` in the fake: the subset of Slack's search syntax it understands, and its answer."""

    terms: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    in_channels: set[str] = field(default_factory=set)
    not_in_channels: set[str] = field(default_factory=set)
    from_users: set[str] = field(default_factory=set)
    after: date | None = None
    before: date | None = None
    on: date | None = None
    threads_only: bool = False

    @classmethod
    def parse(cls, query: str, fake: SlackFake) -> SearchQuery:
        parsed = cls()
        for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query):
            if phrase:
                parsed.terms.append(phrase.lower())
                continue
            negative = word.startswith("-") and ":" in word
            key, _, value = word.lstrip("-").partition(":")
            if value and key == "in":
                target = parsed.not_in_channels if negative else parsed.in_channels
                target.add(cls._channel(value, fake))
            elif value and key == "from":
                parsed.from_users.add(cls._user(value, fake))
            elif value and key in {"after", "before", "on"}:
                try:
                    setattr(parsed, key, date.fromisoformat(value))
                except ValueError:
                    parsed.terms.append(word.lower())
            elif value and key == "is" and value == "thread":
                parsed.threads_only = True
            elif word.startswith("-") and len(word) > 1:
                parsed.excluded.append(word[1:].lower())
            else:
                parsed.terms.append(word.lower())
        return parsed

    @staticmethod
    def _channel(value: str, fake: SlackFake) -> str:
        value = value.strip()
        if value.startswith("<#"):
            return value[2:].rstrip(">").split("|", 1)[0]
        name = value.lstrip("#")
        return next((c["id"] for c in fake.channels.values() if c["name"] == name), "?" + name)

    @staticmethod
    def _user(value: str, fake: SlackFake) -> str:
        if value.startswith("<@"):
            return value[2:].rstrip(">").split("|", 1)[0]
        handle = value.lstrip("@")
        return next((u for u, user in fake.users.items() if user["name"] == handle), "?" + handle)

    def score(self, channel_id: str, message: dict[str, Any], fake: SlackFake) -> float | None:
        if self.in_channels and channel_id not in self.in_channels:
            return None
        if channel_id in self.not_in_channels:
            return None
        if self.from_users and message.get("user") not in self.from_users:
            return None
        if self.threads_only and not message.get("thread_ts"):
            return None
        day = datetime.fromtimestamp(float(message["ts"]), UTC).date()
        if (self.after and day <= self.after) or (self.before and day >= self.before):
            return None
        if self.on and day != self.on:
            return None
        text = unescape(message.get("text") or "").lower()
        if any(word in text for word in self.excluded):
            return None
        if not all(term in text for term in self.terms):
            return None
        if not self.terms and not (self.in_channels or self.from_users):
            return None
        return float(sum(text.count(term) for term in self.terms)) or 1.0

    def highlight(self, text: str) -> str:
        for term in sorted(set(self.terms), key=len, reverse=True):
            text = re.sub(
                re.escape(term), lambda m: f"{HIGHLIGHT_START}{m.group(0)}{HIGHLIGHT_END}", text, flags=re.I
            )
        return text


_MATCH_CHANNEL_KEYS = (
    "id",
    "name",
    "is_channel",
    "is_private",
    "is_mpim",
    "is_shared",
    "is_ext_shared",
    "is_org_shared",
    "is_pending_ext_shared",
    "pending_shared",
)


def search_answer(fake: SlackFake, query: str, params: dict[str, Any]) -> dict[str, Any]:
    """The `search.messages` answer (without ``ok``) for `query`, paged by `count` and `page`."""
    count = min(max(int(params.get("count") or 20), 1), 100)
    page = max(int(params.get("page") or 1), 1)
    search = SearchQuery.parse(query, fake)
    hits: list[tuple[float, str, dict[str, Any]]] = []
    for channel_id, messages in fake.messages.items():
        for message in messages:
            score = search.score(channel_id, message, fake)
            if score is not None:
                hits.append((score, channel_id, message))
    if params.get("sort") == "timestamp":
        hits.sort(key=lambda h: float(h[2]["ts"]), reverse=params.get("sort_dir", "desc") != "asc")
    else:
        hits.sort(key=lambda h: (h[0], float(h[2]["ts"])), reverse=True)
    total = len(hits)
    pages = math.ceil(total / count)
    window = hits[(page - 1) * count : page * count]
    highlight = truthy(params.get("highlight"))
    return {
        "query": query,
        "messages": {
            "matches": [_match(fake, c, m, score, search if highlight else None) for score, c, m in window],
            "total": total,
            "paging": {"count": count, "total": total, "page": page, "pages": pages},
            "pagination": {
                "total_count": total,
                "page": page,
                "per_page": count,
                "page_count": pages,
                "first": (page - 1) * count + 1 if window else 0,
                "last": (page - 1) * count + len(window),
            },
        },
    }


def _match(
    fake: SlackFake, channel_id: str, message: dict[str, Any], score: float, highlight: SearchQuery | None
) -> dict[str, Any]:
    channel = fake.channels[channel_id]
    user_id = message.get("user") or ""
    text = message.get("text") or ""
    if highlight is not None:
        text = highlight.highlight(text)
    return {
        "iid": f"{channel_id}-{message['ts']}",
        "team": TEAM_ID,
        "score": score,
        "channel": {k: channel[k] for k in _MATCH_CHANNEL_KEYS},
        "type": "message",
        # Bot posts come back with an empty user and the bot's name, as in Slack's own example.
        "user": "" if message.get("bot_id") else user_id,
        "username": message.get("username") or fake.users.get(user_id, {}).get("name", ""),
        "ts": message["ts"],
        "text": text,
        "permalink": fake.permalink(channel_id, message),
        "no_reactions": True,
    }


__all__ = ["SearchQuery", "search_answer"]
