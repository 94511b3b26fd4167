"""Slack as the ~~chat connector, over the Slack Web API.

Two tokens, because Slack splits the rights this connector needs:

* ``SLACK_BOT_TOKEN`` (``xoxb-``) reads threads and history, resolves channels and users, and posts.
* ``SLACK_USER_TOKEN`` (``xoxp-``, scope ``search:read``) is only used for ``search.messages``, which
  Slack refuses to bot tokens. Without it, search raises `AuthError` naming the variable.

Slack reports most failures as HTTP 200 with ``{"ok": false, "error": "<code>"}``; `SlackPolicy`
turns those codes into the error tree. Rate limits arrive as HTTP 429 with ``Retry-After``, which
the shared HTTP layer honours.

``SLACK_CHANNELS`` (names or ids) limits every read: searches are scoped server-side with ``in:#name``
clauses (so pages and totals stay right) and every hit is checked again on our side, so a widening
clause smuggled into the query text cannot leak another channel; `get_thread` refuses channels
outside the list.

Posts carry message metadata (event type ``customer_escalation`` with the idempotency key); before
posting, the recent history of the channel (or the thread's replies) is checked for that key, so a
retry after a crash or restart does not post twice.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2

from ._http import DEFAULT_LIMITS, DEFAULT_TIMEOUT, HttpApi, Json, VendorPolicy, check_base_url
from .base import MAX_PAGE_SIZE, Category, Clock, WriteReceipt, utc_now
from .cursor import clamp_limit, decode_offset, encode_cursor, query_fingerprint
from .errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    EndpointGoneError,
    InvalidQueryError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    UpstreamError,
)
from .records import ChatMessage, Page, Person, Ref, Thread
from .settings import Settings, split_list
from .text import INVISIBLE_CHARS

SYSTEM = "slack"
DEFAULT_BASE_URL = "https://slack.com/api"
BOT_TOKEN_VAR = "SLACK_BOT_TOKEN"
USER_TOKEN_VAR = "SLACK_USER_TOKEN"
BASE_URL_VAR = "SLACK_BASE_URL"
CHANNELS_VAR = "SLACK_CHANNELS"
REPLY_COUNTS_VAR = "SLACK_SEARCH_REPLY_COUNTS"

METADATA_EVENT_TYPE = "customer_escalation"
"""`event_type` of the metadata attached to every message this connector posts."""

SEARCH_MAX_COUNT = 100
"""Slack's ceiling for `count` on `search.messages`."""
_LIST_PAGE_SIZE = 200
_HISTORY_PAGE_SIZE = 200
_MAX_LIST_PAGES = 50
_MAX_DEDUPE_PAGES = 5
_ENRICH_CONCURRENCY = 4
_MAX_SEARCH_PAGES_PER_CALL = 20

# ---------------------------------------------------------------------------------------------
# Error classification
# ---------------------------------------------------------------------------------------------

