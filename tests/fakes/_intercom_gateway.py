"""Request plumbing of the Intercom fake: the bearer token, the `Intercom-Version` header, the per-app
rate limit over ten-second windows (`X-RateLimit-Limit`, `-Remaining`, `-Reset` on every answer, no
`Retry-After`), injected faults and Intercom's error bodies (`{"type": "error.list", "errors": [...]}`).

Fault knobs (set them on the instance): `unauthorized` (401 `unauthorized`), `plan_restricted` (403
`api_plan_restricted`), `rate_limit` (requests per ten-second window on the injected clock; then 429
`rate_limit_exceeded`), `rate_limited_next` (that many 429s regardless), `fail_next` (5xx statuses, one
per request: 500 with Intercom's error body, others an HTML page), `malformed_next` (a body cut short).
`calls` logs every request.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .calls import Call
from .faults import QueuedFaults, RejectedError

SUPPORTED_VERSIONS = frozenset({*(f"2.{n}" for n in range(7, 16)), "Unstable"})
WINDOW_SECONDS = 10.0

Handler = Callable[[Request, Any], Awaitable[Response]]


def error(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    """Intercom's error body."""
    body = {
        "type": "error.list",
        "request_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{status}:{code}:{message}")),
        "errors": [{"code": code, "message": message}],
    }
    return JSONResponse(body, status_code=status, headers=headers)


class IntercomGateway(QueuedFaults):
    """Auth, version, rate limits and faults for the Intercom fake; wrap endpoints with `_wrap`.

    Args:
        token: the access token requests must carry as ``Bearer``.
        clock: monotonic seconds, for the rate-limit windows.
        wall_clock: UNIX seconds now, for `X-RateLimit-Reset`.
    """

    def __init__(self, *, token: str, clock: Callable[[], float], wall_clock: Callable[[], float]) -> None:
        QueuedFaults.__init__(self)
        self.token = token
        self.calls: list[Call] = []
        self.unauthorized = False
        self.plan_restricted = False
        self.rate_limit = 1000
        self.rate_limited_next = 0
        self._clock = clock
        self._wall_clock = wall_clock
        self._window_start: float | None = None
        self._window_count = 0

    def requests_to(self, path: str, method: str = "GET") -> list[Call]:
        return [c for c in self.calls if c.path == path and c.method == method]

    def _limit_headers(self) -> dict[str, str]:
        now = self._clock()
        start = self._window_start if self._window_start is not None else now
        reset = self._wall_clock() + max(0.0, start + WINDOW_SECONDS - now)
        return {
            "X-RateLimit-Limit": str(self.rate_limit * 6),
            "X-RateLimit-Remaining": str(max(0, self.rate_limit - self._window_count)),
            "X-RateLimit-Reset": str(math.ceil(reset)),
        }

    def _count(self) -> bool:
        """Count this request in the current window; False when the window is full."""
        now = self._clock()
        if self._window_start is None or now - self._window_start >= WINDOW_SECONDS:
            self._window_start, self._window_count = now, 0
        if self._window_count >= self.rate_limit:
            return False
        self._window_count += 1
        return True

    def _admit(self, request: Request) -> None:
        if self.unauthorized or request.headers.get("authorization") != f"Bearer {self.token}":
            raise RejectedError(error(401, "unauthorized", "Access Token Invalid"))
        version = request.headers.get("intercom-version")
        if version is not None and version not in SUPPORTED_VERSIONS:
            raise RejectedError(error(400, "intercom_version_invalid", "Requested version is not valid"))
        if self.plan_restricted:
            raise RejectedError(error(403, "api_plan_restricted", "Active subscription needed."))
        if self.rate_limited_next or not self._count():
            self.rate_limited_next = max(0, self.rate_limited_next - 1)
            raise RejectedError(error(429, "rate_limit_exceeded", "You have exceeded the rate limit"))
        self._raise_queued_fault(
            lambda: error(500, "server_error", "Server Error"),
            outage="We'll be right back.",
            cut_short='{"type": "conversation", "id": "1',
        )

    def _wrap(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            self.calls.append(Call.of(request, body, version_header="intercom-version"))
            try:
                self._admit(request)
                response = await handler(request, body)
            except RejectedError as rejected:
                response = rejected.response
            response.headers.update(self._limit_headers())
            return response

        return endpoint


__all__ = ["SUPPORTED_VERSIONS", "WINDOW_SECONDS", "IntercomGateway", "RejectedError", "error"]
