"""The Zendesk connector's variables, declared once.

``ZENDESK_SUBDOMAIN`` (``acme`` for https://acme.zendesk.com) or ``ZENDESK_BASE_URL``; ``ZENDESK_EMAIL``
with ``ZENDESK_API_TOKEN`` (Basic ``{email}/token:{token}``), or ``ZENDESK_OAUTH_TOKEN`` (Bearer);
optional ``ZENDESK_HC_LOCALE``, the Help Center locale (default ``en-us``).

A variable that is missing or malformed is reported by name, never with its value; all problems come
out together in one `ConfigError` line.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .._http import check_base_url
from ..errors import ConfigError
from ..settings import VendorSettings

DEFAULT_HC_LOCALE = "en-us"

_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_LOCALE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,4})?$")


def _not_set(alternative: str) -> PydanticCustomError:
    return PydanticCustomError(
        "not_set",
        "is not set (set it, or {alternative} instead)",
        {"alternative": alternative},
    )


class ZendeskSettings(VendorSettings):
    """Where the Zendesk account is and how to sign in to it.

    Fields are validated in order, so a requirement that depends on an earlier variable (a subdomain
    unless a base URL is given, an email and API token unless an OAuth token is) can look at it.
    """

    base_url: str | None = Field(default=None, alias="ZENDESK_BASE_URL")
    subdomain: str | None = Field(default=None, alias="ZENDESK_SUBDOMAIN")
    oauth_token: SecretStr | None = Field(default=None, alias="ZENDESK_OAUTH_TOKEN")
    email: str | None = Field(default=None, alias="ZENDESK_EMAIL")
    api_token: SecretStr | None = Field(default=None, alias="ZENDESK_API_TOKEN")
    hc_locale: str = Field(default=DEFAULT_HC_LOCALE, alias="ZENDESK_HC_LOCALE")

    @model_validator(mode="before")
    @classmethod
    def _absent_is_none(cls, data: Any) -> Any:
        # An unset variable reads as None under its own name, so its validator runs and names it.
        if not isinstance(data, dict):
            return data
        unset = {
            info.alias: None for info in cls.model_fields.values() if info.alias and info.default is None
        }
        return {**unset, **data}

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_base_url(value.strip(), variable="ZENDESK_BASE_URL")
        except ConfigError:
            raise PydanticCustomError(
                "base_url", "must be an https URL (plain http is only allowed for localhost)"
            ) from None

    @field_validator("subdomain")
    @classmethod
    def _subdomain(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            # A base URL that was given but refused is reported on its own.
            if "base_url" in info.data and info.data["base_url"] is None:
                raise _not_set("ZENDESK_BASE_URL")
            return None
        subdomain = value.strip().lower()
        if not _SUBDOMAIN.match(subdomain):
            raise PydanticCustomError(
                "subdomain", "is not a subdomain; for https://acme.zendesk.com write acme"
            )
        return subdomain

    @field_validator("email", "api_token")
    @classmethod
    def _needed_without_oauth(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.data.get("oauth_token") is None:
            raise _not_set("ZENDESK_OAUTH_TOKEN")
        return value

    @field_validator("hc_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        locale = value.strip().lower()
        if not _LOCALE.match(locale):
            raise PydanticCustomError("locale", "is not a locale such as en-us or de")
        return locale

    @property
    def api_root(self) -> str:
        """The account's API root: the base URL, else ``https://{subdomain}.zendesk.com``."""
        return self.base_url or f"https://{self.subdomain}.zendesk.com"


__all__ = ["DEFAULT_HC_LOCALE", "ZendeskSettings"]
