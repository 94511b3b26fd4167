"""How Linear authenticates, rate-limits and reports errors (`VendorPolicy` for `HttpApi`).

* Auth: a personal API key goes in ``Authorization`` alone, an OAuth token as ``Bearer <token>``.
* Errors come as GraphQL ``errors`` (``{message, extensions: {type, userPresentableMessage}}``) with
  HTTP 200 or 400; the first error's ``extensions.type`` decides which connector error it becomes.
* Rate limits: a ``ratelimited`` error or HTTP 429. Linear meters two leaky buckets, requests and query
  complexity; every response reports both (``X-RateLimit-Requests-*``, ``X-RateLimit-Complexity-*``,
  resets in epoch milliseconds) and the cost of the query (``X-Complexity``). The wait is
  ``Retry-After`` when sent, else until the exhausted bucket resets. The last reading is kept in
  `LinearPolicy.budget`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx2

from .._http import Json, VendorPolicy
from ..base import Clock, utc_now
from ..errors import (
    AuthError,
    ConnectorError,
    InvalidQueryError,
    NotFoundError,
    PermissionDeniedError,
    UpstreamError,
)
from .models import ErrorBody

SYSTEM = "linear"
RATE_LIMITED = "ratelimited"
_AUTH = frozenset({"authentication error"})
_FORBIDDEN = frozenset({"forbidden", "feature not accessible"})
_TRANSIENT = frozenset({"internal error", "lock timeout", "network error", "unknown", "bootstrap error"})
_NOT_FOUND = ("entity not found", "could not find referenced")

logger = logging.getLogger("customer_escalation.connectors.linear")


@dataclass(frozen=True)
class Budget:
    """What one response said about the two rate-limit buckets (None where a header was absent)."""

    requests_remaining: int | None = None
    requests_reset: datetime | None = None
    complexity_remaining: int | None = None
    complexity_reset: datetime | None = None
    complexity: int | None = None
    """The cost of the query just answered (``X-Complexity``)."""

    @classmethod
    def read(cls, headers: Mapping[str, str]) -> Budget:
        return cls(
            requests_remaining=_number(headers.get("x-ratelimit-requests-remaining")),
            requests_reset=_epoch_ms(headers.get("x-ratelimit-requests-reset")),
            complexity_remaining=_number(headers.get("x-ratelimit-complexity-remaining")),
            complexity_reset=_epoch_ms(headers.get("x-ratelimit-complexity-reset")),
            complexity=_number(headers.get("x-complexity")),
        )

    def exhausted_until(self) -> datetime | None:
        """When the later of the empty buckets refills, or None when neither is known to be empty."""
        resets = [
            reset
            for remaining, reset in (
                (self.requests_remaining, self.requests_reset),
                (self.complexity_remaining, self.complexity_reset),
            )
            if remaining is not None and remaining <= 0 and reset is not None
        ]
        return max(resets) if resets else None


class LinearPolicy(VendorPolicy):
    """One ``Authorization`` value; GraphQL error types mapped to the `connectors.errors` tree."""

    system = SYSTEM

    def __init__(self, authorization: str, *, variable: str, clock: Clock = utc_now) -> None:
        self._authorization = authorization
        self.credentials_hint = variable
        self._clock = clock
        self.budget = Budget()

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": self._authorization}

    def is_rate_limited(self, response: httpx2.Response, body: Json | None) -> bool:
        errors = ErrorBody.read(body)
        return response.status_code == 429 or (errors is not None and errors.errors[0].kind == RATE_LIMITED)

    def retry_after(self, response: httpx2.Response) -> float | None:
        delay = super().retry_after(response)
        if delay is not None:
            return delay
        until = Budget.read(response.headers).exhausted_until()
        if until is None:
            return None
        return max(0.0, (until - self._clock()).total_seconds())

    def classify(self, response: httpx2.Response, body: Json | None) -> ConnectorError | None:
        self._observe(response)
        errors = ErrorBody.read(body)
        if errors is None:
            return None
        kind = errors.errors[0].kind
        detail = _detail(errors)
        if kind == RATE_LIMITED:
            return None  # is_rate_limited() says so; the HTTP layer waits and retries
        if kind in _AUTH:
            return AuthError(
                f"linear rejected the credentials ({detail}); check {self.credentials_hint}", system=SYSTEM
            )
        if kind in _FORBIDDEN:
            return PermissionDeniedError(f"linear refused the request: {detail}", system=SYSTEM)
        if kind == "usage limit exceeded":
            return PermissionDeniedError(
                f"linear: the workspace has reached a limit of its plan ({detail})", system=SYSTEM
            )
        if kind in _TRANSIENT:
            return UpstreamError(
                f"linear failed to answer: {detail}", system=SYSTEM, status=response.status_code
            )
        if any(marker in detail.casefold() for marker in _NOT_FOUND):
            return NotFoundError(f"linear: not found ({detail})", system=SYSTEM)
        return InvalidQueryError(f"linear rejected the request: {detail}", system=SYSTEM)

    def error_detail(self, response: httpx2.Response, body: Json | None) -> str:
        errors = ErrorBody.read(body)
        return _detail(errors) if errors is not None else super().error_detail(response, body)

    def _observe(self, response: httpx2.Response) -> None:
        budget = Budget.read(response.headers)
        if budget != Budget():
            self.budget = budget
            logger.debug(
                "linear: query complexity %s; %s requests and %s complexity points left",
                budget.complexity,
                budget.requests_remaining,
                budget.complexity_remaining,
            )


def _detail(errors: ErrorBody) -> str:
    return "; ".join(dict.fromkeys(error.text for error in errors.errors[:3]))[:300]


def _number(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _epoch_ms(value: str | None) -> datetime | None:

    number = _number(value)
    if number is None:
        return None
    try:
        return datetime.fromtimestamp(number / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


__all__ = ["RATE_LIMITED", "SYSTEM", "Budget", "LinearPolicy"]
