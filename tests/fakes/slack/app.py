"""The fake Slack workspace: a Starlette app answering at ``/api/<method>``."""

from __future__ import annotations

import json
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import ChatMessage, Dataset

from .search import search_answer
from .wire import (
    APP_ID,
    BOT_HANDLE,
    BOT_ID,
    BOT_SCOPES,
    BOT_TOKEN,
    BOT_USER_ID,
    NEEDS,
    RETIRED_METHODS,
    TEAM_ID,
    USER_SCOPES,
    USER_TOKEN,
    bearer_token,
    channel_object,
    count_reply,
    cursor_for,
    escape,
    handle_for,
    message_view,
    offset_of,
    read_params,
    to_ts,
    truthy,
    user_object,
)


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
            self.channels[channel.id] = channel_object(channel, index)
            self.messages[channel.id] = []
        used: set[tuple[str, str]] = set()
        ordered = sorted(dataset.messages, key=lambda m: (m.created_at, m.id))
        for message in ordered:
            ts = to_ts(message.created_at)
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

    def _add_user(self, user_id: str, handle: str, real_name: str, *, is_bot: bool = False) -> None:
        self.users[user_id] = user_object(user_id, handle, real_name, is_bot=is_bot)

    def _user_for(self, name: str | None) -> str:
        name = name or "unknown"
        for user_id, user in self.users.items():
            if user["real_name"] == name:
                return user_id
        user_id = f"U{len(self.users):08d}"
        self._add_user(user_id, handle_for(name), name)
        return user_id

    def _seed_message(self, message: ChatMessage) -> None:
        ts = self._ts_by_id[(message.channel_id, message.id)]
        raw: dict[str, Any] = {
            "type": "message",
            "user": self._user_for(message.author.name),
            "text": escape(message.text),
            "ts": ts,
            "team": TEAM_ID,
        }
        if message.thread_id and message.thread_id != message.id:
            root_ts = self._ts_by_id[(message.channel_id, message.thread_id)]
            root = self._find(message.channel_id, root_ts)
            assert root is not None, "replies must come after their root"
            raw["thread_ts"] = root_ts
            raw["parent_user_id"] = root["user"]
            count_reply(root, raw)
        self.messages[message.channel_id].append(raw)

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

    def permalink(self, channel_id: str, message: dict[str, Any]) -> str:
        link = f"https://{self.team_domain}.slack.com/archives/{channel_id}/p{message['ts'].replace('.', '')}"
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != message["ts"]:
            link += f"?thread_ts={thread_ts}&cid={channel_id}"
        return link

    @staticmethod
    def _ok(payload: dict[str, Any]) -> JSONResponse:
        return JSONResponse({"ok": True, **payload})

    @staticmethod
    def _error(code: str, **extra: Any) -> JSONResponse:
        return JSONResponse({"ok": False, "error": code, **extra})

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
        params, body = await read_params(request)
        token = bearer_token(request, params)
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
        needed = NEEDS.get(method)
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
        if not truthy(params.get("include_num_members")):
            channel = {k: v for k, v in channel.items() if k != "num_members"}
        return self._ok({"channel": channel})

    def _m_conversations_list(self, params: dict[str, Any], kind: str) -> Response:
        limit = min(max(int(params.get("limit") or 100), 1), 1000)
        if self.list_page_cap is not None:
            limit = min(limit, self.list_page_cap)
        start = offset_of(params.get("cursor"))
        if start is None:
            return self._error("invalid_cursor")
        visible = [
            c
            for c in self.channels.values()
            if not (truthy(params.get("exclude_archived")) and c["is_archived"])
            and not (kind == "bot" and c["is_private"] and c["id"] in self.bot_not_in)
        ]
        page = visible[start : start + limit]
        following = start + limit
        return self._ok(
            {
                "channels": page,
                "response_metadata": {
                    "next_cursor": cursor_for(following) if following < len(visible) else ""
                },
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
        inclusive = truthy(params.get("inclusive"))
        limit = min(max(int(params.get("limit") or 100), 1), 999)
        start = offset_of(params.get("cursor"))
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
        metadata = truthy(params.get("include_all_metadata"))
        payload: dict[str, Any] = {
            "messages": [message_view(m, metadata=metadata) for m in page],
            "has_more": has_more,
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }
        if has_more:
            payload["response_metadata"] = {"next_cursor": cursor_for(start + limit)}
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
        start = offset_of(params.get("cursor"))
        if start is None:
            return self._error("invalid_cursor")
        everything = [thread.root, *thread.replies]
        page = everything[start : start + limit]
        if start > 0 and self.repeat_thread_root:
            page = [thread.root, *page]
        has_more = start + limit < len(everything)
        metadata = truthy(params.get("include_all_metadata"))
        payload: dict[str, Any] = {
            "messages": [message_view(m, metadata=metadata) for m in page],
            "has_more": has_more,
        }
        if has_more:
            payload["response_metadata"] = {"next_cursor": cursor_for(start + limit)}
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
        if self._now is not None and float(to_ts(self._now())) > latest:
            ts = to_ts(self._now())
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
            count_reply(root, message)
        self.messages[channel_id].append(message)
        return self._ok({"channel": channel_id, "ts": ts, "message": message})

    def _m_search_messages(self, params: dict[str, Any], kind: str) -> Response:
        query = str(params.get("query") or "").strip()
        if not query:
            return self._error("no_query")
        return self._ok(search_answer(self, query, params))


__all__ = ["Call", "SlackFake"]
