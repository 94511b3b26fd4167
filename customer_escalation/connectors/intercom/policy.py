"""How Intercom authenticates, rate-limits and reports errors (`VendorPolicy` for `HttpApi`).

Intercom limits requests per app over ten-second windows. A 429 carries no `Retry-After`; the headers
`X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (UNIX seconds when the window
resets) are on every answer, so the wait is the reset time minus now. Errors come as
`{"type": "error.list", "errors": [{"code", "message"}]}`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx2

from .._http import VendorPolicy
from .models import ErrorBody

SYSTEM = "intercom"
RESET_HEADER = "X-RateLimit-Reset"
MAX_RESET_WAIT = 60.0
"""A reset further away than this is read as a clock problem, not a wait: the HTTP layer's default applies."""


class IntercomPolicy(VendorPolicy):
    """Bearer auth with an access token; waits until `X-RateLimit-Reset` after a 429.

    Args:
        token: the app's access token.
        wall_clock: UNIX seconds now (tests pass a fixed one).
    """

    system = SYSTEM
    credentials_hint = "INTERCOM_ACCESS_TOKEN (an Intercom app's access token) and INTERCOM_REGION"

    def __init__(self, token: str, *, wall_clock: Callable[[], float] = time.time) -> None:
        self._token = token
        self._wall_clock = wall_clock

    def __repr__(self) -> str:
        return "IntercomPolicy()"

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def retry_after(self, response: httpx2.Response) -> float | None:
        reset = _reset_at(response)
        if reset is not None and response.status_code == 429:
            wait = reset - self._wall_clock()
            if wait <= MAX_RESET_WAIT:
                return max(0.0, wait)
        return super().retry_after(response)

    def error_detail(self, response: httpx2.Response, body: Any | None) -> str:
        error = ErrorBody.read(body)
        if error is None or not error.errors:
            return super().error_detail(response, body)
        parts = []
        for item in error.errors[:3]:
            message = " ".join((item.message or "").split())
            code = f"[{item.code}]" if item.code else ""
            parts.append(" ".join(p for p in (message, code) if p))
        return "; ".join(p for p in parts if p)[:400] or super().error_detail(response, body)


def _reset_at(response: httpx2.Response) -> float | None:
    value = response.headers.get(RESET_HEADER)
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None


__all__ = ["RESET_HEADER", "SYSTEM", "IntercomPolicy"]
