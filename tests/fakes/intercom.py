"""A fake Intercom workspace: conversations, contacts, companies and Help Center articles, seeded from a
`Dataset`.

It serves what the Intercom connector reads, at Intercom's paths and in Intercom's JSON (API 2.14):
string ids (digits for conversations, admins and articles, hex for contacts and companies), UNIX-second
times, HTML message bodies, conversation parts with `part_type` comment or note, `sla_applied` with one
status for the whole conversation, cursor pages (`pages.next.starting_after`, only when another page
exists), and the conversation search query language (see `_intercom_search`). Tickets map to
conversations: new and open are `open`, pending and on hold `snoozed`, solved and closed `closed`;
urgent and high priority set the priority flag, and every priority is kept in the conversation attribute
`Priority`. Articles carry their kind and `area:` tags; a workaround is a section under a "Workaround"
heading.

Auth, versions, rate limits and fault knobs live in `_intercom_gateway`. `calls` logs every request.
"""

from __future__ import annotations

import base64
import html
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Dataset

from ._intercom_gateway import IntercomGateway, error
from ._intercom_search import SearchError, check, matches, read_pagination, words
from ._intercom_shapes import (
    COLLECTION_ID,
    DEFAULT_ADMIN_ID,
    DEFAULT_TEAM_ID,
    PRIORITY_ATTRIBUTE,
    WORKSPACE_ID,
    IntercomWorkspace,
)

BASE_URL = "https://api.intercom.io"
DEFAULT_TOKEN = "dG9rOjBmMWIxM2M5XzAwMDA6MTowMDAwMDAwMDAwMDA="


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except ValueError:
        pass
    raise SearchError("starting_after is not a valid cursor")


