"""The workspace in PostgreSQL, in a schema of its own on the test server; skipped without a server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from customer_escalation.connectors.base import CATEGORIES, Category
from customer_escalation.connectors.postgres.workspace import PostgresWorkspace
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import NOW
from tests.postgres import fresh_schema

from . import Backend


@asynccontextmanager
async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
    with fresh_schema() as url:
        workspace = PostgresWorkspace.open(url, clock=lambda: NOW)
        try:
            await workspace.load(dataset)
            yield workspace
        finally:
            await workspace.aclose()


BACKENDS = [
    Backend(
        name="postgres",
        categories=frozenset(CATEGORIES),
        open=_open,
        writes=frozenset({"support", "chat", "tracker"}),
    )
]
