"""Connections to the HubSpot fake and to scripted HubSpot answers, for the connector's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.hubspot.client import HubSpotCRM
from customer_escalation.connectors.hubspot.policy import HubSpotPolicy
from tests.connectors.virtual_api import virtual_api
from tests.fakes.clock import VirtualClock
from tests.fakes.hubspot import BASE_URL, HubSpotFake

SEARCH = "/crm/v3/objects/companies/search"


@asynccontextmanager
async def connected(
    fake: HubSpotFake, clock: VirtualClock | None = None, **options: Any
) -> AsyncIterator[HubSpotCRM]:
    clock = clock or VirtualClock()
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=BASE_URL) as client:
        yield HubSpotCRM(virtual_api(HubSpotPolicy(fake.token), client, clock, base_url=BASE_URL), **options)


@asynccontextmanager
async def scripted(handler: Callable[[httpx2.Request], httpx2.Response]) -> AsyncIterator[HubSpotCRM]:
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(handler)) as client:
        yield HubSpotCRM(
            HttpApi(HubSpotPolicy("pat-test"), base_url=BASE_URL, client=client, sleep=VirtualClock().sleep)
        )
