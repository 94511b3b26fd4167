"""The HTTP policy of Jira Cloud and Confluence Cloud.

Both products live on one site (``https://<site>.atlassian.net``), accept the same credentials, signal
rate limits the same way (429 with ``Retry-After``, or only an ISO ``X-RateLimit-Reset``) and report
errors as ``{"errorMessages": [...], "errors": {...}}`` (Jira), ``{"message": ...}`` (Confluence v1)
or ``{"errors": [{title, detail}]}`` (Confluence v2).
"""

from __future__ import annotations

import re

import httpx2
from pydantic import ValidationError

from .._http import Json, VendorPolicy
from ..base import Clock, utc_now
from ..errors import AuthError, ConnectorError
from .auth import AtlassianAuth
from .models import ErrorBody
from .text import parse_time

_JAVA_EXCEPTION = re.compile(r"^(?:[\w$]+\.)+\w*Exception:\s*")


class AtlassianPolicy(VendorPolicy):
    """Jira and Confluence Cloud: one auth header, ``Retry-After`` or an ISO ``X-RateLimit-Reset``."""

    def __init__(self, *, system: str, auth: AtlassianAuth, clock: Clock = utc_now) -> None:
        self.system = system
        self.credentials_hint = auth.variables
        self._auth = auth
        self._clock = clock

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": self._auth.header}

    def retry_after(self, response: httpx2.Response) -> float | None:
        delay = super().retry_after(response)
        if delay is not None:
            return delay
        reset = response.headers.get("x-ratelimit-reset")
        if not reset:
            return None
        try:
            moment = parse_time(reset)
        except ValueError:
            return None
        return max(0.0, (moment - self._clock()).total_seconds())

    def classify(self, response: httpx2.Response, body: Json | None) -> ConnectorError | None:
        reason = response.headers.get("x-seraph-loginreason", "")
        if response.status_code == 403 and "AUTHENTICATION_DENIED" in reason:
            return AuthError(
                f"{self.system} wants a CAPTCHA after failed sign-ins; sign in once in a browser, "
                f"then check {self.credentials_hint}",
                system=self.system,
            )
        return None

    def error_detail(self, response: httpx2.Response, body: Json | None) -> str:
        try:
            parts = error_parts(ErrorBody.model_validate(body))
        except ValidationError:
            parts = []
        if parts:
            return "; ".join(parts)[:300]
        return super().error_detail(response, body)


def error_parts(error: ErrorBody) -> list[str]:
    """The readable pieces of an error body, in the order the products put them."""
    parts = [str(message) for message in error.error_messages or () if message]
    parts.extend(f"{name}: {text}" for name, text in (error.field_errors or {}).items())
    for item in error.error_list or ():
        if item is not None:
            title = item.title or item.code or "error"
            parts.append(f"{title}: {item.detail}" if item.detail else str(title))
    if error.message:
        parts.append(_JAVA_EXCEPTION.sub("", error.message))
    return parts


__all__ = ["AtlassianPolicy", "error_parts"]
