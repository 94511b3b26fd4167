"""A Linear connector over a fresh Linear fake, on virtual time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2
import pytest

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.linear import LinearPolicy, LinearProjectTracker
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock
from tests.fakes.linear import ACCOUNT_URL, API_KEY, BASE_URL, TICKET_URL, LinearFake

Make = Callable[..., tuple[LinearProjectTracker, LinearFake]]


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def make(clock: VirtualClock) -> AsyncIterator[Make]:
    """Build a connector over a fresh fake (or over `fake`, to share one workspace between connectors)."""
    clients: list[httpx2.AsyncClient] = []

    def build(
        dataset: Dataset = CONTRACT_DATASET,
        *,
        fake: LinearFake | None = None,
        authorization: str = API_KEY,
        fake_options: dict[str, Any] | None = None,
        **options: Any,
    ) -> tuple[LinearProjectTracker, LinearFake]:
        if fake is None:
            fake = LinearFake(dataset, clock=clock.monotonic, now=clock.wall, **(fake_options or {}))
        client = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=BASE_URL)
        clients.append(client)
        policy = LinearPolicy(authorization, variable="LINEAR_API_KEY", clock=clock.wall)
        api = HttpApi(policy, base_url=BASE_URL, client=client, sleep=clock.sleep, monotonic=clock.monotonic)
        options = {"ticket_url": TICKET_URL, "account_url": ACCOUNT_URL, **options}
        return LinearProjectTracker(api, **options), fake

    yield build
    for client in clients:
        await client.aclose()
