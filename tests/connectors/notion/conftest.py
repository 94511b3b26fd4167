"""A Notion connector over the Notion fake, both on one virtual clock."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx2
import pytest

from customer_escalation.connectors.notion.client import NotionApi
from customer_escalation.connectors.notion.gate import RateGate
from customer_escalation.connectors.notion.knowledge_base import NotionKnowledgeBase
from customer_escalation.connectors.notion.policy import NotionPolicy
from customer_escalation.connectors.records import Dataset
from tests.connectors.virtual_api import virtual_api
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock
from tests.fakes.notion import BASE_URL, TOKEN, VERSION, NotionFake

Opened = tuple[NotionFake, NotionKnowledgeBase]
Make = Callable[..., AbstractAsyncContextManager[Opened]]


@asynccontextmanager
async def notion_on(
    clock: VirtualClock,
    dataset: Dataset = CONTRACT_DATASET,
    *,
    fake_options: dict[str, Any] | None = None,
    setup: Callable[[NotionFake], Any] | None = None,
    token: str = TOKEN,
    version: str = VERSION,
    **connector_options: Any,
) -> AsyncIterator[Opened]:
    """A connector over a fresh fake, both on `clock`; `fake_options` and `connector_options` pass
    through, and `setup(fake)` adds pages before the connector is built."""
    fake = NotionFake(dataset, clock=clock.monotonic, now=clock.wall, **(fake_options or {}))
    if setup is not None:
        setup(fake)
    transport = httpx2.ASGITransport(app=fake.app)
    async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        http = virtual_api(NotionPolicy(token, version), client, clock, base_url=BASE_URL)
        api = NotionApi(http, RateGate(sleep=clock.sleep, monotonic=clock.monotonic))
        yield fake, NotionKnowledgeBase(api, **connector_options)


@pytest.fixture
def make(clock: VirtualClock) -> Make:
    """Open a connector over a fresh fake on the test's clock (see `notion_on`)."""
    return functools.partial(notion_on, clock)
