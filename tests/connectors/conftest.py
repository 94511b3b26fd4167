"""Fixtures for the vendor connectors' tests: one virtual clock per test, and HTTP clients to a fake's
app that are closed after the test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2
import pytest

from tests.fakes.clock import VirtualClock

ClientTo = Callable[[Any, str], httpx2.AsyncClient]
"""Opens a client that sends its requests to an ASGI app, at a base URL."""


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def client_to() -> AsyncIterator[ClientTo]:
    opened: list[httpx2.AsyncClient] = []

    def open_client(app: Any, base_url: str) -> httpx2.AsyncClient:
        client = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=base_url)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        await client.aclose()
