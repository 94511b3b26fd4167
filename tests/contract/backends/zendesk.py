"""The Zendesk connectors (Support and Help Center) over the fake Zendesk API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors.base import Category
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.settings import load_settings
from customer_escalation.connectors.zendesk import from_settings
from tests.contract.dataset import NOW
from tests.fakes.zendesk import ZendeskFake

from . import Backend


@asynccontextmanager
async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
    fake = ZendeskFake(dataset, clock=lambda: NOW)
    settings = load_settings(
        {
            "ZENDESK_SUBDOMAIN": "acme",
            "ZENDESK_EMAIL": fake.email,
            "ZENDESK_API_TOKEN": "zd-test-token",
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
    Backend(
        name="zendesk",
        categories=frozenset({"support", "kb"}),
        open=_open,
        writes=frozenset({"support"}),
    )
]
