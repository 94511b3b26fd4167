"""The HubSpot CRM connector, configured from settings, over the HubSpot fake seeded with the dataset."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors.base import Category
from customer_escalation.connectors.hubspot import from_settings
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.settings import load_settings
from tests.fakes.hubspot import HubSpotFake

from . import Backend


@asynccontextmanager
async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
    fake = HubSpotFake(dataset)
    settings = load_settings(
        {
            "CUSTOMER_ESCALATION_CRM": "hubspot",
            "HUBSPOT_ACCESS_TOKEN": fake.token,
            "HUBSPOT_PORTAL_ID": fake.portal_id,
        }
    )
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=fake.app), base_url=fake.base_url
    ) as client:
        connector = from_settings(settings, category, client=client)
        try:
            yield connector
        finally:
            await connector.aclose()


BACKENDS = [Backend(name="hubspot", categories=frozenset({"crm"}), open=_open)]
