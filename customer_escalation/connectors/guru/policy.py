"""How Guru authenticates, rate-limits and reports errors (`VendorPolicy` for `HttpApi`)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import httpx2

from .._http import VendorPolicy
from .models import ErrorBody

SYSTEM = "guru"
DEFAULT_RATE_LIMIT_WAIT = 1.0
"""Seconds to wait after a 429 that names no delay: a short probe, repeated within the wait budget."""


class GuruPolicy(VendorPolicy):
    """HTTP Basic auth with a user (or collection id) and an API token; 429 means slow down."""

    system = SYSTEM
    credentials_hint = "GURU_USER and GURU_API_TOKEN (a Guru user or collection token)"

    def __init__(self, user: str, token: str) -> None:
        pair = base64.b64encode(f"{user}:{token}".encode()).decode("ascii")
        self._header = f"Basic {pair}"

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": self._header}

    def retry_after(self, response: httpx2.Response) -> float | None:
        delay = super().retry_after(response)
        if delay is None and response.status_code == 429:
            return DEFAULT_RATE_LIMIT_WAIT
        return delay

    def error_detail(self, response: httpx2.Response, body: Any | None) -> str:
        error = ErrorBody.read(body)
        if error is None or error.reason() is None:
            return super().error_detail(response, body)
        return error.reason() or ""


__all__ = ["DEFAULT_RATE_LIMIT_WAIT", "SYSTEM", "GuruPolicy"]
