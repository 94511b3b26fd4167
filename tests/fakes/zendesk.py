"""A fake Zendesk account: Support (search, tickets, comments, users/me) and Help Center articles.

It serves a `Dataset` at Zendesk's own paths and in Zendesk's own JSON: numeric ids, `hold` for on-hold,
`null` priorities, side-loads (`include=users,organizations,slas,metric_events`, and the search API's
`include=tickets(users,organizations)`), offset pages with a `next_page` URL that keeps pointing past
the 1,000-result cap (where the real API answers 422), cursor pages for comments, and Help Center
bodies in HTML. Search implements a subset of Zendesk's syntax: `type:`, `status:` (repeated values
OR), `status<`/`>`, `updated>`/`<` and `created>`/`<` with a date or a time, `organization:` (id or
name), `tags:`, `priority:`, `requester:`, quoted phrases and bare words (all ANDed, whole words,
case-insensitive) over subject, description, comments and tags.

Fault knobs: `rate_limit` (requests per fixed one-second window; then 429, a text/plain body and
`Retry-After` with the seconds left in the window, rounded up), `fail_next` (any status with Zendesk's
error body), `corrupt_next` (a body that is not JSON, or JSON of the wrong shape), `revoke_credentials`
(every request 401) and `gone` (path prefixes answering 410). Every request is logged in `calls`.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import math
import operator
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import (
    Article,
    Comment,
    Dataset,
    Organization,
    Person,
    Ref,
    SlaTarget,
    Ticket,
)

Handler = Callable[[Request, Any], Awaitable[Response]]

SEARCH_CAP = 1_000
_STATUS_ORDER = ["new", "open", "pending", "hold", "solved", "closed"]
_PRIORITY_ORDER = ["low", "normal", "high", "urgent"]
_WORD = re.compile(r"\w+")
_TERM = re.compile(
    r'(?P<key>[a-z_]+)(?P<op><=|>=|:|<|>)(?P<val>"[^"]*"?|[^\s"]+)|"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)'
)
_KEYWORDS = frozenset(
    {"type", "status", "updated", "created", "organization", "tags", "tag", "priority", "requester"}
)
_SLA_NAMES = {
    "first_reply": "first_reply_time",
    "next_reply": "next_reply_time",
    "resolution": "requester_wait_time",
    "periodic_update": "periodic_update_time",
}
_ERROR_BODIES: dict[int, dict[str, Any]] = {
    400: {"error": "InvalidValue", "description": "Invalid value"},
    401: {"error": "Couldn't authenticate you"},
    403: {
        "error": "Forbidden",
        "description": "You do not have access to this page. Please contact the account owner of this help desk for further help.",
    },
    404: {"error": "RecordNotFound", "description": "Not found"},
    410: {"error": "Gone", "description": "This endpoint has been removed"},
    422: {"error": "RecordInvalid", "description": "Record validation errors"},
    500: {"error": "InternalError", "description": "Something went wrong"},
    502: {"error": "BadGateway", "description": "Bad gateway"},
    503: {"error": "ServiceUnavailable", "description": "Service temporarily unavailable"},
}
_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
    "=": operator.eq,
}
_NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}


def iso(moment: datetime | None) -> str | None:
    """Zendesk's timestamp format: UTC, whole seconds, `Z`."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    path: str
    params: dict[str, str]
    json: Any
    authorization: str | None


@dataclass
class _Fault:
    kind: str
    """`status`, `not-json` or `wrong-shape`."""
    times: int
    path: str | None
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    after: bool = False
    """For `status` faults: handle the request first (a write is stored), then answer with the fault."""


