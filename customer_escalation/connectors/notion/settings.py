"""The ``NOTION_*`` variables, declared once.

* ``NOTION_TOKEN`` (required, a secret): an internal integration token (``ntn_...`` or ``secret_...``)
  or an OAuth access token. The integration reads only what it has been shared with.
* ``NOTION_BASE_URL``: the API root, default ``https://api.notion.com`` (https, or http on a loopback
  host for fakes and proxies).
* ``NOTION_VERSION``: the ``Notion-Version`` header, default ``2025-09-03``.
* ``NOTION_ROOT_PAGES``: page or database ids (or their URLs), comma-separated; when set, only pages
  below one of them are read.
* ``NOTION_SCAN_PAGES`` (default 20, 0 turns it off): how many recently edited pages a search also
  reads in full to match words in their content, since Notion's search matches titles only.
* ``NOTION_REQUESTS_PER_SECOND`` (default 3, Notion's documented average): the client-side pace.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from ..setting_values import Token, checked_base_url, setting_problem
from ..settings import VendorSettings, split_list

DEFAULT_BASE_URL = "https://api.notion.com"
DEFAULT_VERSION = "2025-09-03"
DEFAULT_SCAN_PAGES = 20
MAX_SCAN_PAGES = 100
DEFAULT_REQUESTS_PER_SECOND = 3.0

_HEX_ID = re.compile(r"([0-9a-f]{32})(?:[?#].*)?$")
_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}")


def notion_id(value: str) -> str | None:
    """The dashed UUID form of a Notion id given dashed, undashed or at the end of a page URL; None
    when `value` holds no id."""
    compact = value.strip().lower().replace("-", "")
    match = _HEX_ID.search(compact)
    if match is None:
        return None
    raw = match.group(1)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def _version(value: str) -> str:
    version = value.strip()
    if not _VERSION.fullmatch(version):
        raise setting_problem(f"must be a Notion API version date such as {DEFAULT_VERSION}")
    return version


def _roots(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    roots = []
    for part in split_list(value):
        found = notion_id(part)
        if found is None:
            raise setting_problem("must list Notion page or database ids (32 hex digits) or their URLs")
        roots.append(found)
    return tuple(dict.fromkeys(roots))


class NotionSettings(VendorSettings):
    """The Notion connector's settings; build with `NotionSettings.from_settings`."""

    token: Token = Field(alias="NOTION_TOKEN")
    base_url: Annotated[str, checked_base_url("NOTION_BASE_URL")] = Field(
        DEFAULT_BASE_URL, alias="NOTION_BASE_URL"
    )
    version: Annotated[str, AfterValidator(_version)] = Field(DEFAULT_VERSION, alias="NOTION_VERSION")
    root_pages: Annotated[tuple[str, ...], BeforeValidator(_roots)] = Field((), alias="NOTION_ROOT_PAGES")
    scan_pages: int = Field(DEFAULT_SCAN_PAGES, ge=0, le=MAX_SCAN_PAGES, alias="NOTION_SCAN_PAGES")
    requests_per_second: float = Field(
        DEFAULT_REQUESTS_PER_SECOND, gt=0, le=1000, alias="NOTION_REQUESTS_PER_SECOND"
    )


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_REQUESTS_PER_SECOND",
    "DEFAULT_SCAN_PAGES",
    "DEFAULT_VERSION",
    "MAX_SCAN_PAGES",
    "NotionSettings",
    "notion_id",
]