def pages(offset: int, per_page: int, total: int) -> dict[str, Any]:
    """`cursor_pages`, with `next` only when another page exists."""
    answer: dict[str, Any] = {
        "type": "pages",
        "page": offset // per_page + 1,
        "per_page": per_page,
        "total_pages": -(-total // per_page),
    }
    if offset + per_page < total:
        answer["next"] = {"per_page": per_page, "starting_after": _token(offset + per_page)}
    return answer


class IntercomFake(IntercomGateway, IntercomWorkspace):
    """Intercom's REST API over `dataset`. Drive `app` through `httpx2.ASGITransport`.

    Args:
        dataset: tickets (conversations, their contacts and companies) and articles to serve.
        token: the access token requests must carry.
        clock: monotonic seconds, for rate-limit windows (tests pass a virtual one).
        now: the wall-clock time (SLA status, rate-limit resets).
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        token: str = DEFAULT_TOKEN,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        IntercomGateway.__init__(self, token=token, clock=clock, wall_clock=lambda: now().timestamp())
        IntercomWorkspace.__init__(self, dataset, now)
        self.base_url = BASE_URL
        self.workspace_id = WORKSPACE_ID
        self.app = Starlette(routes=self._routes())

    # --- endpoints -------------------------------------------------------------------------------

    def _routes(self) -> list[Route]:
        def route(path: str, handler: Any, method: str = "GET") -> Route:
            return Route(path, self._wrap(handler), methods=[method])

        return [
            route("/me", self._me),
            route("/conversations/search", self._search, "POST"),
            route("/conversations/{id}", self._conversation),
            route("/conversations/{id}/reply", self._reply, "POST"),
            route("/contacts/{id}", self._read_contact),
            route("/companies/{id}", self._read_company),
            route("/companies/{id}/contacts", self._company_contacts),
            route("/articles", self._list_articles),
            route("/articles/search", self._search_articles),
            route("/articles/{id}", self._read_article),
        ]

    async def _me(self, request: Request, body: Any) -> Response:
        admin = self.admins[DEFAULT_ADMIN_ID]
        app = {"type": "app", "id_code": WORKSPACE_ID, "name": "Vendor support", "region": "US"}
        return JSONResponse({**admin, "email_verified": True, "app": app, "has_inbox_seat": True})

    def _listed(self, conversation: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in conversation.items() if k != "conversation_parts"}

    @staticmethod
    def _values(record: Any, field: str) -> list[Any]:
        if field == "contact_ids":
            return [c["id"] for c in record["contacts"]["contacts"]]
        if field == "tag_ids":
            return [t["id"] for t in record["tags"]["tags"]]
        value: Any = record
        for part in field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if field == "source.body" and isinstance(value, str):
            value = html.unescape(value.replace("<p>", " ").replace("</p>", " "))
        return [value]

    async def _search(self, request: Request, body: Any) -> Response:
        try:
            if not isinstance(body, dict) or "query" not in body:
                raise SearchError("query is required", code="parameter_not_found")
            check(body["query"])
            per_page, after = read_pagination(body)
            offset = _offset(after)
        except SearchError as problem:
            return error(400, problem.code, str(problem))
        found = [c for c in self.conversations.values() if matches(c, body["query"], self._values)]
        found.sort(key=lambda c: (-c["updated_at"], c["id"]))
        window = found[offset : offset + per_page]
        return JSONResponse(
            {
                "type": "conversation.list",
                "pages": pages(offset, per_page, len(found)),
                "total_count": len(found),
                "conversations": [self._listed(c) for c in window],
            }
        )

    async def _conversation(self, request: Request, body: Any) -> Response:
        conversation = self.conversations.get(request.path_params["id"])
        if conversation is None:
            return error(404, "not_found", "Resource Not Found")
        return JSONResponse(conversation)

    async def _reply(self, request: Request, body: Any) -> Response:
        conversation = self.conversations.get(request.path_params["id"])
        if conversation is None:
            return error(404, "not_found", "Resource Not Found")
        if (
            not isinstance(body, dict)
            or body.get("message_type") not in {"comment", "note"}
            or body.get("type") != "admin"
        ):
            return error(400, "parameter_invalid", "message_type and type are required")
        admin = self.admins.get(str(body.get("admin_id")))
        if admin is None:
            return error(404, "admin_not_found", "Admin not found")
        if not body.get("body"):
            return error(400, "parameter_invalid", "Body is required")
        stamp = int(self._now().timestamp())
        part = {
            "type": "conversation_part",
            "id": self._new("part"),
            "part_type": body["message_type"],
            "body": body["body"],
            "created_at": stamp,
            "updated_at": stamp,
            "notified_at": stamp,
            "assigned_to": None,
            "author": {"type": "admin", "id": admin["id"], "name": admin["name"], "email": admin["email"]},
            "attachments": [],
            "external_id": None,
            "redacted": False,
            "email_message_metadata": None,
            "state": conversation["state"],
            "tags": [],
            "event_details": None,
            "app_package_code": None,
        }
        parts = conversation["conversation_parts"]
        parts["conversation_parts"].append(part)
        parts["total_count"] = len(parts["conversation_parts"])
        conversation["updated_at"] = stamp
        return JSONResponse(conversation)

    async def _read_contact(self, request: Request, body: Any) -> Response:
        contact = self.contacts.get(request.path_params["id"])
        if contact is None:
            return error(404, "not_found", "User Not Found")
        return JSONResponse(contact)

    async def _read_company(self, request: Request, body: Any) -> Response:
        company = self.companies.get(request.path_params["id"])
        if company is None:
            return error(404, "company_not_found", "Company Not Found")
        return JSONResponse(company)

    async def _company_contacts(self, request: Request, body: Any) -> Response:
        company_id = request.path_params["id"]
        if company_id not in self.companies:
            return error(404, "company_not_found", "Company Not Found")
        attached = [
            c for c in self.contacts.values() if any(d["id"] == company_id for d in c["companies"]["data"])
        ]
        per_page = int(request.query_params.get("per_page", "50"))
        return JSONResponse(
            {
                "type": "list",
                "data": attached[:per_page],
                "total_count": len(attached),
                "pages": pages(0, per_page, len(attached)),
            }
        )

    def _published(self) -> list[dict[str, Any]]:
        found = [a for a in self.articles.values() if a["state"] == "published"]
        return sorted(found, key=lambda a: -a["updated_at"])

    async def _list_articles(self, request: Request, body: Any) -> Response:
        per_page = int(request.query_params.get("per_page", "25"))
        found = sorted(self.articles.values(), key=lambda a: -a["updated_at"])
        return JSONResponse(
            {
                "type": "list",
                "pages": pages(0, per_page, len(found)),
                "total_count": len(found),
                "data": found[:per_page],
            }
        )

    async def _search_articles(self, request: Request, body: Any) -> Response:
        wanted = words(request.query_params.get("phrase", ""))
        state = request.query_params.get("state", "published")
        candidates = (
            self.articles.values()
            if state == "all"
            else [a for a in self.articles.values() if a["state"] == state]
        )

        def hit(item: dict[str, Any]) -> bool:
            text = words(
                " ".join([item["title"], item["description"] or "", html.unescape(item["body"] or "")])
            )
            return all(any(w.startswith(token) for w in text) for token in wanted)

        found = sorted((a for a in candidates if hit(a)), key=lambda a: -a["updated_at"])
        return JSONResponse(
            {
                "type": "list",
                "total_count": len(found),
                "data": {"articles": found, "highlights": []},
                "pages": {"type": "pages", "page": 1, "total_pages": 1, "per_page": max(len(found), 10)},
            }
        )

    async def _read_article(self, request: Request, body: Any) -> Response:
        item = self.articles.get(request.path_params["id"])
        if item is None:
            return error(404, "not_found", "Resource Not Found")
        statistics = {
            "type": "article_statistics",
            "views": 0,
            "conversations": 0,
            "reactions": 0,
            "happy_reaction_percentage": 0,
            "neutral_reaction_percentage": 0,
            "sad_reaction_percentage": 0,
        }
        return JSONResponse({**item, "statistics": statistics})


__all__ = [
    "BASE_URL",
    "COLLECTION_ID",
    "DEFAULT_ADMIN_ID",
    "DEFAULT_TEAM_ID",
    "DEFAULT_TOKEN",
    "PRIORITY_ATTRIBUTE",
    "WORKSPACE_ID",
    "IntercomFake",
]
