"""Zendesk: Zendesk Support as the support platform and Zendesk Help Center as the knowledge base.

Support reads tickets through the Search API and writes internal notes (`support`); Help Center
searches and shows articles in one locale (`help_center`). The variables are declared in `settings`;
responses are validated against the models in `models` where they arrive, and mapped to records in
`mapping` and `sla`.
"""

from __future__ import annotations

import httpx2

from .._http import HttpApi
from ..base import Category
from ..factory import VendorFactory
from ..settings import Settings
from .help_center import ZendeskHelpCenter
from .paging import SEARCH_RESULT_CAP
from .policy import SYSTEM, ZendeskPolicy
from .settings import DEFAULT_HC_LOCALE, ZendeskSettings
from .support import MAX_COMMENT_PAGES, NOTE_MARKER_PREFIX, ZendeskSupportPlatform, note_marker

CATEGORIES: frozenset[Category] = frozenset({"support", "kb"})


def base_url_from(settings: Settings) -> str:
    """The account's API root from ``ZENDESK_BASE_URL`` or ``ZENDESK_SUBDOMAIN``.

    Raises:
        ConfigError: a Zendesk variable is missing or malformed (one line naming each).
    """
    return ZendeskSettings.from_settings(settings).api_root


def policy_from(settings: Settings) -> ZendeskPolicy:
    """The credentials: ``ZENDESK_OAUTH_TOKEN``, else ``ZENDESK_EMAIL`` with ``ZENDESK_API_TOKEN``.

    Raises:
        ConfigError: a Zendesk variable is missing or malformed (one line naming each).
    """
    return ZendeskPolicy.from_settings(ZendeskSettings.from_settings(settings))


def _connector(
    settings: Settings, category: Category, client: httpx2.AsyncClient | None
) -> ZendeskSupportPlatform | ZendeskHelpCenter:
    """The Zendesk connector for `category`: `support` or `kb`."""
    zendesk = ZendeskSettings.from_settings(settings)
    api = HttpApi(ZendeskPolicy.from_settings(zendesk), base_url=zendesk.api_root, client=client)
    if category == "kb":
        return ZendeskHelpCenter(api, locale=zendesk.hc_locale)
    return ZendeskSupportPlatform(api, allow_writes=settings.write_tickets and not settings.read_only)


from_settings = VendorFactory(
    _connector, serves=CATEGORIES, refusal="zendesk can serve the support and kb categories, not {category!r}"
)


__all__ = [
    "DEFAULT_HC_LOCALE",
    "MAX_COMMENT_PAGES",
    "NOTE_MARKER_PREFIX",
    "SEARCH_RESULT_CAP",
    "SYSTEM",
    "ZendeskHelpCenter",
    "ZendeskPolicy",
    "ZendeskSettings",
    "ZendeskSupportPlatform",
    "base_url_from",
    "from_settings",
    "note_marker",
    "policy_from",
]
