"""Slack's wire objects as the fake serves them: constants, ids, cursors, and channel and user objects.

Shapes follow the Web API documentation; `tests/connectors/test_slack_fixtures.py` checks them against
the hand-written fixtures in ``tests/fixtures/vendors/slack``.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from customer_escalation.connectors.records import Channel

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
NEEDS: dict[str, str] = {
    "search.messages": "search:read",
    "conversations.history": "channels:history",
    "conversations.replies": "channels:history",
    "conversations.list": "channels:read",
    "conversations.info": "channels:read",
    "users.info": "users:read",
    "chat.postMessage": "chat:write",
}
"""The scope each method needs."""
HIGHLIGHT_START, HIGHLIGHT_END = "\ue000", "\ue001"


def to_ts(moment: datetime) -> str:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return f"{delta.days * 86400 + delta.seconds}.{delta.microseconds:06d}"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cursor_for(offset: int) -> str:
    return base64.b64encode(f"next_ts:{offset}".encode()).decode()


def offset_of(cursor: str | None) -> int | None:
    """None for a cursor Slack would reject."""
    if not cursor:
        return 0
    try:
        prefix, _, number = base64.b64decode(cursor, validate=True).decode().partition(":")
        return int(number) if prefix == "next_ts" else None
    except (ValueError, UnicodeDecodeError):
        return None


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"1", "true"}


def handle_for(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", ".", name.lower()).strip(".") or "user"


def channel_object(channel: Channel, index: int, *, with_members: bool = True) -> dict[str, Any]:
    """A conversation object; `conversations.info` leaves `num_members` out unless asked for it."""
    shared = channel.kind == "shared"
    found: dict[str, Any] = {
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
    if not with_members:
        del found["num_members"]
    return found


def user_object(user_id: str, handle: str, real_name: str, *, is_bot: bool = False) -> dict[str, Any]:
    """A user object as `users.info` returns it."""
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": handle,
        "deleted": False,
        "color": "9f69e7",
        "real_name": real_name,
        "tz": "Etc/UTC",
        "tz_label": "Coordinated Universal Time",
        "tz_offset": 0,
        "profile": {
            "avatar_hash": f"g{user_id.lower()}",
            "status_text": "",
            "status_emoji": "",
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": "" if is_bot else real_name,
            "display_name_normalized": "" if is_bot else real_name,
            "email": None,
            "image_72": f"https://avatars.example.invalid/{user_id}_72.png",
            "team": TEAM_ID,
        },
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": 1_700_000_000,
        "has_2fa": False,
    }


def count_reply(root: dict[str, Any], reply: dict[str, Any]) -> None:
    """Update a thread root's reply fields for one more `reply`."""
    root["thread_ts"] = root["ts"]
    root["reply_count"] = root.get("reply_count", 0) + 1
    users = root.setdefault("reply_users", [])
    if reply["user"] not in users:
        users.append(reply["user"])
    root["reply_users_count"] = len(users)
    root["latest_reply"] = reply["ts"]
    root.setdefault("is_locked", False)
    root.setdefault("subscribed", False)


def message_view(message: dict[str, Any], *, metadata: bool) -> dict[str, Any]:
    """A stored message as history and replies show it: metadata only when asked for."""
    view = {k: v for k, v in message.items() if k != "metadata"}
    if metadata and "metadata" in message:
        view["metadata"] = message["metadata"]
    return view


async def read_params(request: Request) -> tuple[dict[str, Any], Any]:
    """The request's arguments (query, form or JSON body merged) and its JSON body, if any."""
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


def bearer_token(request: Request, params: dict[str, Any]) -> str | None:
    """The token of the Authorization header, else of the ``token`` argument."""
    header = request.headers.get("authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip()
    token = params.get("token")
    return str(token) if token else None
