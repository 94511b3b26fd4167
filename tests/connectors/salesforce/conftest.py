"""Connections to the Salesforce fake and to scripted Salesforce answers, for the connector's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.salesforce.client import SalesforceCRM
from customer_escalation.connectors.salesforce.mapping import FieldMap
from customer_escalation.connectors.salesforce.policy import SalesforcePolicy
from tests.connectors.crm_datasets import acme_accounts, one_account
from tests.connectors.virtual_api import virtual_api
from tests.fakes.clock import VirtualClock
from tests.fakes.salesforce import BASE_URL, ORG_FIELDS, SalesforceFake

QUERY = "/services/data/v66.0/query"
ORG_FIELD_MAP = FieldMap(**ORG_FIELDS)
"""The fake org's custom fields, as an administrator would configure them."""


@asynccontextmanager
async def connected(
    fake: SalesforceFake, clock: VirtualClock | None = None, **options: Any
) -> AsyncIterator[SalesforceCRM]:
    clock = clock or VirtualClock()
    options.setdefault("fields", ORG_FIELD_MAP)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=BASE_URL) as client:
        yield SalesforceCRM(
            virtual_api(SalesforcePolicy(fake.token), client, clock, base_url=BASE_URL), **options
        )


@asynccontextmanager
async def scripted(
    handler: Callable[[httpx2.Request], httpx2.Response], clock: VirtualClock | None = None
) -> AsyncIterator[SalesforceCRM]:
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(handler)) as client:
        api = HttpApi(
            SalesforcePolicy("00Dtest!token"),
            base_url=BASE_URL,
            client=client,
            sleep=(clock or VirtualClock()).sleep,
        )
        yield SalesforceCRM(api, fields=ORG_FIELD_MAP)


__all__ = ["ORG_FIELD_MAP", "QUERY", "acme_accounts", "connected", "one_account", "scripted"]
