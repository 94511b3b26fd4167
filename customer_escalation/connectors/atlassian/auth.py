"""How Jira and Confluence requests authenticate: an API token with its account email (Basic auth) or
an OAuth 2.0 access token (Bearer), and which variables hold them, so auth errors can name them."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from pydantic import SecretStr

from ..errors import ConfigError


@dataclass(frozen=True)
class AtlassianAuth:
    """How requests authenticate, and which variables hold the credentials (named in auth errors)."""

    header: str = field(repr=False)
    variables: str

    @classmethod
    def basic(cls, email: str, api_token: str, *, variables: str) -> AtlassianAuth:
        """Basic auth with an account email and an API token."""
        raw = f"{email}:{api_token}".encode()
        return cls(header=f"Basic {base64.b64encode(raw).decode('ascii')}", variables=variables)

    @classmethod
    def bearer(cls, token: str, *, variables: str) -> AtlassianAuth:
        """An OAuth 2.0 access token."""
        return cls(header=f"Bearer {token}", variables=variables)


@dataclass(frozen=True)
class Credentials:
    """The credential variables of one product as configured: ``<prefix>OAUTH_TOKEN``, else
    ``<prefix>EMAIL`` with ``<prefix>API_TOKEN``."""

    prefix: str
    oauth_token: SecretStr | None = field(default=None, repr=False)
    email: str | None = None
    api_token: SecretStr | None = field(default=None, repr=False)

    @property
    def any_set(self) -> bool:
        return any(value is not None for value in (self.oauth_token, self.email, self.api_token))

    def auth(self, purpose: str, *, fallback: Credentials | None = None) -> AtlassianAuth:
        """The auth these variables give; when none of them is set, the `fallback` credentials'
        (Confluence falls back on Jira's).

        Raises:
            ConfigError: naming the variable that is missing, never a value.
        """
        if fallback is not None and not self.any_set and fallback.any_set:
            return fallback.auth(purpose)
        oauth, email, token = (f"{self.prefix}{n}" for n in ("OAUTH_TOKEN", "EMAIL", "API_TOKEN"))
        if self.oauth_token is not None:
            return AtlassianAuth.bearer(self.oauth_token.get_secret_value(), variables=oauth)
        if self.email is not None and self.api_token is not None:
            return AtlassianAuth.basic(
                self.email, self.api_token.get_secret_value(), variables=f"{email} and {token}"
            )
        if self.email is not None:
            raise ConfigError(f"{token} is not set; it is needed with {email} for {purpose}")
        if self.api_token is not None:
            raise ConfigError(f"{email} is not set; it is needed with {token} for {purpose}")
        also = (
            f", nor {fallback.prefix}EMAIL and {fallback.prefix}API_TOKEN to fall back on"
            if fallback is not None
            else ""
        )
        raise ConfigError(
            f"{email} and {token} (or {oauth}) are not set{also}; they are needed for {purpose}"
        )


__all__ = ["AtlassianAuth", "Credentials"]
