"""The ``SLACK_*`` variables, declared once.

* ``SLACK_BOT_TOKEN`` (``xoxb-``, required): threads, history, channels, users and posts.
* ``SLACK_USER_TOKEN`` (``xoxp-``, scope ``search:read``): only for ``search.messages``, which Slack
  refuses to bot tokens.
* ``SLACK_BASE_URL``: the Web API root (https, or http on a loopback host for fakes and proxies).
* ``SLACK_CHANNELS``: names or ids, comma-separated; limits every read.
* ``SLACK_SEARCH_REPLY_COUNTS`` (default true): look up the reply count of search hits.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError

from .._http import check_base_url
from ..errors import ConfigError
from ..settings import VendorSettings, split_list

SYSTEM = "slack"
DEFAULT_BASE_URL = "https://slack.com/api"
BOT_TOKEN_VAR = "SLACK_BOT_TOKEN"
USER_TOKEN_VAR = "SLACK_USER_TOKEN"
BASE_URL_VAR = "SLACK_BASE_URL"
CHANNELS_VAR = "SLACK_CHANNELS"
REPLY_COUNTS_VAR = "SLACK_SEARCH_REPLY_COUNTS"


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _listed(value: Any) -> Any:
    return split_list(value) if isinstance(value, str) else value


def _token(value: SecretStr, *, kind: str) -> SecretStr:
    """`value` when it looks like a Slack token; the error never shows the value."""
    if not value.get_secret_value().removeprefix("xoxe.").startswith("xox"):
        raise PydanticCustomError(
            "slack_token", "does not look like a Slack token (expected {kind}-...)", {"kind": kind}
        )
    return value


class SlackSettings(VendorSettings):
    """The Slack connector's settings; build with `SlackSettings.from_settings`."""

    bot_token: Annotated[SecretStr, BeforeValidator(_stripped)] = Field(alias=BOT_TOKEN_VAR)
    """The bot token (xoxb-...) that reads channels and threads and posts escalations."""
    user_token: Annotated[SecretStr | None, BeforeValidator(_stripped)] = Field(
        default=None, alias=USER_TOKEN_VAR
    )
    base_url: str = Field(default=DEFAULT_BASE_URL, alias=BASE_URL_VAR)
    channels: Annotated[tuple[str, ...], BeforeValidator(_listed)] = Field(default=(), alias=CHANNELS_VAR)
    reply_counts: Annotated[bool, BeforeValidator(_stripped)] = Field(default=True, alias=REPLY_COUNTS_VAR)

    @field_validator("bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr) -> SecretStr:
        return _token(value, kind="xoxb")

    @field_validator("user_token")
    @classmethod
    def _user_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        if value.get_secret_value().removeprefix("xoxe.").startswith("xoxb-"):
            raise PydanticCustomError(
                "slack_bot_token",
                "holds a bot token (xoxb-); message search needs a user token (xoxp-) with the search:read scope",
            )
        return _token(value, kind="xoxp")

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        try:
            return check_base_url(value, variable=BASE_URL_VAR)
        except ConfigError:
            raise PydanticCustomError(
                "https_url", "must use https (plain http is only allowed for localhost)"
            ) from None


__all__ = [
    "BASE_URL_VAR",
    "BOT_TOKEN_VAR",
    "CHANNELS_VAR",
    "DEFAULT_BASE_URL",
    "REPLY_COUNTS_VAR",
    "SYSTEM",
    "USER_TOKEN_VAR",
    "SlackSettings",
]
