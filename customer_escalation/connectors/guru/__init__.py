"""Guru as the knowledge base (`CUSTOMER_ESCALATION_KB=guru`): cards read through Guru's REST API.

This connector never writes to Guru. Guru JSON stays inside this package: callers get `Article`
records, whose `verified` says whether Guru trusts the card (False when it needs verification).

    settings        the GURU_* variables (`GuruSettings`)
    policy          Basic auth, rate limits and error bodies for the HTTP layer
    models          the response shapes read, validated where a body arrives
    paging          the Link-header pages and our cursor over them
    knowledge_base  the HTTP calls (`GuruKnowledgeBase`)
    mapping         cards to records
"""

from __future__ import annotations

import httpx2

from .._http import HttpApi
from ..base import Category
from ..factory import VendorFactory
from ..settings import Settings
from .knowledge_base import GuruKnowledgeBase
from .mapping import SYSTEM
from .policy import GuruPolicy
from .settings import GuruSettings


def _connector(
    settings: Settings, _category: Category, client: httpx2.AsyncClient | None
) -> GuruKnowledgeBase:
    """The Guru connector for the ``kb`` category, configured from ``GURU_*`` variables."""
    config = GuruSettings.from_settings(settings)
    policy = GuruPolicy(config.user, config.api_token.get_secret_value())
    return GuruKnowledgeBase(
        HttpApi(policy, base_url=config.base_url, client=client),
        app_url=config.app_url,
        collections=config.collections,
    )


from_settings = VendorFactory(_connector, system=SYSTEM, serves={"kb"})


__all__ = ["from_settings"]
