"""Checks that several vendors' settings make of their values the same way: a secret that must be one
token, an API root that must be https (or http on loopback), and the error a malformed value gives."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, SecretStr
from pydantic_core import PydanticCustomError

from ._http import check_base_url
from .errors import ConfigError


def setting_problem(message: str) -> PydanticCustomError:
    """A malformed setting: `message` says what the value must be (`VendorSettings` names the variable)."""
    return PydanticCustomError("vendor_setting", message)


def single_token(value: Any) -> Any:
    """A token without the white space around it; one with spaces or line breaks inside is refused
    (anything but a string is left to the field's own type)."""
    if not isinstance(value, str):
        return value
    token = value.strip()
    if not token or any(ch.isspace() for ch in token):
        raise setting_problem("must be a single token without spaces or line breaks")
    return token


Token = Annotated[SecretStr, BeforeValidator(single_token)]
"""A secret that is a single token: an access token, an API key."""


def checked_base_url(variable: str) -> AfterValidator:
    """For the setting `variable` that holds an API root: an https URL, or http on a loopback host."""

    def check(value: str) -> str:
        try:
            return check_base_url(value.strip(), variable=variable)
        except ConfigError:
            raise setting_problem("must be an https URL (plain http is only allowed for localhost)") from None

    return AfterValidator(check)


__all__ = ["Token", "checked_base_url", "setting_problem", "single_token"]
