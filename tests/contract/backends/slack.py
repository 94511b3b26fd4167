"""The Slack chat connector over the fake Slack API, seeded with the contract dataset."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.base import Category
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.slack.connector import SlackChat
from customer_escalation.connectors.slack.policy import SlackPolicy
from customer_escalation.connectors.slack.settings import BOT_TOKEN_VAR, DEFAULT_BASE_URL, USER_TOKEN_VAR
from tests.contract.dataset import NOW
from tests.fakes.slack import BOT_TOKEN, USER_TOKEN, SlackFake

from . import Backend


@asynccontextmanager
async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
    fake = SlackFake(dataset, now=lambda: NOW)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app)) as client:
        connector = SlackChat(
            HttpApi(SlackPolicy(BOT_TOKEN, variable=BOT_TOKEN_VAR), base_url=DEFAULT_BASE_URL, client=client),
            search_api=HttpApi(
                SlackPolicy(USER_TOKEN, variable=USER_TOKEN_VAR), base_url=DEFAULT_BASE_URL, client=client
            ),
            clock=lambda: NOW,
        )
        try:
            yield connector
        finally:
            await connector.aclose()


BACKENDS = [Backend(name="slack", categories=frozenset({"chat"}), open=_open, writes=frozenset({"chat"}))]