class ZendeskFake:
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
        self.base_url = f"https://{subdomain}.zendesk.com"
        self.email = email
        basic = base64.b64encode(f"{email}/token:{api_token}".encode()).decode()
        self._accepted = {f"Basic {basic}"} | ({f"Bearer {oauth_token}"} if oauth_token else set())
        self._clock = clock or (lambda: datetime.now(UTC))
        self._monotonic = monotonic
        self.calls: list[Call] = []
        self.rate_limit: int | None = None
        self.throttled = 0
        self.gone: set[str] = set()
        self._faults: list[_Fault] = []
        self._window = -1
        self._window_count = 0
        self._ids = itertools.count(900_000_001)
        self.users: dict[int, dict[str, Any]] = {}
        self.organizations: dict[int, dict[str, Any]] = {}
        self.tickets: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.articles: dict[int, dict[str, Any]] = {}
        self._slas: dict[int, tuple[SlaTarget, ...]] = {}
        self._events: dict[int, dict[str, list[dict[str, Any]]]] = {}
        self._user_keys: dict[str, int] = {}
        self._org_keys: dict[str, int] = {}
        self.ticket_ids: dict[str, int] = {}
        """Dataset ticket id -> Zendesk ticket id."""
        self.article_ids: dict[str, int] = {}
        """Dataset article id -> Help Center article id."""
        self.agent_id = self._user(Person(name="API Agent", email=email, role="agent"), None)
        self._seed(dataset)
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
        error_body = body if body is not None else _ERROR_BODIES.get(status)
        self._faults.append(_Fault("status", times, path, status, error_body, headers or {}, after))

    def corrupt_next(self, mode: str = "not-json", *, times: int = 1, path: str | None = None) -> None:
        """Answer the next successful requests with a body that is not JSON or has the wrong shape."""
        if mode not in {"not-json", "wrong-shape"}:
            raise ValueError(mode)
        self._faults.append(_Fault(mode, times, path))

    def revoke_credentials(self) -> None:
        """From now on every credential is refused with a 401."""
        self._accepted = set()

    def requests_to(self, path: str, method: str = "GET") -> list[Call]:
        return [c for c in self.calls if c.path == path and c.method == method]

    # ---- seeding -----------------------------------------------------------------------------

    def _seed(self, dataset: Dataset) -> None:
        for account in dataset.accounts:
            self._organization(
                Organization(
                    id=account.id, name=account.name, domain=account.domains[0] if account.domains else None
                ),
                domains=list(account.domains),
            )
        next_ticket = itertools.count(50_001)
        for ticket in dataset.tickets:
            number = int(ticket.id) if ticket.id.isdigit() else next(next_ticket)
            self.ticket_ids[ticket.id] = number
            self._add_ticket(number, ticket)
        next_article = itertools.count(360_000_200_001)
        for article in dataset.articles:
            number = int(article.id) if article.id.isdigit() else next(next_article)
            self.article_ids[article.id] = number
            self.articles[number] = self._article_json(number, article)

    def _organization(self, org: Organization, domains: list[str] | None = None) -> int:
        if org.id in self._org_keys:
            return self._org_keys[org.id]
        number = 360_000_100_001 + len(self.organizations)
        self._org_keys[org.id] = number
        self.organizations[number] = {
            "url": f"{self.base_url}/api/v2/organizations/{number}.json",
            "id": number,
            "name": org.name,
            "shared_tickets": False,
            "shared_comments": False,
            "external_id": org.id,
            "created_at": "2024-01-15T09:00:00Z",
            "updated_at": "2024-01-15T09:00:00Z",
            "domain_names": domains if domains is not None else ([org.domain] if org.domain else []),
            "details": "",
            "notes": "",
            "group_id": None,
            "tags": [],
            "organization_fields": {},
        }
        return number

    def _user(self, person: Person, org_id: int | None) -> int:
        key = (person.email or person.name or "").lower()
        if key and key in self._user_keys:
            return self._user_keys[key]
        number = 361_000_000_001 + len(self.users)
        role = "agent" if person.role in {"agent", "internal"} else "end-user"
        self.users[number] = {
            "id": number,
            "url": f"{self.base_url}/api/v2/users/{number}.json",
            "name": person.name or (person.email or "Unknown").split("@")[0],
            "email": person.email,
            "created_at": "2024-01-15T09:00:00Z",
            "updated_at": "2024-01-15T09:00:00Z",
            "time_zone": "UTC",
            "phone": None,
            "photo": None,
            "locale": "en-US",
            "organization_id": org_id if role == "end-user" else None,
            "role": role,
            "verified": True,
            "external_id": None,
            "tags": [],
            "active": True,
            "suspended": False,
        }
        if key:
            self._user_keys[key] = number
        return number

    def _add_ticket(self, number: int, ticket: Ticket) -> None:
        org_id = self._organization(ticket.organization) if ticket.organization else None
        requester = self._user(ticket.requester, org_id)
        assignee = self._user(ticket.assignee, None) if ticket.assignee else None
        tags = list(ticket.tags) + [f"jira_{key.lower()}" for key in ticket.linked_issue_keys]
        self.tickets[number] = {
            "url": f"{self.base_url}/api/v2/tickets/{number}.json",
            "id": number,
            "external_id": None,
            "via": {"channel": ticket.channel or "web", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": iso(ticket.created_at),
            "updated_at": iso(ticket.updated_at),
            "generated_timestamp": int(ticket.updated_at.timestamp()),
            "type": ticket.type,
            "subject": ticket.subject,
            "raw_subject": ticket.subject,
            "description": ticket.description,
            "priority": ticket.priority,
            "status": "hold" if ticket.status == "on_hold" else ticket.status,
            "recipient": None,
            "requester_id": requester,
            "submitter_id": requester,
            "assignee_id": assignee,
            "organization_id": org_id,
            "group_id": None,
            "collaborator_ids": [],
            "follower_ids": [],
            "email_cc_ids": [],
            "forum_topic_id": None,
            "problem_id": None,
            "has_incidents": False,
            "is_public": True,
            "due_at": None,
            "tags": tags,
            "custom_fields": [],
            "satisfaction_rating": None,
            "sharing_agreement_ids": [],
            "custom_status_id": None,
            "fields": [],
            "followup_ids": [],
            "ticket_form_id": None,
            "brand_id": 360_000_000_001,
            "allow_channelback": False,
            "allow_attachments": True,
            "from_messaging_channel": False,
        }
        opening = self._comment_json(next(self._ids), requester, ticket.description, True, ticket.created_at)
        self.comments[number] = [opening]
        for comment in ticket.comments:
            comment_id = int(comment.id) if comment.id.isdigit() else next(self._ids)
            author = -1 if comment.author.role == "system" else self._user(comment.author, org_id)
            self.comments[number].append(
                self._comment_json(comment_id, author, comment.body, comment.public, comment.created_at)
            )
        self._slas[number] = ticket.sla
        self._events[number] = self._metric_events(number, ticket)

    def _comment_json(
        self, number: int, author: int, body: str, public: bool, at: datetime
    ) -> dict[str, Any]:
        paragraphs = "".join(
            f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in body.split("\n\n") if part
        )
        return {
            "id": number,
            "type": "Comment",
            "author_id": author,
            "body": body,
            "html_body": f'<div class="zd-comment" dir="auto">{paragraphs}</div>',
            "plain_body": body,
            "public": public,
            "attachments": [],
            "audit_id": number + 1,
            "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
            "metadata": {"system": {"client": "fake", "ip_address": "127.0.0.1"}, "custom": {}},
            "created_at": iso(at),
        }

    def _metric_events(self, number: int, ticket: Ticket) -> dict[str, list[dict[str, Any]]]:
        events: dict[str, list[dict[str, Any]]] = {
            "reply_time": [],
            "requester_wait_time": [],
            "agent_work_time": [],
            "periodic_update_time": [],
        }

        def add(metric: str, kind: str, at: datetime, instance: int = 1, **extra: Any) -> None:
            events.setdefault(metric, []).append(
                {
                    "id": next(self._ids),
                    "ticket_id": number,
                    "metric": metric,
                    "instance_id": instance,
                    "type": kind,
                    "time": iso(at),
                    **extra,
                }
            )

        for metric in ("reply_time", "requester_wait_time", "agent_work_time"):
            add(metric, "activate", ticket.created_at)
        for target in ticket.sla:
            name = _SLA_NAMES[target.metric]
            metric = "reply_time" if name.endswith("reply_time") else name
            instance = 2 if target.metric == "next_reply" else 1
            applied = ticket.created_at
            if instance == 2:
                add(metric, "activate", applied, instance)
            sla = {
                "target": target.target_minutes,
                "target_in_seconds": target.target_minutes * 60 if target.target_minutes else None,
                "business_hours": False,
                "policy": {"id": 360_000_300_001, "title": target.policy, "description": None},
            }
            add(metric, "apply_sla", applied, instance, sla=sla)
            if target.paused:
                add(metric, "pause", applied, instance)
            breach = target.breach_at
            missed = target.fulfilled_at is None or (breach is not None and target.fulfilled_at > breach)
            if breach is not None and breach <= self._clock() and missed:
                add(metric, "breach", breach, instance, deleted=False)
            if target.fulfilled_at is not None:
                add(metric, "fulfill", target.fulfilled_at, instance)
        if ticket.solved_at is not None:
            add("requester_wait_time", "fulfill", ticket.solved_at)
        return events

    def _article_json(self, number: int, article: Article) -> dict[str, Any]:
        body = "".join(f"<p>{html.escape(part)}</p>" for part in article.body.split("\n\n") if part)
        if article.workaround:
            body += f"<h2>Workaround</h2><p>{html.escape(article.workaround)}</p>"
        labels = [article.kind, *article.labels]
        if article.product_area:
            labels.append(f"area:{article.product_area}")
        stamp = iso(article.updated_at)
        return {
            "id": number,
            "url": f"{self.base_url}/api/v2/help_center/en-us/articles/{number}.json",
            "html_url": f"{self.base_url}/hc/en-us/articles/{number}",
            "author_id": self.agent_id,
            "comments_disabled": False,
            "draft": False,
            "promoted": False,
            "position": 0,
            "vote_sum": 0,
            "vote_count": 0,
            "section_id": 360_000_400_001,
            "created_at": stamp,
            "updated_at": stamp,
            "edited_at": stamp,
            "name": article.title,
            "title": article.title,
            "source_locale": "en-us",
            "locale": "en-us",
            "outdated": article.status == "outdated",
            "outdated_locales": [],
            "user_segment_id": None,
            "permission_group_id": 360_000_500_001,
            "content_tag_ids": [],
            "label_names": labels,
            "body": body,
        }

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
            self.calls.append(
                Call(
                    request.method,
                    path,
                    dict(request.query_params),
                    body,
                    request.headers.get("authorization"),
                )
            )
            if any(path.startswith(prefix) for prefix in self.gone):
                return JSONResponse(_ERROR_BODIES[410], 410)
            authorization = request.headers.get("authorization")
            anonymous_ok = path == "/api/v2/users/me.json" or path.startswith("/api/v2/help_center/")
            if authorization not in self._accepted and (authorization is not None or not anonymous_ok):
                return JSONResponse(_ERROR_BODIES[401], 401)
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
                    return _corrupted(response, corrupt.kind)
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

    def _take_fault(self, path: str, kinds: set[str]) -> _Fault | None:
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
        matched = self._match_tickets(query)
        order = params.get("sort_order", "desc")
        sort_by = params.get("sort_by")
        if sort_by in {"updated_at", "created_at"}:
            matched.sort(key=lambda pair: (pair[1][sort_by], pair[1]["id"]), reverse=order != "asc")
        else:
            matched.sort(key=lambda pair: (-pair[0], _neg_time(pair[1]["updated_at"]), pair[1]["id"]))
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
        envelope.update(self._side_loads(_includes(params.get("include", "")), window))
        return JSONResponse(envelope)

    def _match_tickets(self, query: str) -> list[tuple[int, dict[str, Any]]]:
        filters: dict[str, list[tuple[str, str]]] = {}
        terms: list[list[str]] = []
        for match in _TERM.finditer(query):
            key = match.group("key")
            if key is not None and key in _KEYWORDS:
                value = match.group("val").strip('"')
                filters.setdefault("tags" if key == "tag" else key, []).append((match.group("op"), value))
                continue
            raw = match.group(0) if key is not None else (match.group("phrase") or match.group("word") or "")
            words = [w.lower() for w in _WORD.findall(raw)]
            if words:
                terms.append(words)
        found: list[tuple[int, dict[str, Any]]] = []
        for number, ticket in self.tickets.items():
            if not all(self._passes(ticket, key, conditions) for key, conditions in filters.items()):
                continue
            tokens = self._tokens(number, ticket)
            score = 0
            for words in terms:
                hits = _phrase_hits(tokens, words)
                if not hits:
                    break
                score += hits
            else:
                found.append((score, ticket))
        return found

    def _tokens(self, number: int, ticket: dict[str, Any]) -> list[str]:
        parts = [ticket["subject"] or "", ticket["description"] or "", " ".join(ticket["tags"])]
        parts.extend(c["plain_body"] for c in self.comments.get(number, []))
        return [w.lower() for w in _WORD.findall(" ".join(parts))]

    def _passes(self, ticket: dict[str, Any], key: str, conditions: list[tuple[str, str]]) -> bool:
        # The same keyword with ':' several times ORs its values; comparisons must all hold.
        equal = [value for op, value in conditions if op == ":"]
        compared = [(op, value) for op, value in conditions if op != ":"]
        if equal and not any(self._equals(ticket, key, value) for value in equal):
            return False
        return all(self._compare(ticket, key, op, value) for op, value in compared)

    def _equals(self, ticket: dict[str, Any], key: str, value: str) -> bool:
        value = value.lower()
        if key == "type":
            return value == "ticket" or value == (ticket["type"] or "")
        if key == "status":
            return bool(ticket["status"] == value)
        if key == "priority":
            return bool((ticket["priority"] or "") == value)
        if key == "tags":
            return value in ticket["tags"]
        if key == "organization":
            org = self.organizations.get(ticket["organization_id"] or -1)
            if value.isdigit():
                return bool(ticket["organization_id"] == int(value))
            return org is not None and org["name"].lower() == value
        if key == "requester":
            user = self.users.get(ticket["requester_id"])
            return user is not None and (user["email"] or "").lower() == value
        if key in {"updated", "created"}:
            return self._compare(ticket, key, "=", value)
        return False

    def _compare(self, ticket: dict[str, Any], key: str, op: str, value: str) -> bool:
        if key in {"status", "priority"}:
            order = _STATUS_ORDER if key == "status" else _PRIORITY_ORDER
            if value not in order or ticket[key] not in order:
                return False
            return _holds(order.index(ticket[key]), op, order.index(value))
        if key in {"updated", "created"}:
            stamp = datetime.fromisoformat(ticket[f"{key}_at"])
            bound = _search_time(value)
            if isinstance(bound, datetime):
                return _holds(stamp, op, bound)
            return _holds(stamp.date(), op, bound)
        return False

    def _side_loads(self, wanted: set[str], tickets: list[dict[str, Any]]) -> dict[str, Any]:
        loads: dict[str, Any] = {}
        if "users" in wanted:
            ids = {t[k] for t in tickets for k in ("requester_id", "submitter_id", "assignee_id") if t[k]}
            loads["users"] = [self.users[i] for i in sorted(ids) if i in self.users]
        if "organizations" in wanted:
            ids = {t["organization_id"] for t in tickets if t["organization_id"]}
            loads["organizations"] = [self.organizations[i] for i in sorted(ids)]
        return loads

    async def _show_ticket(self, request: Request, body: Any) -> Response:
        number = request.path_params["ticket_id"]
        ticket = self.tickets.get(number)
        if ticket is None:
            return JSONResponse(_NOT_FOUND, 404)
        wanted = _includes(request.query_params.get("include", ""))
        shown = dict(ticket)
        if "slas" in wanted:
            shown["slas"] = {"policy_metrics": [self._policy_metric(t) for t in self._slas.get(number, ())]}
        if "metric_events" in wanted:
            shown["metric_events"] = self._events.get(number, {})
        return JSONResponse({"ticket": shown, **self._side_loads(wanted, [ticket])})

    def _policy_metric(self, target: SlaTarget) -> dict[str, Any]:
        stage = "achieved" if target.fulfilled_at else "paused" if target.paused else "active"
        entry: dict[str, Any] = {
            "breach_at": iso(target.breach_at),
            "stage": stage,
            "metric": _SLA_NAMES[target.metric],
        }
        if target.breach_at is not None:
            # Zendesk states the time left in whichever unit fits: days, else hours, else minutes.
            minutes = int((target.breach_at - self._clock()).total_seconds() // 60)
            if abs(minutes) >= 1440:
                entry["days"] = int(minutes / 1440)
            elif abs(minutes) >= 60:
                entry["hours"] = int(minutes / 60)
            else:
                entry["minutes"] = minutes
        return entry

    async def _update_ticket(self, request: Request, body: Any) -> Response:
        number = request.path_params["ticket_id"]
        ticket = self.tickets.get(number)
        if ticket is None:
            return JSONResponse(_NOT_FOUND, 404)
        if not isinstance(body, dict) or not isinstance(body.get("ticket"), dict):
            return JSONResponse({"error": "InvalidEndpoint", "description": "ticket is required"}, 400)
        if ticket["status"] == "closed":
            return _invalid("status", "Status: closed prevents ticket update")
        change = body["ticket"]
        comment = change.get("comment")
        events: list[dict[str, Any]] = []
        now = self._clock()
        if comment is not None:
            text = comment.get("body") or comment.get("html_body") or ""
            if not isinstance(text, str) or not text.strip():
                return _invalid("base", "Comment: cannot be blank")
            public = comment.get("public", True)
            if not isinstance(public, bool):
                return _invalid("public", "Public: is not a boolean")
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
            return JSONResponse(_NOT_FOUND, 404)
        comments = self.comments[number]
        params = request.query_params
        wanted = _includes(params.get("include", ""))
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

    # ---- Help Center -------------------------------------------------------------------------

    async def _list_articles(self, request: Request, body: Any) -> Response:
        locale = request.path_params.get("locale", "en-us")
        if locale not in {a["locale"] for a in self.articles.values()} | {"en-us"}:
            return JSONResponse(_NOT_FOUND, 404)
        per_page = min(int(request.query_params.get("per_page", "30")), 100)
        listed = sorted(self.articles.values(), key=lambda a: a["position"])[:per_page]
        return JSONResponse(
            {
                "articles": listed,
                "count": len(self.articles),
                "next_page": None,
                "previous_page": None,
                "page": 1,
                "per_page": per_page,
                "page_count": 1,
                "sort_by": "position",
                "sort_order": "asc",
            }
        )

    async def _show_article(self, request: Request, body: Any) -> Response:
        article = self.articles.get(request.path_params["article_id"])
        locale = request.path_params.get("locale", "en-us")
        if article is None or locale != article["locale"]:
            return JSONResponse(_NOT_FOUND, 404)
        return JSONResponse({"article": article})

    async def _search_articles(self, request: Request, body: Any) -> Response:
        params = request.query_params
        query = params.get("query", "")
        labels = {label for label in params.get("label_names", "").split(",") if label}
        if not query and not labels and not params.get("category") and not params.get("section"):
            return JSONResponse(
                {
                    "error": "InvalidSearch",
                    "description": "At least one of query, category, section or label_names is required",
                },
                400,
            )
        page = int(params.get("page", "1"))
        per_page = min(int(params.get("per_page", "25")), 100)
        if page * per_page > SEARCH_CAP:
            return JSONResponse(
                {
                    "error": "invalid",
                    "description": "Requested response size was greater than Search Response Limits",
                },
                422,
            )
        locale = params.get("locale", "en-us")
        words = [w.lower() for w in _WORD.findall(query)]
        found: list[tuple[int, dict[str, Any]]] = []
        for article in self.articles.values():
            if locale not in {"*", article["locale"]}:
                continue
            if labels and not labels & set(article["label_names"]):
                continue
            tokens = [w.lower() for w in _WORD.findall(article["title"] + " " + _strip_tags(article["body"]))]
            hits = [tokens.count(word) for word in words]
            if all(hits):
                found.append((sum(hits), article))
        found.sort(key=lambda pair: (-pair[0], pair[1]["id"]))
        window = found[(page - 1) * per_page : page * per_page]
        results = [
            {**article, "result_type": "article", "snippet": _snippet(article, words)}
            for _, article in window
        ]
        return JSONResponse(
            {
                "results": results,
                "count": len(found),
                "next_page": str(request.url.include_query_params(page=page + 1))
                if page * per_page < len(found)
                else None,
                "previous_page": str(request.url.include_query_params(page=page - 1)) if page > 1 else None,
                "page": page,
                "per_page": per_page,
                "page_count": max(1, math.ceil(len(found) / per_page)),
            }
        )


def bulk_tickets(
    count: int, phrase: str, *, start: int = 10_001, now: datetime | None = None
) -> tuple[Ticket, ...]:
    """`count` small open tickets whose subject contains `phrase`, for paging and burst tests."""
    moment = now or datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    requester = Person(name="Pat Example", email="pat@example.org", role="customer")
    return tuple(
        Ticket(
            ref=Ref(system="local", id=str(start + i)),
            id=str(start + i),
            subject=f"{phrase} report {i}",
            description=f"Ticket number {i} about {phrase}.",
            status="open",
            requester=requester,
            organization=Organization(id="bulk", name="Bulk Corp", domain="bulk.example"),
            created_at=moment - timedelta(minutes=count - i),
            updated_at=moment - timedelta(minutes=count - i),
            comments=(
                Comment(
                    id=str(900 + i),
                    author=requester,
                    body="Any news?",
                    created_at=moment - timedelta(minutes=1),
                ),
            )
            if i == 0
            else (),
        )
        for i in range(count)
    )


def _includes(value: str) -> set[str]:
    inner = re.sub(r"^\w+\((.*)\)$", r"\1", value.strip())
    return {part.strip() for part in inner.split(",") if part.strip()}


def _phrase_hits(tokens: list[str], words: list[str]) -> int:
    if len(words) == 1:
        return tokens.count(words[0])
    width = len(words)
    return sum(1 for i in range(len(tokens) - width + 1) if tokens[i : i + width] == words)


def _holds(left: Any, op: str, right: Any) -> bool:
    return bool(_OPERATORS[op](left, right))


def _search_time(value: str) -> datetime | date:
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)


def _neg_time(stamp: str) -> float:
    return -datetime.fromisoformat(stamp).timestamp()


def _invalid(field_name: str, description: str) -> Response:
    return JSONResponse(
        {
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": {field_name: [{"description": description, "error": "InvalidValue"}]},
        },
        422,
    )


def _strip_tags(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def _snippet(article: dict[str, Any], words: list[str]) -> str:
    text = html.escape(_strip_tags(article["body"]).strip()[:160])
    for word in words:
        text = re.sub(rf"(?i)\b({re.escape(word)})\b", r"<em>\1</em>", text)
    return text


def _corrupted(response: Response, kind: str) -> Response:
    if kind == "not-json":
        return Response(b'{"results": [{"id": 1, ', 200, media_type="application/json")
    original = json.loads(bytes(response.body))
    broken = {
        key: "unexpected" if isinstance(value, list | dict) else value for key, value in original.items()
    }
    return JSONResponse(broken, 200)


__all__ = ["SEARCH_CAP", "Call", "ZendeskFake", "bulk_tickets", "iso"]
