"""The Intercom connectors (conversations and Help Center) over the fake Intercom API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors.base import Category
from customer_escalation.connectors.intercom import from_settings
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.settings import load_settings
from tests.contract.dataset import NOW
from tests.fakes.intercom import DEFAULT_ADMIN_ID, PRIORITY_ATTRIBUTE, IntercomFake

from . import Backend


@asynccontextmanager
async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
    fake = IntercomFake(dataset, now=lambda: NOW)
    settings = load_settings(
        {
            "INTERCOM_ACCESS_TOKEN": fake.token,
            "INTERCOM_ADMIN_ID": DEFAULT_ADMIN_ID,
            "INTERCOM_PRIORITY_ATTRIBUTE": PRIORITY_ATTRIBUTE,
            "INTERCOM_WORKSPACE_ID": fake.workspace_id,
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
        name="intercom",
        categories=frozenset({"support", "kb"}),
        open=_open,
        writes=frozenset({"support"}),
        lacks=frozenset({"comment_search", "sla_deadlines"}),
    )
]