_AUTH_ERRORS = frozenset(
    {"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "invalid_token"}
)
_PERMISSION_ERRORS = frozenset(
    {
        "missing_scope",
        "not_allowed_token_type",
        "no_permission",
        "not_in_channel",
        "access_denied",
        "is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "ekm_access_denied",
        "team_access_not_granted",
        "org_login_required",
        "cannot_reply_to_message",
        "user_not_visible",
    }
)
_NOT_FOUND_ERRORS = frozenset(
    {"channel_not_found", "thread_not_found", "message_not_found", "user_not_found"}
)
_INVALID_ERRORS = frozenset(
    {
        "invalid_cursor",
        "invalid_arguments",
        "invalid_arg_name",
        "invalid_array_arg",
        "invalid_charset",
        "invalid_form_data",
        "invalid_post_type",
        "missing_post_type",
        "invalid_json",
        "json_not_object",
        "no_query",
        "invalid_ts_latest",
        "invalid_ts_oldest",
        "invalid_limit",
        "no_text",
        "msg_too_long",
        "too_many_attachments",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "metadata_must_be_sent_from_app",
    }
)
_GONE_ERRORS = frozenset({"method_deprecated", "unknown_method", "deprecated_endpoint"})
_RATE_LIMIT_ERRORS = frozenset({"ratelimited", "rate_limited"})
_KNOWN_ERRORS = (
    _AUTH_ERRORS
    | _PERMISSION_ERRORS
    | _NOT_FOUND_ERRORS
    | _INVALID_ERRORS
    | _GONE_ERRORS
    | _RATE_LIMIT_ERRORS
)

_HINTS: dict[str, str] = {
    "not_in_channel": "invite the app to the channel (/invite @the-app) or use a channel it is in",
    "is_archived": "the channel is archived",
    "no_permission": "the token's user or app is not allowed to do this",
    "not_allowed_token_type": (
        f"this method refuses this kind of token; message search needs a user token (xoxp-) in {USER_TOKEN_VAR}"
    ),
    "channel_not_found": "pass a channel id or name the app can see",
    "thread_not_found": "pass the ts of the thread's root message",
    "invalid_cursor": "omit the cursor to start over",
    "msg_too_long": "shorten the message",
}


def _error_code(body: Json | None) -> str | None:
    if isinstance(body, dict) and body.get("ok") is False:
        code = body.get("error")
        return str(code) if code else "unknown_error"
    return None


def slack_error(method: str, body: Mapping[str, Any], *, variable: str) -> ConnectorError:
    """The error for a Slack ``{"ok": false, "error": ...}`` answer to `method`.

    Args:
        method: the Web API method, e.g. ``conversations.replies``.
        body: the decoded answer.
        variable: the variable holding the token the request used, named in auth errors.
    """
    code = str(body.get("error") or "unknown_error")
    hint = _HINTS.get(code)
    detail = f"slack: {method} failed: {code}" + (f" ({hint})" if hint else "")
    if code in _AUTH_ERRORS:
        return AuthError(
            f"slack rejected the token in {variable} ({code} on {method}); "
            f"check that {variable} holds a current token for this workspace",
            system=SYSTEM,
        )
    if code == "missing_scope":
        needed = body.get("needed") or "another scope"
        provided = body.get("provided") or "none"
        return PermissionDeniedError(
            f"slack: the token in {variable} lacks the {needed} scope that {method} needs "
            f"(it has: {provided}); add the scope to the Slack app and reinstall it",
            system=SYSTEM,
        )
    if code in _PERMISSION_ERRORS:
        return PermissionDeniedError(detail, system=SYSTEM)
    if code in _NOT_FOUND_ERRORS:
        return NotFoundError(detail, system=SYSTEM)
    if code in _INVALID_ERRORS:
        return InvalidQueryError(detail, system=SYSTEM)
    if code in _GONE_ERRORS:
        return EndpointGoneError(
            f"slack no longer offers {method} ({code}); this connector needs an update", system=SYSTEM
        )
    if code in _RATE_LIMIT_ERRORS:
        return RateLimitedError(f"slack is rate limiting {method}", system=SYSTEM, retry_after=1.0)
    return UpstreamError(detail, system=SYSTEM, status=None)


class SlackPolicy(VendorPolicy):
    """Bearer auth with one token; Slack's ``ok: false`` bodies classified into the error tree.

    Args:
        token: the bot or user token.
        variable: the variable it came from, named when Slack rejects it.
    """

    system = SYSTEM

    def __init__(self, token: str, *, variable: str) -> None:
        self._token = token
        self.credentials_hint = variable

    def __repr__(self) -> str:
        return f"SlackPolicy(variable={self.credentials_hint!r})"

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def classify(self, response: httpx2.Response, body: Json | None) -> ConnectorError | None:
        status = response.status_code
        code = _error_code(body)
        # 5xx stays with the generic rules so that it is retried; on other non-2xx answers only a
        # code we know is more precise than the status.
        if code is None or status == 429 or status >= 500:
            return None
        if not 200 <= status < 300 and code not in _KNOWN_ERRORS:
            return None
        return slack_error(_method_of(response), _obj(body), variable=self.credentials_hint)

    def error_detail(self, response: httpx2.Response, body: Json | None) -> str:
        return _error_code(body) or super().error_detail(response, body)


def _method_of(response: httpx2.Response) -> str:
    return response.request.url.path.rsplit("/", 1)[-1] or "request"


# ---------------------------------------------------------------------------------------------
# Text: Slack mrkdwn to plain text
# ---------------------------------------------------------------------------------------------

_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}\ue000\ue001]")
"""Zero-width, bidi-control and tag characters, plus Slack's search highlight markers."""
_MARKUP = re.compile(r"<([^<>\n]*)>|&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_CHANNEL_REF = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^<>]*))?>")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]+$")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def strip_invisible(text: str) -> str:
    """`text` without zero-width, bidi-control or tag characters, with ``\\n`` line ends."""
    return _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _unescape(text: str) -> str:
    return re.sub(r"&(amp|lt|gt);", lambda m: _ENTITIES[m.group(1)], text)


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
        inner = match.group(1)
        target, _, label = inner.partition("|")
        label = _unescape(label)
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

    return strip_invisible(_MARKUP.sub(replace, text)).strip()


def _mentioned_users(text: str) -> set[str]:
    return {m.group(1) for m in _MENTION.finditer(text) if "|" not in m.group(0)}


def _mentioned_channels(text: str) -> set[str]:
    """Channel ids referenced without a name (``<#C123>`` or the newer ``<#C123|>``)."""
    return {m.group(1) for m in _CHANNEL_REF.finditer(text) if not m.group(2)}


