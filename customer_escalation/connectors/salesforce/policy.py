"""How Salesforce authenticates, limits and reports errors (`VendorPolicy` for `HttpApi`).

Salesforce has no per-second rate limit to wait out. Its limit is the org's rolling 24-hour API request
allowance, reported on every response as `Sforce-Limit-Info: api-usage=used/allowed`; once it is used up
every request answers 403 `REQUEST_LIMIT_EXCEEDED`, and waiting seconds cannot help. The same error code
with a `Concurrent...` message means too many long requests are running at once: that one passes, so it
is retried like a rate limit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2

from .._http import VendorPolicy
from ..errors import ConnectorError, InvalidQueryError, NotFoundError, RateLimitedError
from .models import ErrorItem, read_errors

SYSTEM = "salesforce"
LIMIT_HEADER = "Sforce-Limit-Info"
_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")


@dataclass(frozen=True)
class ApiUsage:
    """The org's API requests in the last 24 hours and its allowance, from `Sforce-Limit-Info`."""

    used: int
    allowed: int

    def __str__(self) -> str:
        return f"{self.used}/{self.allowed} API requests in the last 24 hours"


def read_usage(response: httpx2.Response) -> ApiUsage | None:
    match = _USAGE.search(response.headers.get(LIMIT_HEADER, ""))
    return ApiUsage(int(match.group(1)), int(match.group(2))) if match else None


class SalesforcePolicy(VendorPolicy):
    """Bearer auth with an OAuth access token; remembers the latest `Sforce-Limit-Info`."""

    system = SYSTEM
    credentials_hint = (
        "SALESFORCE_ACCESS_TOKEN (an OAuth access token; it expires with its session) and "
        "SALESFORCE_INSTANCE_URL (the org it was issued for)"
    )

    def __init__(self, token: str) -> None:
        self._token = token
        self.usage: ApiUsage | None = None
        """The org's API usage as of the latest response that reported it."""

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def is_rate_limited(self, response: httpx2.Response, body: Any | None) -> bool:
        if response.status_code == 429:
            return True
        limit = _limit_error(response, body)
        return limit is not None and _is_concurrency(limit)

    def retry_after(self, response: httpx2.Response) -> float | None:
        delay = super().retry_after(response)
        if delay is None and response.status_code == 403:
            limit = _limit_error(response, _body_of(response))
            if limit is not None and _is_concurrency(limit):
                return 1.0  # long-running requests of the org finish within seconds
        return delay

    def classify(self, response: httpx2.Response, body: Any | None) -> ConnectorError | None:
        self.usage = read_usage(response) or self.usage
        limit = _limit_error(response, body)
        if limit is not None and not _is_concurrency(limit):
            usage = f" ({self.usage})" if self.usage is not None else ""
            return RateLimitedError(
                f"salesforce: the org's daily API request limit is used up{usage}; Salesforce counts "
                "requests over a rolling 24 hours, so CRM data is unavailable until usage falls below "
                "the limit or an administrator raises it",
                system=SYSTEM,
            )
        codes = {e.error_code for e in read_errors(body)} if response.status_code in {400, 404} else set()
        if "INVALID_FIELD" in codes:
            return InvalidQueryError(
                f"salesforce: {self.error_detail(response, body)}; check that every SALESFORCE_*_FIELD "
                "setting names a field this org has and the token's user may read",
                system=SYSTEM,
            )
        if response.status_code == 404 and "NOT_FOUND" in codes:
            return NotFoundError(
                "salesforce: the REST API is not at this address; check SALESFORCE_INSTANCE_URL and "
                "SALESFORCE_API_VERSION (an org answers only the API versions of its release)",
                system=SYSTEM,
            )
        return None

    def error_detail(self, response: httpx2.Response, body: Any | None) -> str:
        errors = [e for e in read_errors(body) if e.message or e.error_code]
        if not errors:
            return super().error_detail(response, body)
        parts = [_describe(e) for e in errors[:3]]
        return "; ".join(parts)[:400]


def _describe(error: ErrorItem) -> str:
    message = " ".join((error.message or "").split())
    if error.error_code and message:
        return f"{message} [{error.error_code}]"
    return message or str(error.error_code)


def _limit_error(response: httpx2.Response, body: Any | None) -> ErrorItem | None:
    if response.status_code != 403:
        return None
    return next((e for e in read_errors(body) if e.error_code == "REQUEST_LIMIT_EXCEEDED"), None)


def _is_concurrency(error: ErrorItem) -> bool:
    return "concurrent" in (error.message or "").lower()


def _body_of(response: httpx2.Response) -> Any | None:
    try:
        return response.json() if response.content else None
    except (ValueError, UnicodeDecodeError):
        return None


__all__ = ["LIMIT_HEADER", "SYSTEM", "ApiUsage", "SalesforcePolicy", "read_usage"]
