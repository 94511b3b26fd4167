"""Notion's JSON as the Notion fake sends it: ids, timestamps, rich text, blocks, pages, lists and
error bodies (``{"object": "error", "status", "code", "message", "request_id"}``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.responses import JSONResponse

BOT_USER = "5f1c2a9e-7d3b-4c8e-9a61-2b4f0d8e7c10"
_NAMESPACE = uuid.UUID("2b7e9c1a-4f3d-4a8b-9e2c-6d1f0a5b3c7e")

_CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "restricted_resource",
    404: "object_not_found",
    409: "conflict_error",
    429: "rate_limited",
    500: "internal_server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
    529: "service_overload",
}


def make_id(name: str) -> str:
    """A stable dashed UUID for `name`, as Notion ids look."""
    return str(uuid.uuid5(_NAMESPACE, name))


DATABASE = make_id("database:Knowledge base")
DATA_SOURCE = make_id("data_source:Knowledge base")


def request_id(seed: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"request-{seed}"))


def notion_time(moment: datetime) -> str:
    """Notion's timestamps: UTC, minutes precision, milliseconds zero, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:00.000Z")


def rich(text: str, *, href: str | None = None, code: bool = False) -> list[dict[str, Any]]:
    """One run of rich text."""
    if not text:
        return []
    annotations = {
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "code": code,
        "color": "default",
    }
    link = {"url": href} if href else None
    return [
        {
            "type": "text",
            "text": {"content": text, "link": link},
            "annotations": annotations,
            "plain_text": text,
            "href": href,
        }
    ]


def user() -> dict[str, str]:
    return {"object": "user", "id": BOT_USER}


def block_json(
    block_id: str,
    kind: str,
    content: dict[str, Any],
    *,
    parent: dict[str, Any],
    moment: datetime,
    has_children: bool,
) -> dict[str, Any]:
    """A block object of type `kind` carrying `content` under that key."""
    return {
        "object": "block",
        "id": block_id,
        "parent": parent,
        "created_time": notion_time(moment),
        "last_edited_time": notion_time(moment),
        "created_by": user(),
        "last_edited_by": user(),
        "has_children": has_children,
        "archived": False,
        "in_trash": False,
        "type": kind,
        kind: content,
    }


def list_json(results: list[dict[str, Any]], next_cursor: str | None, kind: str, seed: int) -> dict[str, Any]:
    """A paginated list: ``results``, ``next_cursor``, ``has_more`` and the type marker."""
    return {
        "object": "list",
        "results": results,
        "next_cursor": next_cursor,
        "has_more": next_cursor is not None,
        "type": kind,
        kind: {},
        "request_id": request_id(seed),
    }


def error(
    status: int, message: str, seed: int, *, code: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """Notion's error body with its status."""
    body = {
        "object": "error",
        "status": status,
        "code": code or _CODES.get(status, "internal_server_error"),
        "message": message,
        "request_id": request_id(seed),
    }
    return JSONResponse(body, status, headers=headers)


def page_json(page: dict[str, Any]) -> dict[str, Any]:
    """A page object from the fake's stored page (`id`, `title`, `parent`, `properties`, times)."""
    slug = "-".join(page["title"].split()) + "-" + page["id"].replace("-", "")
    return {
        "object": "page",
        "id": page["id"],
        "created_time": notion_time(page["created"]),
        "last_edited_time": notion_time(page["updated"]),
        "created_by": user(),
        "last_edited_by": user(),
        "cover": None,
        "icon": None,
        "parent": page["parent"],
        "archived": page["in_trash"],
        "in_trash": page["in_trash"],
        "is_locked": False,
        "properties": page["properties"],
        "url": f"https://www.notion.so/{slug}",
        "public_url": None,
    }


def database_json(database: dict[str, Any]) -> dict[str, Any]:
    created = notion_time(database["created"])
    return {
        "object": "database",
        "id": DATABASE,
        "title": rich("Knowledge base"),
        "parent": database["parent"],
        "created_time": created,
        "last_edited_time": created,
        "data_sources": [{"id": DATA_SOURCE, "name": "Knowledge base"}],
        "in_trash": False,
        "is_inline": False,
        "url": f"https://www.notion.so/{DATABASE.replace('-', '')}",
    }


def data_source_json(database: dict[str, Any]) -> dict[str, Any]:
    created = notion_time(database["created"])
    return {
        "object": "data_source",
        "id": DATA_SOURCE,
        "created_time": created,
        "last_edited_time": created,
        "title": rich("Knowledge base"),
        "parent": {"type": "database_id", "database_id": DATABASE},
        "database_parent": database["parent"],
        "properties": {},
        "archived": False,
        "in_trash": False,
        "url": f"https://www.notion.so/{DATABASE.replace('-', '')}",
    }


def bot_user_json() -> dict[str, Any]:
    owner = {"type": "workspace", "workspace": True}
    return {
        "object": "user",
        "id": BOT_USER,
        "name": "Escalations",
        "avatar_url": None,
        "type": "bot",
        "bot": {"owner": owner, "workspace_name": "Vendor support"},
    }


__all__ = [
    "BOT_USER",
    "DATABASE",
    "DATA_SOURCE",
    "block_json",
    "bot_user_json",
    "data_source_json",
    "database_json",
    "error",
    "list_json",
    "make_id",
    "notion_time",
    "page_json",
    "request_id",
    "rich",
    "user",
]
