"""How HubSpot authenticates, rate-limits and reports errors (`VendorPolicy` for `HttpApi`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2

from .._http import VendorPolicy
from ..errors import ConnectorError, RateLimitedError
from .models import ErrorBody

SYSTEM = "hubspot"


class HubSpotPolicy(VendorPolicy):
    """Bearer auth with a private app token; the 429 body tells a burst limit from the daily quota."""

    system = SYSTEM
    credentials_hint = "HUBSPOT_ACCESS_TOKEN (a HubSpot private app access token)"

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def is_rate_limited(self, response: httpx2.Response, body: Any | None) -> bool:
        return response.status_code == 429 and _limit_policy(body) != "DAILY"

    def classify(self, response: httpx2.Response, body: Any | None) -> ConnectorError | None:
        if response.status_code == 429 and _limit_policy(body) == "DAILY":
            return RateLimitedError(
                "hubspot: the portal's daily API call limit is used up; it resets at midnight in the "
                "portal's time zone, so CRM data is unavailable until then",
                system=SYSTEM,
            )
        return None

    def retry_after(self, response: httpx2.Response) -> float | None:
        if response.status_code == 429:
            if _limit_policy(_body_of(response)) == "DAILY":
                return None  # waiting seconds cannot help; classify() raises at once
            # HubSpot rarely sends Retry-After. A second clears the per-second limit; for the rolling
            # ten-second limit it is a short probe, repeated within the HTTP layer's wait budget.
            delay = super().retry_after(response)
            return 1.0 if delay is None else delay
        return super().retry_after(response)

    def error_detail(self, response: httpx2.Response, body: Any | None) -> str:
        error = ErrorBody.read(body)
        if error is None or error.message is None:
            return super().error_detail(response, body)
        detail = " ".join(error.message.split())
        scopes = error.required_scopes()
        if scopes:
            detail += f" (required scopes: {', '.join(scopes)})"
        extras = [value for value in (error.category, error.correlation_id) if value is not None]
        if extras:
            detail += f" [{' '.join(extras)}]"
        return detail[:400]


def _body_of(response: httpx2.Response) -> Any | None:
    try:
        return response.json() if response.content else None
    except (ValueError, UnicodeDecodeError):
        return None


def _limit_policy(body: Any | None) -> str | None:
    error = ErrorBody.read(body)
    if error is None or error.policy_name is None:
        return None
    return error.policy_name.upper()


__all__ = ["SYSTEM", "HubSpotPolicy"]