def _blocks_text(blocks: Any) -> str:
    """Text of Block Kit blocks, for messages whose `text` is empty."""
    parts: list[str] = []

    def walk_rich(elements: Any) -> None:
        for element in elements if isinstance(elements, list) else ():
            if not isinstance(element, dict):
                continue
            kind = element.get("type")
            if kind == "text":
                parts.append(str(element.get("text") or ""))
            elif kind == "link":
                url = str(element.get("url") or "")
                label = element.get("text")
                parts.append(f"<{url}|{label}>" if label else f"<{url}>")
            elif kind == "user":
                parts.append(f"<@{element.get('user_id')}>")
            elif kind == "channel":
                parts.append(f"<#{element.get('channel_id')}>")
            elif kind == "emoji":
                parts.append(f":{element.get('name')}:")
            elif kind == "broadcast":
                parts.append(f"<!{element.get('range')}>")
            else:
                walk_rich(element.get("elements"))
                if kind in {"rich_text_section", "rich_text_preformatted", "rich_text_quote"}:
                    parts.append("\n")

    for block in blocks if isinstance(blocks, list) else ():
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind in {"section", "header"}:
            text = block.get("text")
            if isinstance(text, dict) and text.get("text"):
                parts.append(str(text["text"]) + "\n")
            for field in block.get("fields") or ():
                if isinstance(field, dict) and field.get("text"):
                    parts.append(str(field["text"]) + "\n")
        elif kind == "context":
            for element in block.get("elements") or ():
                if isinstance(element, dict) and element.get("text"):
                    parts.append(str(element["text"]) + "\n")
        elif kind == "rich_text":
            walk_rich(block.get("elements"))
    return "".join(parts).strip()


def _raw_text(message: Mapping[str, Any]) -> str:
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        return text
    from_blocks = _blocks_text(message.get("blocks"))
    if from_blocks:
        return from_blocks
    for attachment in message.get("attachments") or ():
        if isinstance(attachment, dict):
            found = attachment.get("text") or attachment.get("fallback")
            if found:
                return str(found)
    return ""


def escape_text(text: str) -> str:
    """Text for posting: ``&``, ``<`` and ``>`` escaped, so it cannot ping ``@channel`` or forge links."""
    cleaned = strip_invisible(text)
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------------------------
# Timestamps and small readers of vendor JSON
# ---------------------------------------------------------------------------------------------

_TS = re.compile(r"^(\d{1,12})(?:\.(\d{1,6}))?$")


def ts_to_datetime(ts: str) -> datetime:
    """A Slack `ts` (``"1700000000.000100"``: epoch seconds with microseconds) as aware UTC.

    Raises:
        ValueError: `ts` is not a Slack timestamp.
    """
    match = _TS.match(ts.strip())
    if match is None:
        raise ValueError(f"not a Slack ts: {ts!r}")
    seconds = int(match.group(1))
    micros = int((match.group(2) or "0").ljust(6, "0"))
    return datetime.fromtimestamp(seconds, UTC) + timedelta(microseconds=micros)


def datetime_to_ts(moment: datetime) -> str:
    """An aware datetime as a Slack `ts` string."""
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return f"{delta.days * 86400 + delta.seconds}.{delta.microseconds:06d}"


def _shape_error(method: str, what: str) -> UpstreamError:
    return UpstreamError(f"slack: {method} returned an unexpected body ({what})", system=SYSTEM)


