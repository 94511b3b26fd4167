"""Request plumbing of the HubSpot fake: auth, scopes, rate limits, injected faults and HubSpot's
error bodies (`status`, `message`, `correlationId`, `category`), in front of the fake's endpoints.

Fault knobs (set them on the instance): `unauthorized`, `missing_scopes`, `daily_limit_reached`,
`rate_limit_next` (HubSpot 429 bodies, one per request), `secondly_limit` (fixed one-second windows on
the injected clock), `fail_next` (5xx statuses, one per request), `malformed_next`, `removed_paths`
(answer 410). `calls` logs every request.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ._hubspot_search import BadRequestError
from .calls import Call
from .faults import QueuedFaults, RejectedError

_SCOPES = (
    ("/crm/v3/objects/companies", "crm.objects.companies.read"),
    ("/crm/v4/objects/companies", "crm.objects.companies.read"),
    ("/crm/v3/objects/contacts", "crm.objects.contacts.read"),
    ("/crm/v3/objects/deals", "crm.objects.deals.read"),
    ("/crm/v3/pipelines/deals", "crm.objects.deals.read"),
    ("/crm/v3/owners", "crm.objects.owners.read"),
)


class HubSpotGateway(QueuedFaults):
    """Auth, scopes, limits and faults for a HubSpot fake; wrap each endpoint with `_wrap`."""

    def __init__(self, *, token: str, portal_id: str, clock: Callable[[], float]) -> None:
        QueuedFaults.__init__(self)
        self.token = token
        self.portal_id = portal_id
        self.clock = clock
        self.calls: list[Call] = []
        self.unauthorized = False
        self.missing_scopes: set[str] = set()
        self.daily_limit_reached = False
        self.rate_limit_next: list[str] = []
        self.secondly_limit: int | None = None
        self.removed_paths: set[str] = set()
        self.rate_limited = 0
        """How many 429s the fake has answered."""
        self._window: tuple[int, int] = (-1, 0)
        self._correlation = 0

    def requests_to(self, path: str, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.path == path and (method is None or c.method == method)]

    def _correlation_id(self) -> str:
        self._correlation += 1
        return str(uuid.UUID(int=self._correlation))

    def error(self, status: int, message: str, category: str, **extra: Any) -> JSONResponse:
        body = {"status": "error", "message": message, "correlationId": self._correlation_id(), **extra}
        body["category"] = category
        return JSONResponse(body, status_code=status)

    def _rate_limit(self, policy: str) -> JSONResponse:
        self.rate_limited += 1
        message = {
            "DAILY": "You have reached your daily limit.",
            "SECONDLY": "You have reached your secondly limit.",
        }
        body = {
            "status": "error",
            "message": message.get(policy, f"You have reached your {policy.lower()} limit."),
            "errorType": "RATE_LIMIT",
            "correlationId": self._correlation_id(),
            "policyName": policy,
            "groupName": f"publicapi:private-app:{policy.lower()}:{self.portal_id}",
        }
        headers = {"X-HubSpot-RateLimit-Daily": "250000", "X-HubSpot-RateLimit-Daily-Remaining": "0"}
        if policy != "DAILY":
            headers = {
                "X-HubSpot-RateLimit-Secondly": str(self.secondly_limit or 10),
                "X-HubSpot-RateLimit-Secondly-Remaining": "0",
            }
        return JSONResponse(body, status_code=429, headers=headers)

    def _scope_for(self, path: str) -> str | None:
        for prefix, scope in _SCOPES:
            if path.startswith(prefix):
                return scope
        return None

    async def _admit(self, request: Request, *, search: bool) -> None:
        path = request.url.path
        auth = request.headers.get("authorization")
        if self.unauthorized or auth != f"Bearer {self.token}":
            raise RejectedError(
                self.error(401, "Authentication credentials not found.", "INVALID_AUTHENTICATION")
            )
        if any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.removed_paths):
            raise RejectedError(
                self.error(410, "This endpoint has been retired; use its replacement.", "GONE")
            )
        scope = self._scope_for(path)
        if scope is not None and scope in self.missing_scopes:
            raise RejectedError(
                self.error(
                    403,
                    "This app hasn't been granted all required scopes to make this call.",
                    "MISSING_SCOPES",
                    errors=[
                        {
                            "message": "One or more of the following scopes are required.",
                            "context": {"requiredGranularScopes": [scope]},
                        }
                    ],
                )
            )
        if self.daily_limit_reached:
            raise RejectedError(self._rate_limit("DAILY"))
        if self.rate_limit_next:
            raise RejectedError(self._rate_limit(self.rate_limit_next.pop(0)))
        if self.secondly_limit is not None:
            second = int(self.clock())
            window, used = self._window
            used = used + 1 if window == second else 1
            self._window = (second, used)
            if used > self.secondly_limit:
                raise RejectedError(self._rate_limit("SECONDLY" if search else "TEN_SECONDLY_ROLLING"))
        self._raise_queued_fault(
            lambda: self.error(500, "internal error", "INTERNAL_ERROR"),
            outage="upstream unavailable",
            cut_short='{"results": [{"id": "9100000001", "propert',
        )

    def _wrap(
        self, handler: Callable[[Request, Any], Awaitable[Response]], *, search: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            self.calls.append(Call.of(request, body))
            try:
                await self._admit(request, search=search)
                response = await handler(request, body)
            except RejectedError as rejected:
                return rejected.response
            except BadRequestError as bad:
                return self._bad_request(str(bad)).response
            if not search:
                response.headers["X-HubSpot-RateLimit-Daily"] = "250000"
                response.headers["X-HubSpot-RateLimit-Daily-Remaining"] = "249000"
                response.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000"
                response.headers["X-HubSpot-RateLimit-Max"] = "190"
            return response

        return endpoint

    def _bad_request(self, message: str) -> RejectedError:
        return RejectedError(self.error(400, message, "VALIDATION_ERROR"))


__all__ = ["HubSpotGateway", "RejectedError"]
