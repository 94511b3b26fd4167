"""Connections to the Guru fake and to scripted Guru answers, for the connector's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.guru.knowledge_base import GuruKnowledgeBase
from customer_escalation.connectors.guru.policy import GuruPolicy
from customer_escalation.connectors.records import Dataset
from tests.connectors.builders import article
from tests.contract.dataset import ago
from tests.fakes.clock import VirtualClock
from tests.fakes.guru import BASE_URL, TOKEN, USER, GuruFake


@asynccontextmanager
async def connected(
    fake: GuruFake, clock: VirtualClock | None = None, **options: Any
) -> AsyncIterator[GuruKnowledgeBase]:
    clock = clock or VirtualClock()
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=BASE_URL) as client:
        api = HttpApi(
            GuruPolicy(fake.user, fake.token),
            base_url=BASE_URL,
            client=client,
            sleep=clock.sleep,
            monotonic=clock.monotonic,
        )
        yield GuruKnowledgeBase(api, **options)


@asynccontextmanager
async def scripted(
    handler: Callable[[httpx2.Request], httpx2.Response], clock: VirtualClock | None = None
) -> AsyncIterator[GuruKnowledgeBase]:
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(handler)) as client:
        api = HttpApi(
            GuruPolicy(USER, TOKEN), base_url=BASE_URL, client=client, sleep=(clock or VirtualClock()).sleep
        )
        yield GuruKnowledgeBase(api)


def numbered(count: int, word: str = "ledger") -> Dataset:
    """`count` how-to articles that all mention `word`, newest first by number."""
    return Dataset(
        articles=tuple(
            article(f"Ledger guide {n:02d}", f"How the {word} works, part {n}.", updated_at=ago(days=n))
            for n in range(1, count + 1)
        )
    )
