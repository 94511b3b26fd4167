"""Field types the Jira and Confluence settings share (`connectors.settings.VendorSettings`).

Each product declares its own variables in its package (``JIRA_*`` in `connectors.jira.settings`,
``CONFLUENCE_*`` in `connectors.confluence.settings`); these types say how a value is read, and their
errors never repeat the value.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError, PydanticUseDefault

from .._http import check_base_url
from ..errors import ConfigError
from ..settings import split_list


def _site_url(value: str) -> str:
    try:
        return check_base_url(value, variable="the URL")
    except ConfigError:
        raise PydanticCustomError(
            "site_url", "must be an https URL such as https://<site>.atlassian.net (http only for localhost)"
        ) from None


def _names(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    names = tuple(part.strip() for part in value.split(",") if part.strip())
    if not names:
        raise PydanticUseDefault()
    return names


def _scope(value: Any) -> Any:
    return split_list(value) if isinstance(value, str) else value


SiteUrl = Annotated[str, AfterValidator(_site_url)]
"""The site or wiki root: https (plain http only for loopback hosts), without a trailing slash."""
Names = Annotated[tuple[str, ...], BeforeValidator(_names)]
"""Comma-separated names (issue types, resolutions); the field's default when none is given."""
Scope = Annotated[tuple[str, ...], BeforeValidator(_scope)]
"""Comma- or semicolon-separated keys of the projects or spaces the connector may read."""

__all__ = ["Names", "Scope", "SiteUrl"]