def _dict(value: Any, method: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _shape_error(method, f"{what} is not an object")
    return value


def _list(value: Any, method: str, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _shape_error(method, f"{what} is not a list")
    return value


def _obj(value: Any) -> dict[str, Any]:
    """`value` when it is an object, else an empty one (for optional nested fields)."""
    return value if isinstance(value, dict) else {}


def _int(value: Any, default: int = 0) -> int:
    """Slack numbers, which now and then arrive as strings or null."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str | float):
        try:
            return int(float(value))
        except ValueError:
            return default
    return default


def _str(value: Any) -> str | None:
    return (
        str(value) if isinstance(value, str | int) and not isinstance(value, bool) and value != "" else None
    )


def _ts_of(message: Mapping[str, Any], method: str) -> str:
    ts = _str(message.get("ts"))
    if ts is None or _TS.match(ts) is None:
        raise _shape_error(method, f"a message has no readable ts ({message.get('ts')!r})")
    return ts


def _next_cursor(body: Mapping[str, Any]) -> str | None:
    meta = body.get("response_metadata")
    cursor = meta.get("next_cursor") if isinstance(meta, dict) else None
    return str(cursor) if cursor else None


def _thread_ts_from_permalink(permalink: str | None) -> str | None:
    if not permalink:
        return None
    values = parse_qs(urlsplit(permalink).query).get("thread_ts")
    return values[0] if values else None


def _channel_key(value: str) -> tuple[str | None, str | None]:
    """(id, name) for a channel given as an id, a name or ``#name``."""
    value = value.strip()
    if _CHANNEL_ID.match(value):
        return value, None
    return None, value.lstrip("#").lower()


# ---------------------------------------------------------------------------------------------
# Directories: channels and users, cached for the life of the connector
# ---------------------------------------------------------------------------------------------


class _Channels:
    """Channel id <-> name, from `conversations.info` (by id) and `conversations.list` (by name)."""

    def __init__(self, api: HttpApi, *, monotonic: Callable[[], float], refresh_after: float = 60.0) -> None:
        self._api = api
        self._monotonic = monotonic
        self._refresh_after = refresh_after
        self._names: dict[str, str] = {}
        self._ids: dict[str, str] = {}
        self._hidden: set[str] = set()
        self._listed_at: float | None = None

    @property
    def names(self) -> Mapping[str, str]:
        return self._names

    def remember(self, channel_id: str, name: str) -> None:
        self._names[channel_id] = name
        self._ids[name.lower()] = channel_id

    async def name_of(self, channel_id: str) -> str:
        """The channel's name. Raises NotFoundError, PermissionDeniedError."""
        if channel_id not in self._names:
            body = await self._api.get(
                "conversations.info", params={"channel": channel_id}, endpoint="conversations.info"
            )
            channel = _dict(
                _dict(body, "conversations.info", "body").get("channel"), "conversations.info", "channel"
            )
            self.remember(channel_id, _str(channel.get("name")) or channel_id)
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

    async def _load(self) -> None:
        cursor: str | None = None
        for _ in range(_MAX_LIST_PAGES):
            body = await self._api.get(
                "conversations.list",
                params={
                    "types": "public_channel,private_channel",
                    "exclude_archived": "true",
                    "limit": _LIST_PAGE_SIZE,
                    "cursor": cursor,
                },
                endpoint="conversations.list",
            )
            body = _dict(body, "conversations.list", "body")
            for channel in _list(body.get("channels"), "conversations.list", "channels"):
                if isinstance(channel, dict) and _str(channel.get("id")) and _str(channel.get("name")):
                    self.remember(str(channel["id"]), str(channel["name"]))
            cursor = _next_cursor(body)
            if cursor is None:
                break
        self._listed_at = self._monotonic()


class _Users:
    """User id -> handle via `users.info`, remembered; unknown or hidden users keep their id."""

    def __init__(self, api: HttpApi) -> None:
        self._api = api
        self._handles: dict[str, str] = {}

    @property
    def handles(self) -> Mapping[str, str]:
        return self._handles

    def remember(self, user_id: str, handle: str) -> None:
        self._handles.setdefault(user_id, handle)

    async def resolve(self, user_ids: Iterable[str]) -> None:
        for user_id in sorted(set(user_ids) - self._handles.keys()):
            try:
                body = await self._api.get("users.info", params={"user": user_id}, endpoint="users.info")
            except (NotFoundError, PermissionDeniedError):
                self._handles[user_id] = user_id
                continue
            user = _dict(_dict(body, "users.info", "body").get("user"), "users.info", "user")
            profile = _obj(user.get("profile"))
            handle = (
                _str(user.get("name")) or _str(profile.get("display_name")) or _str(user.get("real_name"))
            )
            self._handles[user_id] = handle or user_id


# ---------------------------------------------------------------------------------------------
# The connector
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """Which channels a search may return: `in:` names for the query, ids and names to check hits."""

    names: tuple[str, ...]
    ids: frozenset[str]

    def allows(self, channel_id: str, channel_name: str) -> bool:
        return channel_id in self.ids or channel_name.lower() in self.names


@dataclass(frozen=True)
class _SearchWindow:
    kept: list[dict[str, Any]]
    position: int
    more: bool
    total: int | None
    dropped: bool


def _in_window(match: Mapping[str, Any], scope: _Scope | None, since: datetime | None) -> bool:
    found = _obj(match.get("channel"))
    channel_id = _str(found.get("id")) or ""
    channel_name = _str(found.get("name")) or channel_id
    if scope is not None and not scope.allows(channel_id, channel_name):
        return False
    return since is None or ts_to_datetime(_ts_of(match, "search.messages")) >= since


_IN_CLAUSE = re.compile(r"(?<!\S)in:\S+")


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
        self._api = api
        self._search_api = search_api
        self._allow = tuple(dict.fromkeys(c.strip() for c in channels if c.strip().lstrip("#")))
        self._reply_counts = reply_counts
        self._search_page_size = search_page_size
        self._thread_limit = thread_limit
        self._dedupe_window = dedupe_window
        self._clock = clock
        self._owned_client = owned_client
        self._channels = _Channels(api, monotonic=monotonic)
        self._users = _Users(api)
        self._workspace_url: str | None = None
        self._bot_id: str | None = None
        self._posted: dict[tuple[str, str | None, str], WriteReceipt] = {}
        self._post_lock = asyncio.Lock()

    @property
    def allowed_channels(self) -> tuple[str, ...]:
        """The read-scope allowlist as configured (names or ids); empty means unrestricted."""
        return self._allow

    async def check(self) -> None:
        """Call `auth.test` with the bot token, and with the user token when one is configured.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when a token is rejected or Slack fails.
        """
        await self._auth_test()
        if self._search_api is not None:
            await self._search_api.get("auth.test", endpoint="auth.test")

    async def aclose(self) -> None:
        await self._api.aclose()
        if self._search_api is not None:
            await self._search_api.aclose()
        if self._owned_client is not None:
            await self._owned_client.aclose()

    # -- search ---------------------------------------------------------------------------------

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
            "slack-search", query, channel, since.isoformat() if since else None, self._allow
        )
        offset = decode_offset(cursor, fingerprint, system=SYSTEM)
        api = self._require_search_api()
        scope = await self._search_scope(channel)
        text = _search_text(query, scope, since)
        if not text:
            raise InvalidQueryError("slack search needs some text to look for", system=SYSTEM)

        window = await self._search_window(api, text, scope, since, offset=offset, limit=limit)
        items = await self._search_hits(window.kept)
        return Page(
            items=tuple(items),
            next_cursor=encode_cursor(fingerprint, window.position) if window.more else None,
            total=None if window.dropped else window.total,
        )

    async def _search_window(
        self,
        api: HttpApi,
        text: str,
        scope: _Scope | None,
        since: datetime | None,
        *,
        offset: int,
        limit: int,
    ) -> _SearchWindow:
        """Walk Slack's result pages from `offset` until `limit` hits are kept or results run out.

        Positions count Slack's result slots (page size times page number), so a page that Slack
        returns short (it folds near-duplicate hits) never makes us fetch the same page twice.
        """
        size = min(limit, self._search_page_size)
        position = offset
        kept: list[dict[str, Any]] = []
        dropped = False
        total: int | None = None
        for _ in range(_MAX_SEARCH_PAGES_PER_CALL):
            page_number, skip = divmod(position, size)
            page_number += 1
            body = await api.get(
                "search.messages",
                params={
                    "query": text,
                    "count": size,
                    "page": page_number,
                    "sort": "score",
                    "highlight": "false",
                },
                endpoint="search.messages",
            )
            messages = _dict(
                _dict(body, "search.messages", "body").get("messages"), "search.messages", "messages"
            )
            matches = _list(messages.get("matches"), "search.messages", "messages.matches")
            paging = _obj(messages.get("paging"))
            total = _int(paging.get("total"), _int(messages.get("total"), len(matches)))
            last_page = page_number >= _int(paging.get("pages"), page_number) or not matches
            for index in range(skip, len(matches)):
                match = _dict(matches[index], "search.messages", "a match")
                position = (page_number - 1) * size + index + 1
                if _in_window(match, scope, since):
                    kept.append(match)
                else:
                    dropped = True
                if len(kept) == limit and index + 1 < len(matches):
                    return _SearchWindow(kept, position, True, total, dropped)
            position = page_number * size
            if last_page:
                return _SearchWindow(kept, position, False, total, dropped)
            if len(kept) == limit:
                break
        return _SearchWindow(kept, position, True, total, dropped)

    def _require_search_api(self) -> HttpApi:
        if self._search_api is None:
            raise AuthError(
                f"slack message search needs a user token: set {USER_TOKEN_VAR} (xoxp-, scope search:read); "
                f"the bot token in {BOT_TOKEN_VAR} cannot search. Threads can still be read by channel and ts.",
                system=SYSTEM,
            )
        return self._search_api

    async def _search_scope(self, channel: str | None) -> _Scope | None:
        if channel is not None and channel.strip():
            channel_id, name = _channel_key(channel)
            if channel_id is not None:
                name = await self._channels.name_of(channel_id)
            assert name is not None
            if not await self._is_allowed(channel_id, name):
                raise self._outside_scope(channel)
            return _Scope(names=(name.lower(),), ids=frozenset({channel_id} if channel_id else ()))
        if not self._allow:
            return None
        names: list[str] = []
        ids: set[str] = set()
        for entry in self._allow:
            entry_id, entry_name = _channel_key(entry)
            if entry_id is not None:
                ids.add(entry_id)
                try:
                    entry_name = await self._channels.name_of(entry_id)
                except NotFoundError:
                    continue
            assert entry_name is not None
            names.append(entry_name.lower())
        return _Scope(names=tuple(dict.fromkeys(names)), ids=frozenset(ids))

    async def _is_allowed(self, channel_id: str | None, name: str | None) -> bool:
        if not self._allow:
            return True
        for entry in self._allow:
            entry_id, entry_name = _channel_key(entry)
            if entry_id is not None and entry_id == channel_id:
                return True
            if entry_name is not None and name is not None and entry_name == name.lower():
                return True
        if name is None and channel_id is not None and any(_channel_key(e)[1] for e in self._allow):
            return await self._is_allowed(None, await self._channels.name_of(channel_id))
        return False

    def _outside_scope(self, channel: str) -> PermissionDeniedError:
        return PermissionDeniedError(
            f"slack: channel {channel} is outside the configured read scope ({CHANNELS_VAR}); "
            f"allowed: {', '.join(self._allow)}",
            system=SYSTEM,
        )

    async def _search_hits(self, matches: list[dict[str, Any]]) -> list[ChatMessage]:
        for match in matches:
            user_id, handle = _str(match.get("user")), _str(match.get("username"))
            if user_id and handle:
                self._users.remember(user_id, handle)
            found = _obj(match.get("channel"))
            if (channel_id := _str(found.get("id"))) and (name := _str(found.get("name"))):
                self._channels.remember(channel_id, name)
        await self._resolve_references(matches)
        reply_counts = await self._reply_counts_of(matches) if self._reply_counts else {}
        hits: list[ChatMessage] = []
        for match in matches:
            found = _obj(match.get("channel"))
            channel_id = _str(found.get("id")) or ""
            channel_name = _str(found.get("name")) or channel_id
            permalink = _str(match.get("permalink"))
            ts = _ts_of(match, "search.messages")
            thread_ts = _str(match.get("thread_ts")) or _thread_ts_from_permalink(permalink)
            hits.append(
                self._message(
                    match,
                    channel_id=channel_id,
                    channel_name=channel_name,
                    thread_ts=thread_ts,
                    url=permalink,
                    reply_count=reply_counts.get((channel_id, ts), 0),
                    method="search.messages",
                )
            )
        return hits

    async def _reply_counts_of(self, matches: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
        """Reply counts of the hits that may be thread roots (search results lack them)."""
        wanted: list[tuple[str, str]] = []
        for match in matches:
            found = _obj(match.get("channel"))
            channel_id = _str(found.get("id"))
            ts = _ts_of(match, "search.messages")
            thread_ts = _str(match.get("thread_ts")) or _thread_ts_from_permalink(
                _str(match.get("permalink"))
            )
            if channel_id and (thread_ts is None or thread_ts == ts) and not found.get("is_im"):
                wanted.append((channel_id, ts))
        gate = asyncio.Semaphore(_ENRICH_CONCURRENCY)

        async def one(channel_id: str, ts: str) -> int:
            async with gate:
                try:
                    body = await self._api.get(
                        "conversations.history",
                        params={
                            "channel": channel_id,
                            "latest": ts,
                            "oldest": ts,
                            "inclusive": "true",
                            "limit": 1,
                        },
                        endpoint="conversations.history",
                    )
                except (NotFoundError, PermissionDeniedError):
                    return 0  # the bot cannot read that channel: the count stays unknown (0)
            for message in _list(
                _dict(body, "conversations.history", "body").get("messages"),
                "conversations.history",
                "messages",
            ):
                if isinstance(message, dict) and message.get("ts") == ts:
                    return _int(message.get("reply_count"))
            return 0

        results = await asyncio.gather(*(one(c, t) for c, t in wanted), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return {key: count for key, count in zip(wanted, results, strict=True) if isinstance(count, int)}

    # -- threads ----------------------------------------------------------------------------------

    async def get_thread(self, channel_id: str, thread_id: str) -> Thread:
        """The thread whose root message has ts `thread_id` in `channel_id` (an id or a name).

        Reads up to `thread_limit` messages through `conversations.replies`; `has_more` says whether
        the thread goes on.

        Raises:
            NotFoundError: no such channel or thread.
            PermissionDeniedError: the channel is outside `SLACK_CHANNELS`, or the app is not in it.
            ConnectorError: any other failure of the Slack API.
        """
        if _TS.match(thread_id.strip()) is None:
            raise InvalidQueryError(f"slack: {thread_id!r} is not a message ts", system=SYSTEM)
        resolved_id, channel_name = await self._resolve_channel(channel_id)
        if not await self._is_allowed(resolved_id, channel_name):
            raise self._outside_scope(channel_id)
        raw, has_more = await self._replies(resolved_id, thread_id.strip(), self._thread_limit)
        if not raw:
            raise NotFoundError(f"slack: no thread {thread_id} in {channel_id}", system=SYSTEM)
        if channel_name is None:
            channel_name = await self._channels.name_of(resolved_id)
        await self._resolve_references(raw)
        base = await self._permalink_base()
        messages = [
            self._message(
                m,
                channel_id=resolved_id,
                channel_name=channel_name,
                thread_ts=_str(m.get("thread_ts")),
                url=_permalink(
                    base, resolved_id, _ts_of(m, "conversations.replies"), _str(m.get("thread_ts"))
                ),
                reply_count=_int(m.get("reply_count")),
                method="conversations.replies",
            )
            for m in raw
        ]
        return Thread(
            channel_id=resolved_id,
            channel_name=channel_name,
            root=messages[0],
            replies=tuple(messages[1:]),
            has_more=has_more,
        )

    async def _replies(
        self, channel_id: str, ts: str, limit: int, *, metadata: bool = False
    ) -> tuple[list[dict[str, Any]], bool]:
        """Up to `limit` messages of a thread, root first, and whether the thread goes on.

        Each page asks for one message more than still needed: a continuation page may repeat the
        root (deduplicated by ts), and otherwise the extra message tells that more follow.
        """
        seen: set[str] = set()
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            body = await self._api.get(
                "conversations.replies",
                params={
                    "channel": channel_id,
                    "ts": ts,
                    "limit": min(limit - len(found) + 1, 1000),
                    "cursor": cursor,
                    "include_all_metadata": "true" if metadata else None,
                },
                endpoint="conversations.replies",
            )
            body = _dict(body, "conversations.replies", "body")
            for message in _list(body.get("messages"), "conversations.replies", "messages"):
                message = _dict(message, "conversations.replies", "a message")
                message_ts = _ts_of(message, "conversations.replies")
                if message_ts in seen:
                    continue
                if len(found) == limit:
                    return found, True
                seen.add(message_ts)
                found.append(message)
            cursor = _next_cursor(body)
            if cursor is None or body.get("has_more") is False:
                return found, False
            if len(found) == limit:
                return found, True

    async def channel_identity(self, channel: str) -> tuple[str, str]:
        """(id, lower-case name) of a channel given as an id, a name or ``#name``, any case.

        Raises:
            NotFoundError: no such channel that the app can see.
            PermissionDeniedError: the app may not read the channel's details.
        """
        channel_id, name = _channel_key(channel)
        if channel_id is not None:
            return channel_id, (await self._channels.name_of(channel_id)).lower()
        assert name is not None
        return await self._channels.id_of(name), name

    async def _resolve_channel(self, channel: str) -> tuple[str, str | None]:
        channel_id, name = _channel_key(channel)
        if channel_id is not None:
            return channel_id, self._channels.names.get(channel_id)
        assert name is not None
        return await self._channels.id_of(name), name

    # -- posting ----------------------------------------------------------------------------------

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
        if not idempotency_key.strip():
            raise InvalidQueryError("idempotency_key must not be empty", system=SYSTEM)
        if not text.strip():
            raise InvalidQueryError("slack: the message text is empty", system=SYSTEM)
        channel_id, _ = await self._resolve_channel(channel)
        thread_ts = thread_id.strip() if thread_id else None
        key = (channel_id, thread_ts, idempotency_key)
        async with self._post_lock:
            if key in self._posted:
                return self._posted[key].model_copy(update={"created": False})
            earlier = await self._find_posted(channel_id, thread_ts, idempotency_key)
            if earlier is not None:
                receipt = WriteReceipt(
                    ref=await self._message_ref(channel_id, earlier, thread_ts), created=False
                )
                self._posted[key] = receipt
                return receipt
            payload: dict[str, Any] = {
                "channel": channel_id,
                "text": escape_text(text),
                "unfurl_links": False,
                "unfurl_media": False,
                "metadata": {
                    "event_type": METADATA_EVENT_TYPE,
                    "event_payload": {"idempotency_key": idempotency_key},
                },
            }
            if thread_ts is not None:
                payload["thread_ts"] = thread_ts
            body = await self._api.request(
                "POST",
                "chat.postMessage",
                json_body=payload,
                headers={"Content-Type": "application/json; charset=utf-8"},
                endpoint="chat.postMessage",
            )
            body = _dict(body, "chat.postMessage", "body")
            posted_ts = _ts_of(body, "chat.postMessage")
            posted_channel = _str(body.get("channel")) or channel_id
            receipt = WriteReceipt(ref=await self._message_ref(posted_channel, posted_ts, thread_ts))
            self._posted[key] = receipt
            return receipt

    async def _find_posted(self, channel_id: str, thread_ts: str | None, key: str) -> str | None:
        """The ts of an earlier post of this app carrying `key`, in recent history or the thread."""
        await self._permalink_base()
        bot_id = self._bot_id
        if thread_ts is not None:
            replies, _ = await self._replies(channel_id, thread_ts, 1000, metadata=True)
            return _with_key(replies, key, bot_id=bot_id)
        oldest = datetime_to_ts(self._clock() - self._dedupe_window)
        cursor: str | None = None
        for _ in range(_MAX_DEDUPE_PAGES):
            body = await self._api.get(
                "conversations.history",
                params={
                    "channel": channel_id,
                    "oldest": oldest,
                    "limit": _HISTORY_PAGE_SIZE,
                    "include_all_metadata": "true",
                    "cursor": cursor,
                },
                endpoint="conversations.history",
            )
            body = _dict(body, "conversations.history", "body")
            found = _with_key(
                _list(body.get("messages"), "conversations.history", "messages"), key, bot_id=bot_id
            )
            if found is not None:
                return found
            cursor = _next_cursor(body)
            if cursor is None or not body.get("has_more", True):
                return None
        return None

    async def _message_ref(self, channel_id: str, ts: str, thread_ts: str | None) -> Ref:
        base = await self._permalink_base()
        return Ref(system=SYSTEM, id=f"{channel_id}:{ts}", url=_permalink(base, channel_id, ts, thread_ts))

    # -- shared pieces ----------------------------------------------------------------------------

    async def _resolve_references(self, messages: Sequence[Mapping[str, Any]]) -> None:
        """Learn the handles and channel names the messages' authors and mentions refer to."""
        users: set[str] = set()
        channels: set[str] = set()
        for message in messages:
            user_id = _str(message.get("user"))
            if user_id and not _str(message.get("username")) and not _str(message.get("bot_id")):
                users.add(user_id)
            text = _raw_text(message)
            users |= _mentioned_users(text)
            channels |= _mentioned_channels(text)
        await self._users.resolve(users)
        await self._channels.resolve(channels)

    async def _auth_test(self) -> dict[str, Any]:
        body = _dict(await self._api.get("auth.test", endpoint="auth.test"), "auth.test", "body")
        url = _str(body.get("url"))
        if url:
            self._workspace_url = url.rstrip("/") + "/"
        self._bot_id = _str(body.get("bot_id")) or self._bot_id
        return body

    async def _permalink_base(self) -> str | None:
        if self._workspace_url is None:
            await self._auth_test()
        return self._workspace_url

    def _message(
        self,
        message: Mapping[str, Any],
        *,
        channel_id: str,
        channel_name: str,
        thread_ts: str | None,
        url: str | None,
        reply_count: int,
        method: str,
    ) -> ChatMessage:
        ts = _ts_of(message, method)
        text = mrkdwn_to_text(_raw_text(message), users=self._users.handles, channels=self._channels.names)
        return ChatMessage(
            ref=Ref(system=SYSTEM, id=f"{channel_id}:{ts}", url=url),
            id=ts,
            channel_id=channel_id,
            channel_name=channel_name,
            thread_id=thread_ts if thread_ts and thread_ts != ts else None,
            author=self._author(message),
            text=text,
            created_at=ts_to_datetime(ts),
            reply_count=max(reply_count, 0),
        )

    def _author(self, message: Mapping[str, Any]) -> Person:
        bot_profile = _obj(message.get("bot_profile"))
        is_bot = bool(_str(message.get("bot_id"))) or message.get("subtype") == "bot_message"
        user_id = _str(message.get("user"))
        name = (
            _str(message.get("username"))
            or (self._users.handles.get(user_id) if user_id else None)
            or _str(bot_profile.get("name"))
            or user_id
        )
        return Person(name=strip_invisible(name) if name else None, role="bot" if is_bot else None)


def _with_key(messages: Iterable[Any], key: str, *, bot_id: str | None) -> str | None:
    """The ts of the message carrying our metadata with `key`, posted by `bot_id` when known."""
    for message in messages:
        if not isinstance(message, dict):
            continue
        if bot_id is not None and message.get("bot_id") != bot_id:
            continue
        metadata = message.get("metadata")
        if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT_TYPE:
            continue
        payload = metadata.get("event_payload")
        if isinstance(payload, dict) and payload.get("idempotency_key") == key and _str(message.get("ts")):
            return str(message["ts"])
    return None


def _permalink(base: str | None, channel_id: str, ts: str, thread_ts: str | None) -> str | None:
    if base is None:
        return None
    link = f"{base}archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def _search_text(query: str, scope: _Scope | None, since: datetime | None) -> str:
    """The `search.messages` query: the caller's text plus our scope and date clauses."""
    text = " ".join(strip_invisible(query).split())
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


# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------


def _token(settings: Settings, variable: str, *, kind: str, required: bool) -> str | None:
    value = settings.require(variable, purpose=_PURPOSE[variable]) if required else settings.value(variable)
    if value is None:
        return None
    value = value.strip()
    bare = value.removeprefix("xoxe.")
    if not bare.startswith("xox"):
        raise ConfigError(f"{variable} does not look like a Slack token (expected {kind}-...)")
    if variable == USER_TOKEN_VAR and bare.startswith("xoxb-"):
        raise ConfigError(
            f"{USER_TOKEN_VAR} holds a bot token (xoxb-); message search needs a user token (xoxp-) "
            "with the search:read scope"
        )
    return value


_PURPOSE = {
    BOT_TOKEN_VAR: "the Slack chat connector (bot token, xoxb-: reads threads and posts messages)",
    USER_TOKEN_VAR: "Slack message search (user token, xoxp-)",
}


def from_settings(
    settings: Settings, category: Category, *, client: httpx2.AsyncClient | None = None
) -> SlackChat:
    """The Slack chat connector configured by the ``SLACK_*`` variables.

    Args:
        settings: the loaded settings.
        category: must be ``chat``.
        client: an HTTP client to use (tests pass one over the fake); created when omitted.

    Raises:
        ConfigError: wrong category, a missing or malformed token, or a bad ``SLACK_BASE_URL``.
    """
    if category != "chat":
        raise ConfigError(f"slack can serve only the chat category, not {category}")
    bot_token = _token(settings, BOT_TOKEN_VAR, kind="xoxb", required=True)
    assert bot_token is not None
    user_token = _token(settings, USER_TOKEN_VAR, kind="xoxp", required=False)
    base_url = check_base_url(settings.value(BASE_URL_VAR) or DEFAULT_BASE_URL, variable=BASE_URL_VAR)
    channels = split_list(settings.value(CHANNELS_VAR))
    reply_counts = settings.flag(REPLY_COUNTS_VAR, True)

    owned = None
    if client is None:
        owned = client = httpx2.AsyncClient(timeout=DEFAULT_TIMEOUT, limits=DEFAULT_LIMITS)
    api = HttpApi(SlackPolicy(bot_token, variable=BOT_TOKEN_VAR), base_url=base_url, client=client)
    search_api = (
        HttpApi(SlackPolicy(user_token, variable=USER_TOKEN_VAR), base_url=base_url, client=client)
        if user_token
        else None
    )
    return SlackChat(
        api, search_api=search_api, channels=channels, reply_counts=reply_counts, owned_client=owned
    )


__all__ = [
    "BOT_TOKEN_VAR",
    "CHANNELS_VAR",
    "DEFAULT_BASE_URL",
    "METADATA_EVENT_TYPE",
    "REPLY_COUNTS_VAR",
    "USER_TOKEN_VAR",
    "SlackChat",
    "SlackPolicy",
    "datetime_to_ts",
    "escape_text",
    "from_settings",
    "mrkdwn_to_text",
    "slack_error",
    "strip_invisible",
    "ts_to_datetime",
]
