"""The Guru connector's settings: the ``GURU_*`` variables, declared once.

GURU_USER          the user name (email) of a user token, or the collection id of a collection token
GURU_API_TOKEN     the API token (a secret); a collection token reads only its own collection
GURU_BASE_URL      API root, default https://api.getguru.com (https, or http on loopback)
GURU_APP_URL       root of Guru's web app that card links point to, default https://app.getguru.com
GURU_COLLECTIONS   comma-separated collection ids or names the connector may read (default: all the
                   credentials can see)
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr
from pydantic_core import PydanticCustomError

from .._http import check_base_url
from ..errors import ConfigError
from ..settings import VendorSettings, split_list

DEFAULT_BASE_URL = "https://api.getguru.com"
DEFAULT_APP_URL = "https://app.getguru.com"


def _problem(message: str) -> PydanticCustomError:
    return PydanticCustomError("guru_setting", message)


def _single_token(value: str) -> str:
    token = value.strip()
    if not token or any(ch.isspace() for ch in token):
        raise _problem("must be a single value without spaces or line breaks")
    return token


def _https(variable: str) -> AfterValidator:
    def check(value: str) -> str:
        try:
            return check_base_url(value.strip(), variable=variable)
        except ConfigError:
            raise _problem("must be an https URL (plain http is only allowed for localhost)") from None

    return AfterValidator(check)


def _collections(value: object) -> tuple[str, ...]:
    names = split_list(value) if isinstance(value, str) else ()
    if any(len(name) > 200 for name in names):
        raise _problem("must name collections by id or name (at most 200 characters each)")
    return tuple(dict.fromkeys(names))


class GuruSettings(VendorSettings):
    """Everything the Guru connector is configured with; each alias is the variable that sets it."""

    user: Annotated[str, BeforeValidator(_single_token)] = Field(alias="GURU_USER")
    """The Guru user name (email) the token belongs to, or a collection token's collection id."""
    api_token: Annotated[SecretStr, BeforeValidator(_single_token)] = Field(alias="GURU_API_TOKEN")
    """The Guru API token (user or collection token) that reads cards."""
    base_url: Annotated[str, _https("GURU_BASE_URL")] = Field(DEFAULT_BASE_URL, alias="GURU_BASE_URL")
    app_url: Annotated[str, _https("GURU_APP_URL")] = Field(DEFAULT_APP_URL, alias="GURU_APP_URL")
    collections: Annotated[tuple[str, ...], BeforeValidator(_collections)] = Field(
        (), alias="GURU_COLLECTIONS"
    )
    """Collections (ids or names) that may be read; empty means every collection the token sees."""


__all__ = ["DEFAULT_APP_URL", "DEFAULT_BASE_URL", "GuruSettings"]
