"""A fake Zendesk account served over HTTP: Support (search, tickets, comments, users/me) and Help Center.

It serves a `Dataset` at Zendesk's own paths and in Zendesk's own JSON (see `account`): side-loads
(`include=users,organizations,slas,metric_events`, and the search API's
`include=tickets(users,organizations)`), offset pages with a `next_page` URL that keeps pointing past
the 1,000-result cap (where the real API answers 422), cursor pages for comments, and Help Center
bodies in HTML. Search implements a subset of Zendesk's syntax (see `search`).

Fault knobs: `rate_limit` (requests per fixed one-second window; then 429, a text/plain body and
`Retry-After` with the seconds left in the window, rounded up), `fail_next` (any status with Zendesk's
error body), `corrupt_next` (a body that is not JSON, or JSON of the wrong shape), `revoke_credentials`
(every request 401) and `gone` (path prefixes answering 410). Every request is logged in `calls`.
"""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Dataset

from ..calls import Call
from .account import ZendeskAccount, iso
from .help_center import HelpCenterRoutes
from .search import TicketMatching, neg_time
from .wire import ERROR_BODIES, NOT_FOUND, SEARCH_CAP, Fault, corrupted, includes, invalid

Handler = Callable[[Request, Any], Awaitable[Response]]


class ZendeskFake(TicketMatching, HelpCenterRoutes, ZendeskAccount):
    """A stateful fake Zendesk account built from a dataset.

    Args:
        dataset: the world to serve; ticket, comment and article ids that are numbers keep them.
        subdomain: the account, for URLs in responses.
        email, api_token: the API token credentials it accepts (Basic `{email}/token:{token}`).
        oauth_token: an OAuth bearer token it also accepts.
        clock: "now", for SLA remaining times and the time of new comments.
        monotonic: seconds for the rate-limit windows.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        subdomain: str = "acme",
        email: str = "agent@vendor.example",
        api_token: str = "zd-test-token",
        oauth_token: str | None = "zd-oauth-token",
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        basic = base64.b64encode(f"{email}/token:{api_token}".encode()).decode()
        self._accepted = {f"Basic {basic}"} | ({f"Bearer {oauth_token}"} if oauth_token else set())
        self._monotonic = monotonic
        self.calls: list[Call] = []
        self.rate_limit: int | None = None
        self.throttled = 0
        self.gone: set[str] = set()
        self._faults: list[Fault] = []
        self._window = -1
        self._window_count = 0
        super().__init__(dataset, subdomain=subdomain, email=email, clock=clock)
        self.app = Starlette(routes=self._routes())

    # ---- fault knobs -------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        path: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        after: bool = False,
    ) -> None:
        """Answer the next `times` requests (to `path` when given) with `status` and Zendesk's error body.

        With `after`, the request is handled first, as when a gateway times out after the write was stored.
        """
        error_body = body if body is not None else ERROR_BODIES.get(status)
        self._faults.append(Fault("status", times, path, status, error_body, headers or {}, after))

    def corrupt_next(self, mode: str = "not-json", *, times: int = 1, path: str | None = None) -> None:
        """Answer the next successful requests with a body that is not JSON or has the wrong shape."""
        if mode not in {"not-json", "wrong-shape"}:
            raise ValueError(mode)
        self._faults.append(Fault(mode, times, path))

    def revoke_credentials(self) -> None:
        """From now on every credential is refused with a 401."""
        self._accepted = set()

    def requests_to(self, path: str, method: str = "GET") -> list[Call]:
        return [c for c in self.calls if c.path == path and c.method == method]

    # ---- plumbing ----------------------------------------------------------------------------

    def _routes(self) -> list[Route]:
        def route(path: str, handler: Handler, methods: Iterable[str] = ("GET",)) -> Route:
            return Route(path, self._guarded(handler), methods=list(methods))

        return [
            route("/api/v2/users/me.json", self._me),
            route("/api/v2/search.json", self._search),
            route("/api/v2/tickets/{ticket_id:int}.json", self._show_ticket),
            route("/api/v2/tickets/{ticket_id:int}.json", self._update_ticket, methods=("PUT",)),
            route("/api/v2/tickets/{ticket_id:int}/comments.json", self._list_comments),
            route("/api/v2/help_center/articles/search.json", self._search_articles),
            route("/api/v2/help_center/articles.json", self._list_articles),
            route("/api/v2/help_center/articles/{article_id:int}.json", self._show_article),
            route("/api/v2/help_center/{locale}/articles.json", self._list_articles),
            route("/api/v2/help_center/{locale}/articles/{article_id:int}.json", self._show_article),
        ]

    def _guarded(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            body: Any = None
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    return JSONResponse(
                        {"error": "Unprocessable Entity", "description": "Malformed JSON"}, 400
                    )
            path = request.url.path
            self.calls.append(Call.of(request, body))
            if any(path.startswith(prefix) for prefix in self.gone):
                return JSONResponse(ERROR_BODIES[410], 410)
            authorization = request.headers.get("authorization")
            anonymous_ok = path == "/api/v2/users/me.json" or path.startswith("/api/v2/help_center/")
            if authorization not in self._accepted and (authorization is not None or not anonymous_ok):
                return JSONResponse(ERROR_BODIES[401], 401)
            limited = self._rate_limited()
            if limited is not None:
                return limited
            fault = self._take_fault(path, {"status"})
            if fault is not None and not fault.after:
                return JSONResponse(fault.body, fault.status, headers=fault.headers)
            response = await handler(request, body)
            if fault is not None:
                return JSONResponse(fault.body, fault.status, headers=fault.headers)
            if 200 <= response.status_code < 300:
                corrupt = self._take_fault(path, {"not-json", "wrong-shape"})
                if corrupt is not None:
                    return corrupted(response, corrupt.kind)
            return response

        return endpoint

    def _rate_limited(self) -> Response | None:
        if self.rate_limit is None:
            return None
        now = self._monotonic()
        window = math.floor(now)
        if window != self._window:
            self._window, self._window_count = window, 0
        if self._window_count < self.rate_limit:
            self._window_count += 1
            return None
        self.throttled += 1
        wait = max(1, math.ceil(window + 1 - now))
        return PlainTextResponse(
            "Too Many Requests",
            429,
            headers={
                "Retry-After": str(wait),
                "X-Rate-Limit": str(self.rate_limit * 60),
                "X-Rate-Limit-Remaining": "0",
            },
        )

    def _take_fault(self, path: str, kinds: set[str]) -> Fault | None:
        for fault in self._faults:
            if fault.kind in kinds and fault.times > 0 and (fault.path is None or fault.path == path):
                fault.times -= 1
                return fault
        return None

    # ---- Support -----------------------------------------------------------------------------

    async def _me(self, request: Request, body: Any) -> Response:
        if request.headers.get("authorization") is None:
            anonymous = {
                "id": None,
                "url": None,
                "name": "Anonymous user",
                "email": "invalid@example.com",
                "role": "end-user",
            }
            return JSONResponse({"user": anonymous})
        return JSONResponse({"user": self.users[self.agent_id]})

    async def _search(self, request: Request, body: Any) -> Response:
        params = request.query_params
        query = params.get("query")
        if not query:
            return JSONResponse({"error": "invalid", "description": "Invalid search: query is required"}, 400)
        try:
            page = int(params.get("page", "1"))
            per_page = min(int(params.get("per_page", "100")), 100)
        except ValueError:
            return JSONResponse(
                {"error": "InvalidPaginationParameter", "description": "page must be a number"}, 400
            )
        if page < 1 or per_page < 1:
            return JSONResponse(
                {"error": "InvalidPaginationParameter", "description": "page must be positive"}, 400
            )
        if page * per_page > SEARCH_CAP:
            return JSONResponse(
                {
                    "error": "invalid",
                    "description": "Invalid search: Requested response size was greater than Search Response Limits",
                },
                422,
            )
        matched = self.match_tickets(query)
        order = params.get("sort_order", "desc")
        sort_by = params.get("sort_by")
        if sort_by in {"updated_at", "created_at"}:
            matched.sort(key=lambda pair: (pair[1][sort_by], pair[1]["id"]), reverse=order != "asc")
        else:
            matched.sort(key=lambda pair: (-pair[0], neg_time(pair[1]["updated_at"]), pair[1]["id"]))
        window = [ticket for _, ticket in matched[(page - 1) * per_page : page * per_page]]
        results = [{**ticket, "result_type": "ticket"} for ticket in window]
        envelope: dict[str, Any] = {
            "results": results,
            "facets": None,
            "next_page": str(request.url.include_query_params(page=page + 1))
            if page * per_page < len(matched)
            else None,
            "previous_page": str(request.url.include_query_params(page=page - 1)) if page > 1 else None,
            "count": len(matched),
        }
        envelope.update(self._side_loads(includes(params.get("include", "")), window))
        return JSONResponse(envelope)

    async def _show_ticket(self, request: Request, body: Any) -> Response:
        number = request.path_params["ticket_id"]
        ticket = self.tickets.get(number)
        if ticket is None:
            return JSONResponse(NOT_FOUND, 404)
        wanted = includes(request.query_params.get("include", ""))
        shown = dict(ticket)
        if "slas" in wanted:
            shown["slas"] = {"policy_metrics": [self._policy_metric(t) for t in self._slas.get(number, ())]}
        if "metric_events" in wanted:
            shown["metric_events"] = self._events.get(number, {})
        return JSONResponse({"ticket": shown, **self._side_loads(wanted, [ticket])})

    async def _update_ticket(self, request: Request, body: Any) -> Response:
        number = request.path_params["ticket_id"]
        ticket = self.tickets.get(number)
        if ticket is None:
            return JSONResponse(NOT_FOUND, 404)
        if not isinstance(body, dict) or not isinstance(body.get("ticket"), dict):
            return JSONResponse({"error": "InvalidEndpoint", "description": "ticket is required"}, 400)
        if ticket["status"] == "closed":
            return invalid("status", "Status: closed prevents ticket update")
        change = body["ticket"]
        comment = change.get("comment")
        events: list[dict[str, Any]] = []
        now = self._clock()
        if comment is not None:
            text = comment.get("body") or comment.get("html_body") or ""
            if not isinstance(text, str) or not text.strip():
                return invalid("base", "Comment: cannot be blank")
            public = comment.get("public", True)
            if not isinstance(public, bool):
                return invalid("public", "Public: is not a boolean")
            created = self._comment_json(next(self._ids), self.agent_id, text, public, now)
            self.comments[number].append(created)
            events.append(
                {
                    k: created[k]
                    for k in (
                        "id",
                        "type",
                        "author_id",
                        "body",
                        "html_body",
                        "plain_body",
                        "public",
                        "attachments",
                        "audit_id",
                    )
                }
            )
        ticket["updated_at"] = iso(now)
        audit = {
            "id": next(self._ids),
            "ticket_id": number,
            "created_at": iso(now),
            "author_id": self.agent_id,
            "metadata": {"system": {}, "custom": {}},
            "events": events,
            "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
        }
        return JSONResponse({"ticket": ticket, "audit": audit})

    async def _list_comments(self, request: Request, body: Any) -> Response:
        number = request.path_params["ticket_id"]
        if number not in self.tickets:
            return JSONResponse(NOT_FOUND, 404)
        comments = self.comments[number]
        params = request.query_params
        wanted = includes(params.get("include", ""))
        if any(key.startswith("page[") for key in params):
            size = min(int(params.get("page[size]", "100")), 100)
            start = 0
            if params.get("page[after]"):
                try:
                    start = int(base64.urlsafe_b64decode(params["page[after]"].encode()).decode())
                except ValueError:
                    return JSONResponse(
                        {"error": "InvalidPaginationParameter", "description": "invalid cursor"}, 400
                    )
            window = comments[start : start + size]
            more = start + size < len(comments)
            after = base64.urlsafe_b64encode(str(start + size).encode()).decode() if window else None
            before = base64.urlsafe_b64encode(str(start).encode()).decode() if window else None
            envelope: dict[str, Any] = {
                "comments": window,
                "meta": {"has_more": more, "after_cursor": after, "before_cursor": before},
                "links": {
                    "prev": None,
                    "next": str(request.url.include_query_params(**{"page[after]": after})) if more else None,
                },
            }
        else:
            page = int(params.get("page", "1"))
            per_page = min(int(params.get("per_page", "100")), 100)
            window = comments[(page - 1) * per_page : page * per_page]
            envelope = {
                "comments": window,
                "next_page": str(request.url.include_query_params(page=page + 1))
                if page * per_page < len(comments)
                else None,
                "previous_page": None,
                "count": len(comments),
            }
        if "users" in wanted:
            ids = {c["author_id"] for c in window if c["author_id"] in self.users}
            envelope["users"] = [self.users[i] for i in sorted(ids)]
        return JSONResponse(envelope)
