"""A fake Slack Web API, built from a `Dataset`.

A Starlette app answering at Slack's real paths (``/api/<method>``) with Slack's JSON shapes and
habits: errors as HTTP 200 ``{"ok": false, "error": ...}`` (``missing_scope`` with
``needed``/``provided``), bearer tokens checked per method (search only with a user token),
``search.messages`` with its own query syntax subset (words, quoted phrases, ``in:``, ``-in:``,
``from:``, ``after:``, ``before:``, ``on:``, ``is:thread``) and page/count paging, cursor paging
elsewhere (``next_cursor`` ``""`` at the end of a listing, ``response_metadata`` left out on the last
page of history), and HTTP 429 with ``Retry-After``. Whether Slack repeats a thread's root on every
page of ``conversations.replies`` is not documented; `repeat_thread_root` (on by default) takes the
harder case.

Writes are kept: a posted message (with its metadata) shows up in later history, replies and search.
Fault knobs: `throttle_next`, `rate_limit_per_second`, `fail_next`, `malformed_next`,
`force_status`, `revoked`, `gone_methods` (the retired ``channels.*`` methods always answer 410),
`bot_not_in`, and the token scopes.
"""

from __future__ import annotations

import base64
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Channel, ChatMessage, Dataset

BOT_TOKEN = "xoxb-1111-fake-bot"
USER_TOKEN = "xoxp-2222-fake-user"
TEAM_ID = "T0FAKE001"
BOT_USER_ID = "UBOT00001"
BOT_ID = "B00000001"
APP_ID = "A00000001"
BOT_HANDLE = "escalation-bot"

BOT_SCOPES = frozenset(
    {"channels:history", "groups:history", "channels:read", "groups:read", "chat:write", "users:read"}
)
USER_SCOPES = frozenset({"search:read"})
RETIRED_METHODS = frozenset({"channels.history", "channels.list", "channels.replies", "groups.history"})
_NEEDS: dict[str, str] = {
    "search.messages": "search:read",
    "conversations.history": "channels:history",
    "conversations.replies": "channels:history",
    "conversations.list": "channels:read",
    "conversations.info": "channels:read",
    "users.info": "users:read",
    "chat.postMessage": "chat:write",
}
"""The scope each method needs."""
_HIGHLIGHT_START, _HIGHLIGHT_END = "\ue000", "\ue001"


@dataclass
class Call:
    """One request the fake received."""

    method: str
    """The Web API method, e.g. ``search.messages``."""
    http_method: str
    params: dict[str, Any]
    """Query parameters, merged with the form or JSON body."""
    token: str | None
    json_body: Any = None


@dataclass
class _Thread:
    root: dict[str, Any]
    replies: list[dict[str, Any]] = field(default_factory=list)


def _ts(moment: datetime) -> str:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return f"{delta.days * 86400 + delta.seconds}.{delta.microseconds:06d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _cursor(offset: int) -> str:
    return base64.b64encode(f"next_ts:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int | None:
    """None for a cursor Slack would reject."""
    if not cursor:
        return 0
    try:
        prefix, _, number = base64.b64decode(cursor, validate=True).decode().partition(":")
        return int(number) if prefix == "next_ts" else None
    except (ValueError, UnicodeDecodeError):
        return None


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"1", "true"}


