"""The Notion connector, configured from settings, over the Notion fake seeded with the dataset."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors.base import Category
from customer_escalation.connectors.notion import from_settings
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.settings import load_settings
from tests.contract.dataset import NOW
from tests.fakes.notion import ROOT_PAGE, NotionFake

from . import Backend


@asynccontextmanager
async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
    fake = NotionFake(dataset, now=lambda: NOW)
    settings = load_settings(
        {
            "CUSTOMER_ESCALATION_KB": "notion",
            "NOTION_TOKEN": fake.token,
            "NOTION_ROOT_PAGES": ROOT_PAGE,
            "NOTION_REQUESTS_PER_SECOND": "1000",
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


BACKENDS = [Backend(name="notion", categories=frozenset({"kb"}), open=_open)]
