"""How Zendesk authenticates requests and reports errors."""

from __future__ import annotations

import base64
from collections.abc import Mapping

import httpx2

from .._http import Json, VendorPolicy
from ..errors import ConfigError, ConnectorError, InvalidQueryError
from .models import error_body
from .settings import ZendeskSettings

SYSTEM = "zendesk"
_SEARCH_LIMIT_HINT = "Search Response Limits"


class ZendeskPolicy(VendorPolicy):
    """Zendesk's auth and error conventions; `Retry-After` (whole seconds) signals a rate limit."""

    system = SYSTEM

    def __init__(
        self, *, email: str | None = None, api_token: str | None = None, oauth_token: str | None = None
    ) -> None:
        if oauth_token:
            self._authorization = f"Bearer {oauth_token}"
            self.credentials_hint = "ZENDESK_OAUTH_TOKEN"
        elif email and api_token:
            # People often paste the "/token" suffix into the email; it is added here.
            user = email.removesuffix("/token")
            encoded = base64.b64encode(f"{user}/token:{api_token}".encode()).decode()
            self._authorization = f"Basic {encoded}"
            self.credentials_hint = "ZENDESK_EMAIL and ZENDESK_API_TOKEN"
        else:
            raise ConfigError("Zendesk needs ZENDESK_EMAIL with ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN")

    @classmethod
    def from_settings(cls, settings: ZendeskSettings) -> ZendeskPolicy:
        """The credentials: ``ZENDESK_OAUTH_TOKEN``, else ``ZENDESK_EMAIL`` with ``ZENDESK_API_TOKEN``."""
        if settings.oauth_token is not None:
            return cls(oauth_token=settings.oauth_token.get_secret_value())
        token = settings.api_token.get_secret_value() if settings.api_token is not None else None
        return cls(email=settings.email, api_token=token)

    def __repr__(self) -> str:
        return f"ZendeskPolicy(credentials={self.credentials_hint!r})"

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": self._authorization}

    def classify(self, response: httpx2.Response, body: Json | None) -> ConnectorError | None:
        if response.status_code != 422:
            return None
        error = error_body(body)
        if error is not None and error.description and _SEARCH_LIMIT_HINT in error.description:
            return InvalidQueryError(
                "zendesk returns only the first 1,000 results of a search; narrow it with since, "
                "status or organization_id instead of paging further",
                system=SYSTEM,
            )
        return None

    def error_detail(self, response: httpx2.Response, body: Json | None) -> str:
        detail = super().error_detail(response, body)
        error = error_body(body)
        if error is None or not error.details:
            return detail
        reasons = [
            problem.description
            for problems in error.details.values()
            for problem in problems
            if problem.description
        ]
        if reasons:
            detail = f"{detail}: {'; '.join(reasons)}"[:300]
        return detail


__all__ = ["SYSTEM", "ZendeskPolicy"]
