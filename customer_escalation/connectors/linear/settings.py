"""The ``LINEAR_*`` variables (see CONNECTORS.md), read once into one validated object.

LINEAR_API_KEY           a personal API key, sent as ``Authorization: <key>`` (a secret)
LINEAR_OAUTH_TOKEN       an OAuth 2.0 access token, sent as ``Authorization: Bearer <token>`` (a secret;
                         used instead of the API key when both are set)
LINEAR_BASE_URL          API root, default https://api.linear.app (https, or http on loopback)
LINEAR_TEAMS             comma-separated team keys (``ENG,SUP``) the connector may read and create in;
                         empty means every team the credentials can see
LINEAR_BUG_LABELS        label names that make an issue a bug (default ``Bug``)
LINEAR_FEATURE_LABELS    label names that make an issue a feature (default ``Feature,Improvement``)
LINEAR_REOPENED_STATE    the workflow state name of a reopened issue (default ``Reopened``)
LINEAR_TICKET_URL        the support ticket's web address with ``{id}``; created issues link their
                         tickets as attachments at it, and attachments at it read as ticket links
LINEAR_ACCOUNT_URL       the same for CRM accounts
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr
from pydantic_core import PydanticUseDefault

from .._http import check_base_url
from ..errors import ConfigError
from ..setting_values import checked_base_url, setting_problem, single_token
from ..settings import Settings, VendorSettings, split_list

DEFAULT_BASE_URL = "https://api.linear.app"
API_KEY_VAR = "LINEAR_API_KEY"
OAUTH_TOKEN_VAR = "LINEAR_OAUTH_TOKEN"
_TEAM_KEY = re.compile(r"[A-Z0-9][A-Z0-9_]{0,6}")


def _single_token(value: Any) -> Any:
    token = single_token(value)
    if isinstance(token, str) and token.lower().startswith("bearer"):
        raise setting_problem("must be the key or token alone, without a 'Bearer' prefix")
    return token


def _team_keys(value: Any) -> Any:
    keys = split_list(value) if isinstance(value, str) else value
    if isinstance(keys, tuple):
        keys = tuple(dict.fromkeys(key.upper() for key in keys))
        if any(not _TEAM_KEY.fullmatch(key) for key in keys):
            raise setting_problem("must be team keys such as ENG (letters and digits, as in ENG-123)")
    return keys


def _names(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    names = split_list(value)
    if not names:
        raise PydanticUseDefault()
    return names


def _link_template(value: str) -> str:
    template = value.strip()
    if template.count("{id}") != 1 or re.search(r"\{(?!id\})", template):
        raise setting_problem("must contain {id} exactly once, where the record's id goes")
    try:
        check_base_url(template.replace("{id}", "1"), variable="the link")
    except ConfigError:
        raise setting_problem("must be an https address (plain http is only allowed for localhost)") from None
    return template


Secret = Annotated[SecretStr, BeforeValidator(_single_token)]
TeamKeys = Annotated[tuple[str, ...], BeforeValidator(_team_keys)]
Names = Annotated[tuple[str, ...], BeforeValidator(_names)]
LinkTemplate = Annotated[str, AfterValidator(_link_template)]


class LinearSettings(VendorSettings):
    """How to reach Linear, as whom, which teams to read, and how labels and states read."""

    api_key: Secret | None = Field(None, alias=API_KEY_VAR)
    oauth_token: Secret | None = Field(None, alias=OAUTH_TOKEN_VAR)
    base_url: Annotated[str, checked_base_url("LINEAR_BASE_URL")] = Field(
        DEFAULT_BASE_URL, alias="LINEAR_BASE_URL"
    )
    teams: TeamKeys = Field((), alias="LINEAR_TEAMS")
    bug_labels: Names = Field(("Bug",), alias="LINEAR_BUG_LABELS")
    feature_labels: Names = Field(("Feature", "Improvement"), alias="LINEAR_FEATURE_LABELS")
    reopened_state: Annotated[str, AfterValidator(str.strip)] = Field(
        "Reopened", alias="LINEAR_REOPENED_STATE"
    )
    ticket_url: LinkTemplate | None = Field(None, alias="LINEAR_TICKET_URL")
    account_url: LinkTemplate | None = Field(None, alias="LINEAR_ACCOUNT_URL")

    @classmethod
    def load(cls, settings: Settings) -> LinearSettings:
        """The variables of `settings`, with a credential required.

        Raises:
            ConfigError: one line naming each variable that is missing or malformed, never its value.
        """
        no_credential = settings.value(API_KEY_VAR) is None and settings.value(OAUTH_TOKEN_VAR) is None
        return cls.from_settings(
            settings, also=[f"{API_KEY_VAR} (or {OAUTH_TOKEN_VAR}): is not set"] if no_credential else []
        )

    def authorization(self) -> tuple[str, str]:
        """The ``Authorization`` header value and the variable it comes from: an OAuth token as a
        bearer token, else the API key alone (Linear refuses a key sent as a bearer token)."""
        if self.oauth_token is not None:
            return f"Bearer {self.oauth_token.get_secret_value()}", OAUTH_TOKEN_VAR
        assert self.api_key is not None, "load() requires a credential"
        return self.api_key.get_secret_value(), API_KEY_VAR


__all__ = ["API_KEY_VAR", "DEFAULT_BASE_URL", "OAUTH_TOKEN_VAR", "LinearSettings"]
