"""A fake of Notion's REST API, seeded from a `Dataset`'s articles.

It serves what the Notion connector reads, at Notion's paths and in its JSON (version 2025-09-03):

* ``POST /v1/search``: pages (or data sources) shared with the integration whose *title* holds every
  word of ``query``, as Notion matches titles only; ``filter`` by ``object`` (``page`` or
  ``data_source``; the pre-2025 ``database`` is a 400), ``sort`` by ``last_edited_time``,
  ``page_size`` up to 100 and ``start_cursor``/``next_cursor``/``has_more``. Trashed pages are left out.
* ``GET /v1/pages/{id}``, ``GET /v1/blocks/{id}``, ``GET /v1/blocks/{id}/children`` (paginated the
  same way), ``GET /v1/databases/{id}``, ``GET /v1/data_sources/{id}``, ``GET /v1/users/me``.

The world: a root page "Support handbook" holding a database "Knowledge base" with one data source;
each article is a page of that data source with a title, a "Type" select (Known issue, How-to,
Troubleshooting, Reference), an "Area" select and a "Tags" multi-select, and its body as paragraphs,
followed by a "Workaround" heading and paragraph when it has one. Tests add pages anywhere with
`add_page` and blocks with `add_block`.

Every request needs ``Authorization: Bearer <token>`` (else 401 ``unauthorized``) and a
``Notion-Version`` header (else 400 ``missing_version``). Fault knobs: `requests_per_second` (a
sliding one-second window on `clock`; past it 429 ``rate_limited`` with ``Retry-After``),
`fail_next` (statuses, Notion's error body; 5xx as an HTML page from the edge), `malformed_next`,
`restricted` (ids answering 403 ``restricted_resource``). `calls` logs every request.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Article, Dataset

from ._notion_wire import (
    DATA_SOURCE,
    DATABASE,
    block_json,
    bot_user_json,
    data_source_json,
    database_json,
    error,
    list_json,
    make_id,
    page_json,
    rich,
)
from .calls import Call, SlidingWindow

BASE_URL = "https://api.notion.com"
TOKEN = "ntn_40213377fakeintegrationtokenforthetests"
VERSION = "2025-09-03"
ROOT_PAGE = make_id("page:Support handbook")
KIND_OPTIONS = {
    "known-issue": "Known issue",
    "how-to": "How-to",
    "troubleshooting": "Troubleshooting",
    "reference": "Reference",
}


@dataclass
class _Fault:
    status: int
    remaining: int


@dataclass
class NotionFake:
    """A stateful Notion workspace. Drive it through ``httpx2.ASGITransport(app=fake.app)``."""

    dataset: Dataset
    token: str = TOKEN
    base_url: str = BASE_URL
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    requests_per_second: int | None = None
    restricted: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    rate_limited: int = 0

    def __post_init__(self) -> None:
        self.pages: dict[str, dict[str, Any]] = {}
        self.blocks: dict[str, dict[str, Any]] = {}
        self.children: dict[str, list[str]] = {}
        self._faults: list[_Fault] = []
        self._malformed = 0
        self._limiter = SlidingWindow(self.clock)
        moment = self.now()
        self.add_page("Support handbook", parent={"type": "workspace", "workspace": True}, page_id=ROOT_PAGE)
        self.database = {
            "id": DATABASE,
            "parent": {"type": "page_id", "page_id": ROOT_PAGE},
            "created": moment,
        }
        for article in self.dataset.articles:
            self.add_article(article)
        self.app = Starlette(
            routes=[
                Route("/v1/search", self._search, methods=["POST"]),
                Route("/v1/pages/{id}", self._single("page"), methods=["GET"]),
                Route("/v1/blocks/{id}/children", self._children, methods=["GET"]),
                Route("/v1/blocks/{id}", self._single("block"), methods=["GET"]),
                Route("/v1/databases/{id}", self._single("database"), methods=["GET"]),
                Route("/v1/data_sources/{id}", self._single("data_source"), methods=["GET"]),
                Route("/v1/users/me", self._single("user"), methods=["GET"]),
            ]
        )

    # -- seeding ----------------------------------------------------------------------------------

    def add_page(
        self,
        title: str,
        *,
        parent: dict[str, Any] | None = None,
        properties: dict[str, Any] | None = None,
        updated: datetime | None = None,
        page_id: str | None = None,
        in_trash: bool = False,
    ) -> str:
        """A page (under the root page unless `parent` says otherwise); returns its id."""
        page_id = page_id or make_id(f"page:{title}:{len(self.pages)}")
        title_key = "Name" if (parent or {}).get("type") == "data_source_id" else "title"
        props = {title_key: {"id": "title", "type": "title", "title": rich(title)}, **(properties or {})}
        moment = updated or self.now()
        self.pages[page_id] = {
            "id": page_id,
            "title": title,
            "parent": parent or {"type": "page_id", "page_id": ROOT_PAGE},
            "properties": props,
            "created": moment,
            "updated": moment,
            "in_trash": in_trash,
        }
        self.children.setdefault(page_id, [])
        return page_id

    def add_block(self, parent_id: str, kind: str, content: dict[str, Any] | None = None) -> str:
        """A block of type `kind` appended to a page's or a block's children; returns its id."""
        block_id = make_id(f"block:{parent_id}:{len(self.blocks)}")
        parent_type = "page_id" if parent_id in self.pages else "block_id"
        self.blocks[block_id] = {
            "kind": kind,
            "content": content or {},
            "parent": {"type": parent_type, parent_type: parent_id},
        }
        self.children.setdefault(parent_id, []).append(block_id)
        self.children.setdefault(block_id, [])
        return block_id

    def add_article(self, article: Article) -> str:
        """An article as a page of the knowledge-base data source."""
        properties: dict[str, Any] = {
            "Type": _select("select", KIND_OPTIONS[article.kind]),
            "Area": _select("select", article.product_area),
            "Tags": {
                "id": "tgs",
                "type": "multi_select",
                "multi_select": [_option(label) for label in article.labels],
            },
        }
        if article.status == "outdated":
            properties["Status"] = _select("status", "Outdated")
        parent = {"type": "data_source_id", "data_source_id": DATA_SOURCE, "database_id": DATABASE}
        page_id = self.add_page(
            article.title, parent=parent, properties=properties, updated=article.updated_at
        )
        for paragraph in [p for p in article.body.split("\n\n") if p.strip()]:
            self.add_block(page_id, "paragraph", {"rich_text": rich(paragraph), "color": "default"})
        if article.workaround:
            heading = {"rich_text": rich("Workaround"), "is_toggleable": False, "color": "default"}
            self.add_block(page_id, "heading_2", heading)
            self.add_block(page_id, "paragraph", {"rich_text": rich(article.workaround), "color": "default"})
        return page_id

    def page_id(self, title: str) -> str:
        return next(p["id"] for p in self.pages.values() if p["title"] == title)

    def fail_next(self, status: int, count: int = 1) -> None:
        """Answer the next `count` requests with `status`."""
        self._faults.append(_Fault(status, count))

    def malformed_next(self, count: int = 1) -> None:
        """Answer the next `count` requests 200 with JSON of another shape."""
        self._malformed += count

    def requests_to(self, path_start: str) -> list[Call]:
        return [c for c in self.calls if c.path.startswith(path_start)]

    # -- JSON -------------------------------------------------------------------------------------

    def _block_json(self, block_id: str) -> dict[str, Any]:
        block = self.blocks[block_id]
        return block_json(
            block_id,
            block["kind"],
            block["content"],
            parent=block["parent"],
            moment=self.now(),
            has_children=bool(self.children.get(block_id)),
        )

    # -- plumbing ---------------------------------------------------------------------------------

    async def _guard(self, request: Request) -> tuple[Call, Response | None]:
        body = await request.json() if request.method == "POST" and await request.body() else None
        call = Call.of(request, body, version_header="notion-version")
        self.calls.append(call)
        seed = len(self.calls)
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return call, error(401, "API token is invalid.", seed)
        if not call.version:
            return call, error(
                400,
                "Notion-Version header failed validation: Notion-Version header should be defined.",
                seed,
                code="missing_version",
            )
        return call, self._limited(seed) or self._fault(seed)

    def _limited(self, seed: int) -> Response | None:
        if self.requests_per_second is None:
            return None
        wait = self._limiter.admit(self.requests_per_second)
        return None if wait is None else self._rate_limit_answer(wait, seed)

    def _rate_limit_answer(self, wait: float, seed: int) -> Response:
        self.rate_limited += 1
        message = "You have been rate limited. Please try again in a few minutes."
        return error(429, message, seed, headers={"Retry-After": str(max(1, math.ceil(wait)))})

    def _fault(self, seed: int) -> Response | None:
        if self._faults:
            fault = self._faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.pop(0)
            if fault.status == 429:
                return self._rate_limit_answer(1.0, seed)
            if fault.status in {502, 504}:
                return Response("<html><body>Bad gateway</body></html>", fault.status, media_type="text/html")
            return error(fault.status, "The request failed.", seed)
        if self._malformed:
            self._malformed -= 1
            return JSONResponse({"object": "list", "results": "not a list", "has_more": "maybe"})
        return None

    @staticmethod
    def _done(call: Call, response: Response) -> Response:
        call.status = response.status_code
        return response

    def _not_found(self, kind: str, object_id: str, seed: int) -> Response:
        message = f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and databases are shared with your integration."
        return error(404, message, seed)

    def _readable(self, object_id: str, seed: int) -> Response | None:
        if object_id in self.restricted:
            return error(403, "API token does not have access to this resource.", seed)
        return None

    # -- endpoints --------------------------------------------------------------------------------

    async def _search(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        seed = len(self.calls)
        body = call.body or {}
        wanted = (body.get("filter") or {}).get("value", "page")
        size = body.get("page_size", 100)
        if wanted not in {"page", "data_source"}:
            message = f'body failed validation: body.filter.value should be `"page"` or `"data_source"`, instead was `"{wanted}"`.'
            return self._done(call, error(400, message, seed))
        if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 100:
            return self._done(
                call, error(400, "body failed validation: body.page_size should be ≤ `100`.", seed)
            )
        words = str(body.get("query") or "").lower().split()
        if wanted == "data_source":
            results = [data_source_json(self.database)] if all(w in "knowledge base" for w in words) else []
        else:
            pages = [p for p in self.pages.values() if not p["in_trash"] and p["id"] not in self.restricted]
            pages = [p for p in pages if all(w in p["title"].lower() for w in words)]
            sort = body.get("sort") or {}
            pages.sort(key=lambda p: p["updated"], reverse=sort.get("direction") != "ascending")
            results = [page_json(p) for p in pages]
        return self._done(
            call, self._window(results, body.get("start_cursor"), size, "page_or_data_source", seed)
        )

    def _window(
        self, results: list[dict[str, Any]], cursor: str | None, size: int, kind: str, seed: int
    ) -> Response:
        ids = [r["id"] for r in results]
        start = 0
        if cursor:
            if cursor not in ids:
                return error(400, "The start_cursor provided is invalid: " + cursor, seed)
            start = ids.index(cursor)
        window = results[start : start + size]
        following = ids[start + size] if start + size < len(ids) else None
        return JSONResponse(list_json(window, following, kind, seed))

    async def _children(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        parent_id = request.path_params["id"]
        refused = refused or self._readable(parent_id, len(self.calls))
        if refused is not None:
            return self._done(call, refused)
        if parent_id not in self.children:
            return self._done(call, self._not_found("block", parent_id, len(self.calls)))
        size = int(call.params.get("page_size", 100))
        if not 1 <= size <= 100:
            return self._done(
                call, error(400, "query failed validation: page_size should be ≤ `100`.", len(self.calls))
            )
        results = [self._block_json(b) for b in self.children[parent_id]]
        return self._done(
            call, self._window(results, call.params.get("start_cursor"), size, "block", len(self.calls))
        )

    def _single(self, kind: str) -> Callable[[Request], Awaitable[Response]]:
        """The endpoint that reads one object of `kind` by id."""

        async def endpoint(request: Request) -> Response:
            call, refused = await self._guard(request)
            object_id = request.path_params.get("id", "me")
            refused = refused or self._readable(object_id, len(self.calls))
            if refused is not None:
                return self._done(call, refused)
            body = self._lookup(kind, object_id)
            if body is None:
                return self._done(call, self._not_found(kind.replace("_", " "), object_id, len(self.calls)))
            return self._done(call, JSONResponse(body))

        return endpoint

    def _lookup(self, kind: str, object_id: str) -> dict[str, Any] | None:
        if kind == "page":
            return page_json(self.pages[object_id]) if object_id in self.pages else None
        if kind == "block":
            return self._block_json(object_id) if object_id in self.blocks else None
        if kind == "database":
            return database_json(self.database) if object_id == DATABASE else None
        if kind == "data_source":
            return data_source_json(self.database) if object_id == DATA_SOURCE else None
        return bot_user_json()


def _option(name: str) -> dict[str, str]:
    return {"id": make_id(f"option:{name}")[:4], "name": name, "color": "default"}


def _select(kind: str, name: str | None) -> dict[str, Any]:
    return {"id": make_id(f"property:{kind}:{name}")[:4], "type": kind, kind: _option(name) if name else None}


__all__ = [
    "BASE_URL",
    "DATABASE",
    "DATA_SOURCE",
    "KIND_OPTIONS",
    "ROOT_PAGE",
    "TOKEN",
    "VERSION",
    "NotionFake",
]
