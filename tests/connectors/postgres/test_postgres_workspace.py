"""The PostgreSQL workspace shared by replicas: a connector write with one idempotency key happens once
whichever replica handles it, and the tables are created once however many replicas start together."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from customer_escalation.connectors.base import IssueDraft
from customer_escalation.connectors.postgres.workspace import PostgresWorkspace
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio
REPLICAS = 4


async def _replicas(url: str) -> list[PostgresWorkspace]:
    replicas = [PostgresWorkspace.open(url, clock=lambda: NOW) for _ in range(REPLICAS)]
    await replicas[0].load(CONTRACT_DATASET)
    await asyncio.gather(*(r.check() for r in replicas))  # every pool connected before the race
    return replicas


async def test_replicas_posting_the_same_message_at_once_post_it_once(database_url: str) -> None:
    replicas = await _replicas(database_url)
    try:
        receipts = await asyncio.gather(
            *(r.post_message("#support-escalations", "CANARY_ONCE", idempotency_key="k-1") for r in replicas)
        )
        assert sum(r.created for r in receipts) == 1
        assert len({r.ref.id for r in receipts}) == 1
        found = await replicas[-1].search_messages("CANARY_ONCE")
        assert [m.ref.id for m in found.items] == [receipts[0].ref.id]
    finally:
        await asyncio.gather(*(r.aclose() for r in replicas))


async def test_replicas_creating_different_issues_at_once_get_different_keys(database_url: str) -> None:
    replicas = await _replicas(database_url)
    try:

        async def create(replica: PostgresWorkspace, n: int) -> Any:
            draft = IssueDraft(project="ENG", title=f"Race {n}", body_markdown="body", kind="bug")
            return await replica.create_issue(draft, idempotency_key=f"k-{n}")

        receipts = await asyncio.gather(*(create(r, n) for n, r in enumerate(replicas)))
        keys = [r.ref.id for r in receipts]
        assert len(set(keys)) == REPLICAS
        titles = {(await replicas[0].get_issue(key)).title for key in keys}
        assert titles == {f"Race {n}" for n in range(REPLICAS)}
    finally:
        await asyncio.gather(*(r.aclose() for r in replicas))


async def test_many_issues_filed_at_once_in_one_project_each_get_a_number(database_url: str) -> None:
    # More writers than a lost race is retried: numbering must not depend on winning a race.
    replicas = await _replicas(database_url)
    try:

        async def create(n: int) -> Any:
            draft = IssueDraft(project="ENG", title=f"Crowd {n}", body_markdown="body", kind="bug")
            return await replicas[n % REPLICAS].create_issue(draft, idempotency_key=f"crowd-{n}")

        receipts = await asyncio.gather(*(create(n) for n in range(32)))
        keys = [r.ref.id for r in receipts]
        assert len(set(keys)) == 32
        found = await replicas[0].search_issues("Crowd", limit=25)
        assert found.total == 32
    finally:
        await asyncio.gather(*(r.aclose() for r in replicas))


async def test_the_first_calls_of_a_new_workspace_may_come_all_at_once(database_url: str) -> None:
    loader = PostgresWorkspace.open(database_url, clock=lambda: NOW)
    await loader.load(CONTRACT_DATASET)
    await loader.aclose()
    fresh = PostgresWorkspace.open(database_url, clock=lambda: NOW)
    try:
        pages = await asyncio.gather(*(fresh.search_tickets("webhook") for _ in range(6)))
        assert len({tuple(t.id for t in page.items) for page in pages}) == 1
        assert pages[0].items
    finally:
        await fresh.aclose()
