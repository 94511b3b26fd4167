"""A fake of Confluence Cloud's REST API, seeded from a `Dataset`'s articles.

It serves what the Confluence connector reads, at Confluence's paths and in its JSON:

* ``GET /wiki/rest/api/search`` (v1 CQL search): ``limit`` (capped at 50 when bodies are expanded,
  as Confluence does), a ``cursor`` carried in ``_links.next`` (absent on the last page),
  ``totalSize``, highlight markers in result titles, and ``expand`` honoured for
  ``content.body.storage``, ``content.metadata.labels`` and ``content.version``.
* ``GET /wiki/api/v2/pages/{id}`` with ``body-format=storage`` and ``include-labels``;
  ``GET /wiki/api/v2/spaces`` with ``keys``.
* The removed v1 content endpoints (``/wiki/rest/api/content...``) answer 410 ``GoneException``.

Bodies are storage-format XHTML: a paragraph per block of the article, and a "Workaround" heading
and section when the article has one. Kinds become labels (how-to articles get none, which reads as
how-to), the product area an ``area-<name>`` label. Errors use the v1 body
(``statusCode``, ``message``) or the v2 body (``errors: [{status, code, title, detail}]``).

CQL is evaluated with the query engine the Jira fake uses for JQL (`atlassian_query`): ``text ~`` searches title, body and labels;
``label != x`` and ``label not in (...)`` match unlabelled pages. Fault knobs live on `faults`
(`AtlassianFaults`), plus `reject_auth` and `search_removed`; `calls` logs every request.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Article, Dataset
from tests.fakes.atlassian import API_TOKEN, EMAIL, SITE, AtlassianFaults
from tests.fakes.atlassian_query import FieldSpec, QueryError, TextQuery, evaluate, parse_query, sort_records
from tests.fakes.calls import Call

SPACE_KEY = "SUP"
_TAGS = re.compile(r"<[^>]+>")


def confluence_time(moment: datetime) -> str:
    """Confluence's timestamp format: UTC with milliseconds and ``Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def article_storage(article: Article) -> str:
    """Storage-format XHTML for an article's body and workaround."""
    paragraphs = [p for p in re.split(r"\n\s*\n", article.body.strip()) if p]
    parts = [f"<p>{html.escape(p, quote=False).replace(chr(10), '<br />')}</p>" for p in paragraphs]
    if article.workaround:
        parts.append("<h2>Workaround</h2>")
        parts.append(f"<p>{html.escape(article.workaround, quote=False)}</p>")
    return "".join(parts)


def storage_plain(storage: str) -> str:
    """The words of a storage document, as Confluence's index sees them."""
    return html.unescape(_TAGS.sub(" ", storage))


@dataclass
class StoredPage:
    id: str
    title: str
    space_key: str
    storage: str
    labels: list[str]
    created: datetime
    updated: datetime
    status: str = "current"
    version: int = 1


