"""How Notion authenticates, rate-limits and reports errors (`VendorPolicy` for `HttpApi`).

Every request carries ``Authorization: Bearer`` and the pinned ``Notion-Version``. A 429 (code
``rate_limited``) says how long to wait in ``Retry-After`` (whole seconds); a 529 ``service_overload``
is waited out the same way. A 403 ``restricted_resource`` means the page was not shared with the
integration, which the message says, since that is the usual fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2

from .._http import VendorPolicy
from ..errors import ConnectorError, PermissionDeniedError
from .models import ErrorBody

SYSTEM = "notion"
OVERLOADED = 529
_LIMIT_CODES = frozenset({"rate_limited", "service_overload"})


class NotionPolicy(VendorPolicy):
    """Bearer auth with an integration token, plus the ``Notion-Version`` header."""

    system = SYSTEM
    credentials_hint = "NOTION_TOKEN (a Notion integration token)"

    def __init__(self, token: str, version: str) -> None:
        self._token = token
        self._version = version

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self._token}", "Notion-Version": self._version}

    def is_rate_limited(self, response: httpx2.Response, body: Any | None) -> bool:
        if response.status_code in {429, OVERLOADED}:
            return True
        error = ErrorBody.read(body)
        return error is not None and error.code in _LIMIT_CODES

    def retry_after(self, response: httpx2.Response) -> float | None:
        delay = super().retry_after(response)
        if delay is None and response.status_code in {429, OVERLOADED}:
            return 1.0  # Notion documents Retry-After; a second is the average budget's refill
        return delay

    def classify(self, response: httpx2.Response, body: Any | None) -> ConnectorError | None:
        error = ErrorBody.read(body)
        if response.status_code == 403 and error is not None and error.code == "restricted_resource":
            return PermissionDeniedError(
                f"notion: the integration may not read this ({_message(error)}); share the page or its "
                "parent with the integration in Notion, or give it the read content capability",
                system=SYSTEM,
            )
        return None

    def error_detail(self, response: httpx2.Response, body: Any | None) -> str:
        error = ErrorBody.read(body)
        if error is None:
            return super().error_detail(response, body)
        return _message(error)


def _message(error: ErrorBody) -> str:
    text = " ".join((error.message or "").split())
    return (f"{error.code}: {text}" if error.code else text)[:300] or "no detail"


__all__ = ["OVERLOADED", "SYSTEM", "NotionPolicy"]
