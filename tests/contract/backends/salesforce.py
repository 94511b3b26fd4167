"""The Salesforce CRM connector, configured from settings, over the Salesforce fake seeded with the
dataset (its org keeps ARR, renewal date, tier and health in custom fields)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors.base import Category
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.salesforce import FIELD_VARIABLES, from_settings
from customer_escalation.connectors.settings import load_settings
from tests.fakes.salesforce import ORG_FIELDS, SalesforceFake

from . import Backend


@asynccontextmanager
async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
    fake = SalesforceFake(dataset, batch_size=1)  # every query crosses batches: nextRecordsUrl is followed
    fields = {FIELD_VARIABLES[fact]: name for fact, name in ORG_FIELDS.items()}
    settings = load_settings(
        {
            "CUSTOMER_ESCALATION_CRM": "salesforce",
            "SALESFORCE_INSTANCE_URL": fake.base_url,
            "SALESFORCE_ACCESS_TOKEN": fake.token,
            **fields,
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


BACKENDS = [Backend(name="salesforce", categories=frozenset({"crm"}), open=_open)]