@dataclass
class ConfluenceFake:
    """A stateful Confluence Cloud site. Drive it through ``httpx2.ASGITransport(app=fake.app)``."""

    dataset: Dataset
    email: str = EMAIL
    api_token: str = API_TOKEN
    oauth_token: str | None = None
    base_url: str = SITE
    space_key: str = SPACE_KEY
    max_limit: int = 50
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    reject_auth: bool = False
    search_removed: bool = False
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.faults = AtlassianFaults(clock=self.clock, now=self.now)
        self.spaces: dict[str, tuple[str, str]] = {}
        self.pages: dict[str, StoredPage] = {}
        self._next_id = 131072
        self.add_space(self.space_key, "Support knowledge base")
        for article in self.dataset.articles:
            labels = [*article.labels]
            if article.kind != "how-to":
                labels.append(article.kind)
            if article.product_area:
                labels.append(f"area-{article.product_area}")
            if article.status == "outdated":
                labels.append("outdated")
            self.add_page(
                title=article.title,
                storage=article_storage(article),
                labels=labels,
                updated=article.updated_at,
            )
        self.app = Starlette(
            routes=[
                Route("/wiki/rest/api/search", self._search, methods=["GET"]),
                Route("/wiki/api/v2/pages/{id}", self._page, methods=["GET"]),
                Route("/wiki/api/v2/spaces", self._spaces, methods=["GET"]),
                Route("/wiki/rest/api/content", self._gone, methods=["GET", "POST"]),
                Route("/wiki/rest/api/content/{rest:path}", self._gone, methods=["GET", "POST", "PUT"]),
            ]
        )

    # -- seeding ----------------------------------------------------------------------------------

    def add_space(self, key: str, name: str) -> str:
        """Create a space; returns its (numeric string) id."""
        space_id = str(98304 + len(self.spaces) * 2 + 2)
        self.spaces[key] = (space_id, name)
        return space_id

    def add_page(
        self,
        *,
        title: str,
        storage: str,
        labels: Sequence[str] = (),
        space_key: str | None = None,
        updated: datetime | None = None,
        status: str = "current",
    ) -> str:
        """Create a page from storage-format XHTML; returns its id."""
        self._next_id += 1
        page_id = str(self._next_id)
        moment = updated or self.now()
        if (space_key or self.space_key) not in self.spaces:
            self.add_space(space_key or self.space_key, (space_key or self.space_key).title())
        self.pages[page_id] = StoredPage(
            id=page_id,
            title=title,
            space_key=space_key or self.space_key,
            storage=storage,
            labels=list(labels),
            created=moment,
            updated=moment,
            status=status,
            version=3,
        )
        return page_id

    def searches(self) -> list[Call]:
        """The calls to the CQL search endpoint."""
        return [c for c in self.calls if c.path == "/wiki/rest/api/search"]

    # -- plumbing ---------------------------------------------------------------------------------

    def _guard(self, request: Request) -> tuple[Call, Response | None]:
        call = Call.of(request)
        self.calls.append(call)
        basic = base64.b64encode(f"{self.email}:{self.api_token}".encode()).decode()
        valid = {f"Basic {basic}"} | ({f"Bearer {self.oauth_token}"} if self.oauth_token else set())
        if self.reject_auth or call.authorization not in valid:
            return call, PlainTextResponse("Client must be authenticated to access this resource.", 401)
        v2 = request.url.path.startswith("/wiki/api/v2/")
        return call, self.faults.check(
            call.path, lambda status: self._v2_error(status) if v2 else self._v1_error(status, "Forbidden")
        )

    @staticmethod
    def _v1_error(status: int, message: str, *, valid: bool = True) -> JSONResponse:
        data = {"authorized": status != 403, "valid": valid, "errors": [], "successful": False}
        return JSONResponse({"statusCode": status, "data": data, "message": message}, status)

    @staticmethod
    def _v2_error(status: int) -> JSONResponse:
        titles = {403: ("FORBIDDEN", "Forbidden"), 404: ("NOT_FOUND", "Not Found")}
        code, title = titles.get(status, ("BAD_REQUEST", "Bad Request"))
        return JSONResponse(
            {"errors": [{"status": status, "code": code, "title": title, "detail": None}]}, status
        )

    @staticmethod
    def _done(call: Call, response: Response) -> Response:
        call.status = response.status_code
        return response

    def _links(self, page: StoredPage) -> dict[str, str]:
        slug = "+".join(page.title.split())
        return {
            "webui": f"/spaces/{page.space_key}/pages/{page.id}/{slug}",
            "tinyui": f"/x/{base64.urlsafe_b64encode(page.id.encode()).decode().rstrip('=')}",
        }

    def _label_objects(self, page: StoredPage) -> list[dict[str, str]]:
        return [
            {
                "prefix": "global",
                "name": name,
                "id": str(int(hashlib.sha256(name.encode()).hexdigest()[:6], 16)),
                "label": name,
            }
            for name in page.labels
        ]

    # -- endpoints --------------------------------------------------------------------------------

    async def _gone(self, request: Request) -> Response:
        call, refused = self._guard(request)
        if refused is not None and refused.status_code == 401:
            return self._done(call, refused)
        message = "com.atlassian.confluence.api.service.exceptions.GoneException: This deprecated endpoint has been removed."
        return self._done(call, self._v1_error(410, message))

    async def _spaces(self, request: Request) -> Response:
        call, refused = self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        keys = [k for k in call.params.get("keys", "").split(",") if k] or list(self.spaces)
        limit = int(call.params.get("limit", 25))
        results = [
            {
                "id": space_id,
                "key": key,
                "name": name,
                "type": "global",
                "status": "current",
                "authorId": "5b10a2844c20165700ede21g",
                "createdAt": "2024-02-01T09:00:00.000Z",
                "homepageId": str(int(space_id) + 1),
                "description": None,
                "icon": None,
                "_links": {"webui": f"/spaces/{key}"},
            }
            for key in keys
            if key in self.spaces
            for space_id, name in [self.spaces[key]]
        ][:limit]
        return self._done(
            call, JSONResponse({"results": results, "_links": {"base": f"{self.base_url}/wiki"}})
        )

    async def _page(self, request: Request) -> Response:
        call, refused = self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        page = self.pages.get(request.path_params["id"])
        if page is None:
            return self._done(call, self._v2_error(404))
        body: dict[str, Any] = {}
        if call.params.get("body-format") == "storage":
            body = {"storage": {"representation": "storage", "value": page.storage}}
        shaped: dict[str, Any] = {
            "parentType": "page",
            "parentId": str(int(self.spaces[page.space_key][0]) + 1),
            "spaceId": self.spaces[page.space_key][0],
            "ownerId": "5b10a2844c20165700ede21g",
            "lastOwnerId": None,
            "createdAt": confluence_time(page.created),
            "authorId": "5b10a2844c20165700ede21g",
            "position": 4021,
            "version": {
                "number": page.version,
                "message": "",
                "minorEdit": False,
                "authorId": "5b10a2844c20165700ede21g",
                "createdAt": confluence_time(page.updated),
            },
            "body": body,
            "status": page.status,
            "title": page.title,
            "id": page.id,
            "_links": {
                **self._links(page),
                "editui": f"/pages/resumedraft.action?draftId={page.id}",
                "edituiv2": f"/spaces/{page.space_key}/pages/edit-v2/{page.id}",
                "base": f"{self.base_url}/wiki",
            },
        }
        if call.params.get("include-labels") == "true":
            shaped["labels"] = {
                "results": [
                    {k: v for k, v in label.items() if k != "label"} for label in self._label_objects(page)
                ],
                "meta": {"hasMore": False, "cursor": None},
                "_links": {"self": f"{self.base_url}/wiki/api/v2/pages/{page.id}/labels"},
            }
        return self._done(call, JSONResponse(shaped))

    async def _search(self, request: Request) -> Response:
        call, refused = self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        if self.search_removed:
            message = "com.atlassian.confluence.api.service.exceptions.GoneException: This endpoint has been removed."
            return self._done(call, self._v1_error(410, message))
        cql = call.params.get("cql")
        if not cql:
            return self._done(call, self._v1_error(400, "cql is a required parameter", valid=False))
        expand = set(call.params.get("expand", "").split(","))
        try:
            parsed = parse_query(cql, _CQL_FIELDS)
            scored = [
                (score, page)
                for page in self.pages.values()
                if page.status == "current"
                and (score := evaluate(parsed.where, page, _CQL_FIELDS, parse_date=datetime.fromisoformat))
            ]
        except QueryError as exc:
            message = f"com.atlassian.confluence.api.service.exceptions.BadRequestException: Could not parse cql : {cql} ({exc})"
            return self._done(call, self._v1_error(400, message, valid=False))
        ordered = sort_records(
            sorted(scored, key=lambda p: p[1].updated, reverse=True), parsed.order, _sort_key
        )
        cap = self.max_limit if "content.body.storage" in expand else 200
        limit = min(int(call.params.get("limit", 25)), cap)
        digest = hashlib.sha256(cql.encode()).hexdigest()[:12]
        offset = 0
        if cursor := call.params.get("cursor"):
            try:
                position = json.loads(base64.urlsafe_b64decode(cursor.encode()))
                if position["q"] != digest:
                    raise ValueError
                offset = int(position["o"])
            except (ValueError, KeyError, TypeError):
                return self._done(call, self._v1_error(400, "Invalid cursor", valid=False))
        window = ordered[offset : offset + limit]
        terms = _highlight_terms(parsed.where)
        links: dict[str, str] = {"base": f"{self.base_url}/wiki", "context": "/wiki"}
        if offset + len(window) < len(ordered):
            token = base64.urlsafe_b64encode(
                json.dumps({"q": digest, "o": offset + len(window)}).encode()
            ).decode()
            query = urlencode({"next": "true", "cursor": token, "limit": limit, "cql": cql})
            links["next"] = f"/rest/api/search?{query}"
        body = {
            "results": [self._result(page, expand, terms) for page in window],
            "start": offset,
            "limit": limit,
            "size": len(window),
            "totalSize": len(ordered),
            "cqlQuery": cql,
            "searchDuration": 37,
            "_links": links,
        }
        return self._done(call, JSONResponse(body))

    def _result(self, page: StoredPage, expand: set[str], terms: list[str]) -> dict[str, Any]:
        content: dict[str, Any] = {
            "id": page.id,
            "type": "page",
            "status": page.status,
            "title": page.title,
            "childTypes": {},
            "macroRenderedOutput": {},
            "restrictions": {},
            "_expandable": {"container": "", "space": f"/rest/api/space/{page.space_key}"},
            "_links": {**self._links(page), "self": f"{self.base_url}/wiki/rest/api/content/{page.id}"},
        }
        if "content.body.storage" in expand:
            content["body"] = {
                "storage": {
                    "value": page.storage,
                    "representation": "storage",
                    "embeddedContent": [],
                    "_expandable": {"content": f"/rest/api/content/{page.id}"},
                },
                "_expandable": {"view": "", "export_view": "", "atlas_doc_format": ""},
            }
        if "content.metadata.labels" in expand:
            labels = self._label_objects(page)
            content["metadata"] = {
                "labels": {"results": labels, "start": 0, "limit": 200, "size": len(labels), "_links": {}},
                "_expandable": {"currentuser": "", "properties": "", "frontend": "", "editorHtml": ""},
            }
        if "content.version" in expand:
            content["version"] = {
                "by": {
                    "type": "known",
                    "accountId": "5b10a2844c20165700ede21g",
                    "displayName": "Support Ops",
                },
                "when": confluence_time(page.updated),
                "friendlyWhen": page.updated.strftime("%b %d, %Y"),
                "message": "",
                "number": page.version,
                "minorEdit": False,
            }
        title = page.title
        for term in terms:
            title = re.sub(rf"(?i)\b({re.escape(term)}\w*)", r"@@@hl@@@\1@@@endhl@@@", title)
        excerpt = " ".join(storage_plain(page.storage).split())[:200]
        return {
            "content": content,
            "title": title,
            "excerpt": excerpt,
            "url": self._links(page)["webui"],
            "resultGlobalContainer": {
                "title": self.spaces[page.space_key][1],
                "displayUrl": f"/spaces/{page.space_key}",
            },
            "breadcrumbs": [],
            "entityType": "content",
            "iconCssClass": "aui-icon content-type-page",
            "lastModified": confluence_time(page.updated),
            "friendlyLastModified": page.updated.strftime("%b %d, %Y"),
            "score": 0.0,
        }


