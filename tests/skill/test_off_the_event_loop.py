"""Database calls leave the event loop free: while one call waits on a lock another process holds,
the server goes on serving, here the very task that releases the lock.

Each test holds the workspace file's write lock from a second connection (as another process or
replica writing at that moment would) and releases it from a task on the same event loop. Were the
call made on the loop, the releasing task could not run until SQLite's busy timeout had failed it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[LocalWorkspace]:
    ws = LocalWorkspace.create(tmp_path / "w.sqlite", CONTRACT_DATASET, clock=lambda: NOW)
    yield ws
    ws.close()


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


async def test_a_workspace_write_waiting_on_a_lock_lets_the_loop_release_it(
    workspace: LocalWorkspace,
) -> None:
    other = _hold_write_lock(workspace.path)
    receipts = []

    async def write() -> None:
        receipts.append(await workspace.add_internal_note("101", "checked the logs", idempotency_key="k-1"))

    async def release() -> None:
        other.execute("COMMIT")
        other.close()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(write)
        tasks.start_soon(release)
    assert [r.created for r in receipts] == [True]
    ticket = await workspace.get_ticket("101")
    assert ticket.comments[-1].body == "checked the logs"


class _WatchedHistory(SqliteHistoryStore):
    """The history, saying when an assessment's write has begun."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.writing = threading.Event()

    def record_assessment(self, data: dict[str, Any]) -> str:
        self.writing.set()
        return super().record_assessment(data)


async def test_an_assessment_is_kept_while_another_writer_held_the_history(workspace: LocalWorkspace) -> None:
    history = _WatchedHistory.open(workspace.path, clock=lambda: NOW)
    registry = Registry(support=workspace, crm=workspace, chat=workspace, tracker=workspace, kb=workspace)
    server = build_server(registry, policy=load_policy(), clock=lambda: NOW, history=history)
    answers = []
    try:
        async with Client(server) as client:
            other = _hold_write_lock(workspace.path)

            async def assess() -> None:
                arguments = {"issue": "Webhooks failing with 502 for Northwind", "ticket_ids": ["101"]}
                answers.append(await client.call_tool("escalation_assess", arguments))

            async def release_once_the_write_waits() -> None:
                await anyio.to_thread.run_sync(history.writing.wait)
                other.execute("COMMIT")
                other.close()

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(release_once_the_write_waits)
                tasks.start_soon(assess)
    finally:
        history.close()
    (answer,) = answers
    assert answer.is_error is False, answer.content
    assert answer.structured_content is not None
    assessment_id = answer.structured_content["assessment_id"]
    assert history_has(workspace.path, assessment_id)


def history_has(path: Path, assessment_id: str) -> bool:
    store = SqliteHistoryStore.open(path, clock=lambda: NOW)
    try:
        return store.assessment(assessment_id)["issue"] == "Webhooks failing with 502 for Northwind"
    finally:
        store.close()
