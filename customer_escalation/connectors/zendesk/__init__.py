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
from .policy import SYSTEM, ZendeskPolicy
from .settings import ZendeskSettings
from .support import ZendeskSupportPlatform


def _connector(
    settings: Settings, category: Category, client: httpx2.AsyncClient | None
) -> ZendeskSupportPlatform | ZendeskHelpCenter:
    """The Zendesk connector for `category`: `support` or `kb`."""
    zendesk = ZendeskSettings.from_settings(settings)
    api = HttpApi(ZendeskPolicy.from_settings(zendesk), base_url=zendesk.api_root, client=client)
    if category == "kb":
        return ZendeskHelpCenter(api, locale=zendesk.hc_locale)
    return ZendeskSupportPlatform(api, allow_writes=settings.write_tickets and not settings.read_only)


from_settings = VendorFactory(_connector, system=SYSTEM, serves={"support", "kb"})


__all__ = ["from_settings"]