def _highlight_terms(node: Any) -> list[str]:
    if node is None:
        return []
    if hasattr(node, "children"):
        return [t for child in node.children for t in _highlight_terms(child)]
    if node.field in {"text", "title"} and node.op == "~":
        return [word.rstrip("*") for term in TextQuery.parse(node.values[0]).terms for word in term]
    return []


def _sort_key(page: StoredPage, name: str) -> Any:
    if name in {"lastmodified", "lastmodifieddate"}:
        return page.updated
    if name == "created":
        return page.created
    return page.title.lower()


_CQL_FIELDS: dict[str, FieldSpec] = {
    "type": FieldSpec("value", lambda page: ["page"]),
    "space": FieldSpec("value", lambda page: [page.space_key]),
    "space.key": FieldSpec("value", lambda page: [page.space_key]),
    "id": FieldSpec("value", lambda page: [page.id]),
    "content": FieldSpec("value", lambda page: [page.id]),
    "label": FieldSpec("value", lambda page: list(page.labels), negation_matches_empty=True),
    "title": FieldSpec("text", lambda page: page.title),
    "text": FieldSpec("text", lambda page: " ".join([page.title, storage_plain(page.storage), *page.labels])),
    "lastmodified": FieldSpec("date", lambda page: page.updated),
    "created": FieldSpec("date", lambda page: page.created),
}


__all__ = ["SPACE_KEY", "ConfluenceFake", "StoredPage", "article_storage", "confluence_time", "storage_plain"]
