"""Notion as the knowledge base (`CUSTOMER_ESCALATION_KB=notion`): pages shared with an integration,
read only.

    settings        the NOTION_* variables (`NotionSettings`)
    policy          auth and version headers, rate limits and error bodies for the HTTP layer
    gate            the client-side pace of three requests per second
    models          the response shapes read, validated where a body arrives
    client          the HTTP calls (`NotionApi`)
    content         a page's blocks, nested to a bounded depth
    text            blocks and rich text as readable text
    mapping         pages as `Article` records (kind, workaround, area, labels)
    scope           the root-page read scope
    knowledge_base  the connector (`NotionKnowledgeBase`)
"""

from __future__ import annotations

import httpx2

from .._http import HttpApi
from ..base import Category
from ..factory import VendorFactory
from ..settings import Settings
from .client import NotionApi
from .gate import RateGate
from .knowledge_base import NotionKnowledgeBase
from .policy import SYSTEM, NotionPolicy
from .settings import NotionSettings


def _connector(
    settings: Settings, _category: Category, client: httpx2.AsyncClient | None
) -> NotionKnowledgeBase:
    """The Notion connector for the ``kb`` category, configured from ``NOTION_*`` variables."""
    config = NotionSettings.from_settings(settings)
    policy = NotionPolicy(config.token.get_secret_value(), config.version)
    api = NotionApi(
        HttpApi(policy, base_url=config.base_url, client=client), RateGate(config.requests_per_second)
    )
    return NotionKnowledgeBase(api, roots=config.root_pages, scan_pages=config.scan_pages)


from_settings = VendorFactory(_connector, system=SYSTEM, serves={"kb"})


__all__ = ["from_settings"]
