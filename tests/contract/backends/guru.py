"""The Guru connector, configured from settings, over the Guru fake seeded with the dataset."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors.base import Category
from customer_escalation.connectors.guru import from_settings
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.settings import load_settings
from tests.contract.dataset import NOW
from tests.fakes.guru import GuruFake

from . import Backend


@asynccontextmanager
async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
    fake = GuruFake(dataset, now=lambda: NOW)
    settings = load_settings(
        {
            "CUSTOMER_ESCALATION_KB": "guru",
            "GURU_USER": fake.user,
            "GURU_API_TOKEN": fake.token,
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


BACKENDS = [Backend(name="guru", categories=frozenset({"kb"}), open=_open)]
