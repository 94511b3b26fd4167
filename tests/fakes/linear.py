"""A fake of Linear's GraphQL API, seeded from a `Dataset`. The schema it serves, the complexity it
charges and the ``IssueFilter`` it evaluates are in `linear_schema`.

It answers ``POST /graphql`` as Linear does:

* Queries are parsed and validated against the schema (HTTP 400 with a ``graphql error`` when they do
  not fit), charged a complexity (refused above 10,000) and executed: ``viewer``, ``teams``,
  ``issue(id:)`` (identifier or UUID; ``Entity not found`` otherwise), ``issues`` with a filter and
  ``orderBy``, ``searchIssues`` (every word of the term in the title, description or, with
  ``includeComments``, a comment; most matches first) and ``issueLabels``. Connections page with
  ``first`` (default 50, at most 250) and ``after`` (the last node's id), ``pageInfo`` and, for
  search, ``totalCount``.
* ``issueCreate`` (a client-chosen ``id`` must be a UUID v4 not yet taken; label ids must exist and
  belong to the workspace or the team) and ``attachmentCreate`` (the same URL on the same issue
  updates the attachment).
* Credentials: an API key alone in ``Authorization``, or ``Bearer <oauth token>``; anything else is
  an ``authentication error``.
* Every answer carries ``X-RateLimit-Requests-*``, ``X-RateLimit-Complexity-*`` (resets in epoch
  milliseconds) and ``X-Complexity``.

Fault knobs (set on the instance): `reject_auth`, `rate_limit` (requests per second on the injected
clock; past it a ``ratelimited`` error with HTTP `rate_limit_status`, with ``Retry-After`` unless
`reset_header_only`), `fail_next(status, count)` (an HTML proxy page), `error_next(type, count)` (a
GraphQL error of that type), `malformed_next(kind, count)`. `calls` logs every request.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, graphql_sync, parse, validate
from graphql.error import GraphQLSyntaxError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Dataset
from tests.fakes.calls import SlidingWindow
from tests.fakes.linear_data import LinearData
from tests.fakes.linear_schema import MAX_COMPLEXITY, build_linear_schema, complexity

BASE_URL = "https://api.linear.app"
API_KEY = "lin_api_FakeKey0123456789abcdefghijklmnopqrstuv"
TICKET_URL = "https://acme.zendesk.com/agent/tickets/{id}"
ACCOUNT_URL = "https://app.hubspot.com/contacts/4411/company/{id}"
REQUESTS_LIMIT = 5_000
COMPLEXITY_LIMIT = 3_000_000


@dataclass
class Call:
    """One request the fake received."""

    operation: str | None
    query: str
    variables: dict[str, Any]
    authorization: str | None
    status: int = 0
    complexity: int = 0


@dataclass
class LinearFake(LinearData):
    """A stateful Linear workspace. Drive it through ``httpx2.ASGITransport(app=fake.app)``."""

    dataset: Dataset = field(default_factory=Dataset)
    api_key: str = API_KEY
    oauth_token: str | None = None
    base_url: str = BASE_URL
    ticket_url: str = TICKET_URL
    account_url: str = ACCOUNT_URL
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    reject_auth: bool = False
    rate_limit: int | None = None
    rate_limit_status: int = 400
    reset_header_only: bool = False
    rate_limited: int = 0
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.schema = build_linear_schema()
        self.seed(self.dataset)
        self._faults: list[tuple[int | str, int, str | None]] = []
        self._malformed: list[str] = []
        self._limiter = SlidingWindow(self.clock)
        self.app = Starlette(routes=[Route("/graphql", self._graphql, methods=["POST"])])

    # -- knobs ------------------------------------------------------------------------------------

    def fail_next(self, status: int, count: int = 1, *, operation: str | None = None) -> None:
        """Answer the next `count` requests (of `operation`, when given) with `status` and an HTML page."""
        self._faults.append((status, count, operation))

    def error_next(self, kind: str, count: int = 1, *, operation: str | None = None) -> None:
        """Answer the next `count` requests (of `operation`, when given) with a GraphQL error whose
        ``extensions.type`` is `kind`."""
        self._faults.append((kind, count, operation))

    def malformed_next(self, kind: str = "html", count: int = 1) -> None:
        """Answer the next `count` requests 200 with an HTML page (``html``) or JSON of another shape."""
        self._malformed.extend([kind] * count)

    def operations(self) -> list[str | None]:
        return [call.operation for call in self.calls]

    # -- the endpoint -----------------------------------------------------------------------------

    async def _graphql(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return self._errors(400, "Must provide query string.", "graphql error")
        variables = body.get("variables") or {}
        call = Call(body.get("operationName"), body["query"], variables, request.headers.get("authorization"))
        self.calls.append(call)
        response = self._refuse(call) or self._answer(call)
        call.status = response.status_code
        for name, value in self._budget_headers(call.complexity).items():
            response.headers.setdefault(name, value)
        return response

    def _refuse(self, call: Call) -> Response | None:
        if self.reject_auth or call.authorization not in self._valid_auth():
            presentable = "You need to authenticate."
            if call.authorization == f"Bearer {self.api_key}":
                presentable = (
                    "It looks like you're using an API key as a Bearer token. Remove the Bearer prefix."
                )
            message = "Authentication required, not authenticated"
            return self._errors(400, message, "authentication error", presentable=presentable)
        wait = None if self.rate_limit is None else self._limiter.admit(self.rate_limit)
        if wait is not None:
            return self._limited(max(wait, 0.001))
        due = next((n for n, (_, _, op) in enumerate(self._faults) if op in {None, call.operation}), None)
        if due is not None:
            fault, count, operation = self._faults[due]
            self._faults[due] = (fault, count - 1, operation)
            if count <= 1:
                self._faults.pop(due)
            if isinstance(fault, int):
                return Response(
                    "<html><body><h1>502 Bad Gateway</h1></body></html>", fault, media_type="text/html"
                )
            return self._errors(400 if fault != "internal error" else 500, f"Fault: {fault}", fault)
        if self._malformed:
            if self._malformed.pop(0) == "html":
                return Response(
                    "<html><body>Linear is down for maintenance</body></html>", 200, media_type="text/html"
                )
            return JSONResponse({"data": {"issues": "not a connection", "searchIssues": [], "issue": 7}})
        return None

    def _valid_auth(self) -> set[str]:
        return {self.api_key, *([f"Bearer {self.oauth_token}"] if self.oauth_token else [])}

    def _limited(self, wait: float) -> Response:
        self.rate_limited += 1
        reset = self.now() + timedelta(seconds=wait)
        headers = {
            "X-RateLimit-Requests-Limit": str(self.rate_limit),
            "X-RateLimit-Requests-Remaining": "0",
            "X-RateLimit-Requests-Reset": str(int(reset.timestamp() * 1000)),
        }
        if not self.reset_header_only:
            headers["Retry-After"] = str(math.ceil(wait))
        response = self._errors(
            self.rate_limit_status, "Rate limit exceeded", "ratelimited", code="RATELIMITED"
        )
        response.headers.update(headers)
        return response

    def _answer(self, call: Call) -> Response:
        try:
            document = parse(call.query)
        except GraphQLSyntaxError as exc:
            return self._errors(400, exc.message, "graphql error", code="GRAPHQL_PARSE_FAILED")
        problems = validate(self.schema, document)
        if problems:
            return self._errors(400, problems[0].message, "graphql error", code="GRAPHQL_VALIDATION_FAILED")
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        call.complexity = complexity(operation, call.variables)
        if call.complexity > MAX_COMPLEXITY:
            return self._errors(400, f"Query too complex ({call.complexity})", "graphql error")
        result = graphql_sync(
            self.schema,
            document.loc.source if document.loc else call.query,
            self,
            None,
            call.variables,
            call.operation,
        )
        if result.errors:
            first = result.errors[0]
            status = 400 if (first.extensions or {}).get("type") != "invalid input" else 200
            return JSONResponse({"data": None, "errors": [_formatted(e) for e in result.errors]}, status)
        return JSONResponse({"data": result.data})

    def _errors(
        self, status: int, message: str, kind: str, *, code: str | None = None, presentable: str | None = None
    ) -> JSONResponse:
        extensions: dict[str, Any] = {
            "type": kind,
            "code": code or kind.upper().replace(" ", "_"),
            "userError": True,
        }
        if presentable:
            extensions["userPresentableMessage"] = presentable
        return JSONResponse({"errors": [{"message": message, "extensions": extensions}]}, status)

    def _budget_headers(self, cost: int) -> dict[str, str]:
        reset = str(int((self.now() + timedelta(hours=1)).timestamp() * 1000))
        used = sum(c.complexity for c in self.calls)
        return {
            "X-RateLimit-Requests-Limit": str(REQUESTS_LIMIT),
            "X-RateLimit-Requests-Remaining": str(max(REQUESTS_LIMIT - len(self.calls), 0)),
            "X-RateLimit-Requests-Reset": reset,
            "X-RateLimit-Complexity-Limit": str(COMPLEXITY_LIMIT),
            "X-RateLimit-Complexity-Remaining": str(max(COMPLEXITY_LIMIT - used, 0)),
            "X-RateLimit-Complexity-Reset": reset,
            "X-Complexity": str(cost),
        }


def _formatted(error: GraphQLError) -> dict[str, Any]:
    formatted = dict(error.formatted)
    formatted.setdefault("extensions", {"type": "graphql error", "code": "GRAPHQL_ERROR"})
    return formatted


__all__ = ["ACCOUNT_URL", "API_KEY", "BASE_URL", "TICKET_URL", "Call", "LinearFake"]
