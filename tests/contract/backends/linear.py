"""The Linear connector, configured from settings, over the Linear fake seeded with the dataset."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors.base import Category
from customer_escalation.connectors.linear import from_settings
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.settings import load_settings
from tests.contract.dataset import NOW
from tests.fakes.linear import LinearFake

from . import Backend


@asynccontextmanager
async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
    fake = LinearFake(dataset, now=lambda: NOW)
    settings = load_settings(
        {
            "CUSTOMER_ESCALATION_TRACKER": "linear",
            "LINEAR_API_KEY": fake.api_key,
            "LINEAR_TICKET_URL": fake.ticket_url,
            "LINEAR_ACCOUNT_URL": fake.account_url,
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


BACKENDS = [
    Backend(name="linear", categories=frozenset({"tracker"}), open=_open, writes=frozenset({"tracker"}))
]