def _handle(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", ".", name.lower()).strip(".") or "user"


class SlackFake:
    """The fake Slack workspace. Drive it with ``httpx2.ASGITransport(app=fake.app)``.

    Args:
        dataset: channels and messages to serve (message ts are derived from `created_at`).
        team_domain: the workspace's subdomain, used in permalinks.
        clock: monotonic seconds, for `rate_limit_per_second` (tests pass their fake clock).
        now: wall-clock time for stamping posted messages; by default one second after the newest.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        team_domain: str = "acme",
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.team_domain = team_domain
        self.calls: list[Call] = []
        self.throttle_next = 0
        """The next N requests get HTTP 429."""
        self.retry_after = 1
        """`Retry-After` seconds on a 429."""
        self.rate_limit_per_second: int | None = None
        self.fail_next = 0
        """The next N requests get HTTP 503."""
        self.malformed_next = 0
        """The next N requests get a truncated JSON body."""
        self.force_status: int | None = None
        """Every request gets this HTTP status (401, 403, 404...)."""
        self.revoked = False
        """Every token is rejected with ``invalid_auth``."""
        self.gone_methods: set[str] = set()
        """Methods answering HTTP 410, besides the retired ``channels.*`` ones."""
        self.bot_not_in: set[str] = set()
        """Channel ids the bot is not a member of."""
        self.bot_scopes: set[str] = set(BOT_SCOPES)
        self.user_scopes: set[str] = set(USER_SCOPES)
        self.repeat_thread_root = True
        """Continuation pages of ``conversations.replies`` start with the root again."""
        self.replies_page_cap: int | None = None
        """Most messages per ``conversations.replies`` page, whatever `limit` asks."""
        self.list_page_cap: int | None = None
        """Most channels per ``conversations.list`` page, whatever `limit` asks (Slack pages short)."""
        self._clock = clock
        self._now = now
        self._recent: deque[float] = deque()
        self.channels: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self._ts_by_id: dict[tuple[str, str], str] = {}
        self._load(dataset)
        self.app = Starlette(routes=[Route("/api/{method}", self._dispatch, methods=["GET", "POST"])])

    # -- seeding ----------------------------------------------------------------------------------

    def _load(self, dataset: Dataset) -> None:
        self._add_user(BOT_USER_ID, BOT_HANDLE, "Escalation Bot", is_bot=True)
        for index, channel in enumerate(dataset.channels):
            self.channels[channel.id] = self._channel_object(channel, index)
            self.messages[channel.id] = []
        used: set[tuple[str, str]] = set()
        ordered = sorted(dataset.messages, key=lambda m: (m.created_at, m.id))
        for message in ordered:
            ts = _ts(message.created_at)
            while (message.channel_id, ts) in used:  # two messages in the same microsecond
                seconds, micros = ts.split(".")
                ts = (
                    f"{seconds}.{int(micros) + 1:06d}"
                    if int(micros) < 999_999
                    else f"{int(seconds) + 1}.000000"
                )
            used.add((message.channel_id, ts))
            self._ts_by_id[(message.channel_id, message.id)] = ts
        for message in ordered:
            self._seed_message(message)

    def _channel_object(self, channel: Channel, index: int) -> dict[str, Any]:
        shared = channel.kind == "shared"
        return {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": False,
            "is_archived": False,
            "is_general": index == 0,
            "is_shared": shared,
            "is_ext_shared": shared,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "is_member": True,
            "created": 1_600_000_000 + index,
            "creator": BOT_USER_ID,
            "unlinked": 0,
            "num_members": 4,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
        }

    def _add_user(self, user_id: str, handle: str, real_name: str, *, is_bot: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": handle,
            "deleted": False,
            "real_name": real_name,
            "tz": "Etc/UTC",
            "is_bot": is_bot,
            "is_admin": False,
            "is_restricted": False,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": "" if is_bot else real_name,
                "display_name_normalized": "" if is_bot else real_name,
                "email": None,
                "team": TEAM_ID,
            },
        }

    def _user_for(self, name: str | None) -> str:
        name = name or "unknown"
        for user_id, user in self.users.items():
            if user["real_name"] == name:
                return user_id
        user_id = f"U{len(self.users):08d}"
        self._add_user(user_id, _handle(name), name)
        return user_id

    def _seed_message(self, message: ChatMessage) -> None:
        ts = self._ts_by_id[(message.channel_id, message.id)]
        raw: dict[str, Any] = {
            "type": "message",
            "user": self._user_for(message.author.name),
            "text": _escape(message.text),
            "ts": ts,
            "team": TEAM_ID,
        }
        if message.thread_id and message.thread_id != message.id:
            root_ts = self._ts_by_id[(message.channel_id, message.thread_id)]
            root = self._find(message.channel_id, root_ts)
            assert root is not None, "replies must come after their root"
            raw["thread_ts"] = root_ts
            raw["parent_user_id"] = root["user"]
            self._count_reply(root, raw)
        self.messages[message.channel_id].append(raw)

    def _count_reply(self, root: dict[str, Any], reply: dict[str, Any]) -> None:
        root["thread_ts"] = root["ts"]
        root["reply_count"] = root.get("reply_count", 0) + 1
        users = root.setdefault("reply_users", [])
        if reply["user"] not in users:
            users.append(reply["user"])
        root["reply_users_count"] = len(users)
        root["latest_reply"] = reply["ts"]
        root.setdefault("is_locked", False)
        root.setdefault("subscribed", False)

    # -- helpers for tests --------------------------------------------------------------------------

    def ts_of(self, channel_id: str, message_id: str) -> str:
        """The ts the fake gave the dataset message `message_id`."""
        return self._ts_by_id[(channel_id, message_id)]

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def add_message(self, channel_id: str, raw: dict[str, Any]) -> None:
        """Store a raw Slack message object as is (tests use it for odd shapes)."""
        self.messages[channel_id].append(raw)
        self.messages[channel_id].sort(key=lambda m: float(m["ts"]))

    # -- plumbing ---------------------------------------------------------------------------------

    def _find(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages.get(channel_id, []) if m["ts"] == ts), None)

    def _thread(self, channel_id: str, ts: str) -> _Thread | None:
        message = self._find(channel_id, ts)
        if message is None:
            return None
        root_ts = message.get("thread_ts") or message["ts"]
        root = self._find(channel_id, root_ts) or message
        replies = [
            m for m in self.messages[channel_id] if m.get("thread_ts") == root_ts and m["ts"] != root_ts
        ]
        return _Thread(root=root, replies=sorted(replies, key=lambda m: float(m["ts"])))

    def _permalink(self, channel_id: str, message: dict[str, Any]) -> str:
        link = f"https://{self.team_domain}.slack.com/archives/{channel_id}/p{message['ts'].replace('.', '')}"
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != message["ts"]:
            link += f"?thread_ts={thread_ts}&cid={channel_id}"
        return link

    def _view(self, message: dict[str, Any], *, metadata: bool) -> dict[str, Any]:
        view = {k: v for k, v in message.items() if k != "metadata"}
        if metadata and "metadata" in message:
            view["metadata"] = message["metadata"]
        return view

    @staticmethod
    def _ok(payload: dict[str, Any]) -> JSONResponse:
        return JSONResponse({"ok": True, **payload})

    @staticmethod
    def _error(code: str, **extra: Any) -> JSONResponse:
        return JSONResponse({"ok": False, "error": code, **extra})

    async def _params(self, request: Request) -> tuple[dict[str, Any], Any]:
        params: dict[str, Any] = dict(request.query_params)
        body: Any = None
        if request.method == "POST":
            content_type = request.headers.get("content-type", "")
            if content_type.startswith("application/json"):
                try:
                    body = json.loads(await request.body() or b"null")
                except ValueError:
                    body = None
                if isinstance(body, dict):
                    params.update(body)
            else:
                params.update(dict(await request.form()))
        return params, body

    def _token(self, request: Request, params: dict[str, Any]) -> str | None:
        header = request.headers.get("authorization", "")
        if header.startswith("Bearer "):
            return header.removeprefix("Bearer ").strip()
        token = params.get("token")
        return str(token) if token else None

    def _throttled(self) -> Response | None:
        headers = {"Retry-After": str(self.retry_after)}
        if self.throttle_next > 0:
            self.throttle_next -= 1
            return JSONResponse({"ok": False, "error": "ratelimited"}, status_code=429, headers=headers)
        if self.rate_limit_per_second is None:
            return None
        now = self._clock()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.rate_limit_per_second:
            wait = max(1, math.ceil(self._recent[0] + 1.0 - now))
            return JSONResponse(
                {"ok": False, "error": "ratelimited"}, status_code=429, headers={"Retry-After": str(wait)}
            )
        self._recent.append(now)
        return None

    async def _dispatch(self, request: Request) -> Response:
        method = request.path_params["method"]
        params, body = await self._params(request)
        token = self._token(request, params)
        self.calls.append(Call(method, request.method, params, token, body))

        if method in RETIRED_METHODS or method in self.gone_methods:
            return JSONResponse({"ok": False, "error": "method_deprecated"}, status_code=410)
        if (limited := self._throttled()) is not None:
            return limited
        if self.fail_next > 0:
            self.fail_next -= 1
            return PlainTextResponse(
                "<html><body><h1>503 Service Unavailable</h1></body></html>", status_code=503
            )
        if self.malformed_next > 0:
            self.malformed_next -= 1
            return Response('{"ok": true, "messages": [{"ts": "17', media_type="application/json")
        if self.force_status is not None:
            return self._forced(self.force_status)

        if token is None:
            return self._error("not_authed")
        if self.revoked or token not in {BOT_TOKEN, USER_TOKEN}:
            return self._error("invalid_auth")
        kind = "bot" if token == BOT_TOKEN else "user"
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return JSONResponse({"ok": False, "error": "unknown_method"}, status_code=404)
        denied = self._scope_check(method, kind)
        if denied is not None:
            return denied
        response: Response = handler(params, kind)
        return response

    def _forced(self, status: int) -> Response:
        if status == 401:
            return JSONResponse({"ok": False, "error": "invalid_auth"}, status_code=401)
        if status == 403:
            return JSONResponse({"ok": False, "error": "access_denied"}, status_code=403)
        return PlainTextResponse(f"HTTP {status}", status_code=status)

    def _scope_check(self, method: str, kind: str) -> Response | None:
        if method == "search.messages" and kind == "bot":
            return self._error("not_allowed_token_type")
        needed = _NEEDS.get(method)
        scopes = self.bot_scopes if kind == "bot" else self.user_scopes
        if needed is not None and needed not in scopes:
            return self._error("missing_scope", needed=needed, provided=",".join(sorted(scopes)))
        return None

    def _readable(self, params: dict[str, Any], kind: str) -> tuple[str | None, Response | None]:
        channel_id = str(params.get("channel") or "")
        if channel_id not in self.channels:
            return None, self._error("channel_not_found")
        if kind == "bot" and channel_id in self.bot_not_in:
            return None, self._error("not_in_channel")
        return channel_id, None

    # -- methods ----------------------------------------------------------------------------------

    def _m_auth_test(self, params: dict[str, Any], kind: str) -> Response:
        user_id = BOT_USER_ID if kind == "bot" else next(u for u in self.users if u != BOT_USER_ID)
        payload = {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": "Acme",
            "user": self.users[user_id]["name"],
            "team_id": TEAM_ID,
            "user_id": user_id,
            "is_enterprise_install": False,
        }
        if kind == "bot":
            payload["bot_id"] = BOT_ID
        return self._ok(payload)

    def _m_users_info(self, params: dict[str, Any], kind: str) -> Response:
        user = self.users.get(str(params.get("user") or ""))
        if user is None:
            return self._error("user_not_found")
        return self._ok({"user": user})

    def _m_conversations_info(self, params: dict[str, Any], kind: str) -> Response:
        channel = self.channels.get(str(params.get("channel") or ""))
        if channel is None:
            return self._error("channel_not_found")
        return self._ok({"channel": channel})

    def _m_conversations_list(self, params: dict[str, Any], kind: str) -> Response:
        limit = min(max(int(params.get("limit") or 100), 1), 1000)
        if self.list_page_cap is not None:
            limit = min(limit, self.list_page_cap)
        start = _offset(params.get("cursor"))
        if start is None:
            return self._error("invalid_cursor")
        visible = [
            c
            for c in self.channels.values()
            if not (_truthy(params.get("exclude_archived")) and c["is_archived"])
            and not (kind == "bot" and c["is_private"] and c["id"] in self.bot_not_in)
        ]
        page = visible[start : start + limit]
        following = start + limit
        return self._ok(
            {
                "channels": page,
                "response_metadata": {"next_cursor": _cursor(following) if following < len(visible) else ""},
            }
        )

    def _m_conversations_history(self, params: dict[str, Any], kind: str) -> Response:
        channel_id, denied = self._readable(params, kind)
        if denied is not None:
            return denied
        assert channel_id is not None
        try:
            oldest = float(params.get("oldest") or 0)
            latest = float(params.get("latest") or time.time() + 10 * 365 * 86400)
        except ValueError:
            return self._error("invalid_ts_oldest")
        inclusive = _truthy(params.get("inclusive"))
        limit = min(max(int(params.get("limit") or 100), 1), 999)
        start = _offset(params.get("cursor"))
        if start is None:
            return self._error("invalid_cursor")

        def in_range(ts: float) -> bool:
            if inclusive:
                return oldest <= ts <= latest
            return oldest < ts < latest

        top_level = [
            m
            for m in self.messages[channel_id]
            if (m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast")
            and in_range(float(m["ts"]))
        ]
        top_level.sort(key=lambda m: float(m["ts"]), reverse=True)
        page = top_level[start : start + limit]
        has_more = start + limit < len(top_level)
        metadata = _truthy(params.get("include_all_metadata"))
        payload: dict[str, Any] = {
            "messages": [self._view(m, metadata=metadata) for m in page],
            "has_more": has_more,
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }
        if has_more:
            payload["response_metadata"] = {"next_cursor": _cursor(start + limit)}
        return self._ok(payload)

    def _m_conversations_replies(self, params: dict[str, Any], kind: str) -> Response:
        channel_id, denied = self._readable(params, kind)
        if denied is not None:
            return denied
        assert channel_id is not None
        thread = self._thread(channel_id, str(params.get("ts") or ""))
        if thread is None:
            return self._error("thread_not_found")
        limit = min(max(int(params.get("limit") or 1000), 1), 1000, self.replies_page_cap or 1000)
        start = _offset(params.get("cursor"))
        if start is None:
            return self._error("invalid_cursor")
        everything = [thread.root, *thread.replies]
        page = everything[start : start + limit]
        if start > 0 and self.repeat_thread_root:
            page = [thread.root, *page]
        has_more = start + limit < len(everything)
        metadata = _truthy(params.get("include_all_metadata"))
        payload: dict[str, Any] = {
            "messages": [self._view(m, metadata=metadata) for m in page],
            "has_more": has_more,
        }
        if has_more:
            payload["response_metadata"] = {"next_cursor": _cursor(start + limit)}
        return self._ok(payload)

    def _m_chat_postMessage(self, params: dict[str, Any], kind: str) -> Response:
        channel_ref = str(params.get("channel") or "")
        channel_id = channel_ref
        if channel_ref not in self.channels:
            name = channel_ref.lstrip("#")
            channel_id = next((c["id"] for c in self.channels.values() if c["name"] == name), "")
        if channel_id not in self.channels:
            return self._error("channel_not_found")
        if kind == "bot" and channel_id in self.bot_not_in:
            return self._error("not_in_channel")
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            return self._error("no_text")
        if len(text) > 40_000:
            return self._error("msg_too_long")
        metadata = params.get("metadata")
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except ValueError:
                return self._error("invalid_metadata_format")
        if metadata is not None and (
            not isinstance(metadata, dict)
            or not isinstance(metadata.get("event_type"), str)
            or not isinstance(metadata.get("event_payload"), dict)
        ):
            return self._error("invalid_metadata_format")
        thread_ts = params.get("thread_ts")
        root = None
        if thread_ts:
            root = self._find(channel_id, str(thread_ts))
            if root is None:
                return self._error("thread_not_found")
        latest = max((float(m["ts"]) for ms in self.messages.values() for m in ms), default=1_700_000_000.0)
        ts = f"{latest + 1:.6f}"
        if self._now is not None and float(_ts(self._now())) > latest:
            ts = _ts(self._now())
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": text,
            "ts": ts,
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "username": BOT_HANDLE,
            "bot_profile": {
                "id": BOT_ID,
                "app_id": APP_ID,
                "name": BOT_HANDLE,
                "deleted": False,
                "team_id": TEAM_ID,
            },
        }
        if metadata is not None:
            message["metadata"] = metadata
        if root is not None:
            root_ts = root.get("thread_ts") or root["ts"]
            root = self._find(channel_id, root_ts) or root
            message["thread_ts"] = root_ts
            message["parent_user_id"] = root["user"]
            self._count_reply(root, message)
        self.messages[channel_id].append(message)
        return self._ok({"channel": channel_id, "ts": ts, "message": message})

    def _m_search_messages(self, params: dict[str, Any], kind: str) -> Response:
        query = str(params.get("query") or "").strip()
        if not query:
            return self._error("no_query")
        count = min(max(int(params.get("count") or 20), 1), 100)
        page = max(int(params.get("page") or 1), 1)
        search = _SearchQuery.parse(query, self)
        hits: list[tuple[float, str, dict[str, Any]]] = []
        for channel_id, messages in self.messages.items():
            for message in messages:
                score = search.score(channel_id, message, self)
                if score is not None:
                    hits.append((score, channel_id, message))
        if params.get("sort") == "timestamp":
            hits.sort(key=lambda h: float(h[2]["ts"]), reverse=params.get("sort_dir", "desc") != "asc")
        else:
            hits.sort(key=lambda h: (h[0], float(h[2]["ts"])), reverse=True)
        total = len(hits)
        pages = math.ceil(total / count)
        window = hits[(page - 1) * count : page * count]
        highlight = _truthy(params.get("highlight"))
        matches = [self._match(channel_id, m, score, search, highlight) for score, channel_id, m in window]
        return self._ok(
            {
                "query": query,
                "messages": {
                    "matches": matches,
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
        )

    def _match(
        self, channel_id: str, message: dict[str, Any], score: float, search: _SearchQuery, highlight: bool
    ) -> dict[str, Any]:
        channel = self.channels[channel_id]
        user_id = message.get("user") or ""
        text = message.get("text") or ""
        if highlight:
            text = search.highlight(text)
        return {
            "iid": f"{channel_id}-{message['ts']}",
            "team": TEAM_ID,
            "score": score,
            "channel": {
                k: channel[k]
                for k in (
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
            },
            "type": "message",
            # Bot posts come back with an empty user and the bot's name, as in Slack's own example.
            "user": "" if message.get("bot_id") else user_id,
            "username": message.get("username") or self.users.get(user_id, {}).get("name", ""),
            "ts": message["ts"],
            "text": text,
            "permalink": self._permalink(channel_id, message),
            "no_reactions": True,
        }


@dataclass
class _SearchQuery:
    """The subset of Slack's search syntax the fake understands."""

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
    def parse(cls, query: str, fake: SlackFake) -> _SearchQuery:
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
        text = _unescape(message.get("text") or "").lower()
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
                re.escape(term), lambda m: f"{_HIGHLIGHT_START}{m.group(0)}{_HIGHLIGHT_END}", text, flags=re.I
            )
        return text


__all__ = ["BOT_TOKEN", "RETIRED_METHODS", "USER_TOKEN", "Call", "SlackFake"]
