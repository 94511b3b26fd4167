"""Which database the tests that serve the product keep its workspace and history in.

By default a SQLite file, as a new user's quick start does. With
``CUSTOMER_ESCALATION_TEST_BACKEND=postgresql`` (and `CUSTOMER_ESCALATION_DATABASE_URL` naming a
server, as `scripts/postgres.sh start` prints it) the same tests run with both in PostgreSQL, each in
a schema of its own: the server's tools, the actions and their once-only writes, the card, the agent
loop and the command line. CI runs the suite both ways. Tests of the SQLite file itself (its format,
locks, imports and migration) use a file either way.

Both settings are read when this module is imported, before the test-wide fixture clears the
environment.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from customer_escalation.connectors.factory import open_history_store
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.connectors.postgres.history import PostgresHistoryStore
from customer_escalation.connectors.postgres.workspace import PostgresWorkspace
from customer_escalation.connectors.records import Dataset
from customer_escalation.skill.history import HistoryStore
from tests.postgres import fresh_schema

BACKENDS = ("sqlite", "postgresql")
BACKEND = os.environ.get("CUSTOMER_ESCALATION_TEST_BACKEND", "").strip().lower() or "sqlite"
if BACKEND not in BACKENDS:
    raise RuntimeError(f"CUSTOMER_ESCALATION_TEST_BACKEND={BACKEND!r} is not one of: {', '.join(BACKENDS)}")
ON_POSTGRES = BACKEND == "postgresql"

Clock = Callable[[], datetime]
T = TypeVar("T")


@dataclass
class Store:
    """A workspace and its history, in a SQLite file or a PostgreSQL schema.

    `path` is the SQLite file (on PostgreSQL, a file path the command line's settings may still name);
    `url` is the PostgreSQL schema's URL, or None on SQLite.
    """

    workspace: Any
    history: HistoryStore
    path: Path
    url: str | None
    clock: Clock

    def open_history(self) -> Any:
        """Another connection to the same history, as another process or replica would have."""
        if self.url is not None:
            return PostgresHistoryStore.open(self.url, clock=self.clock)
        return SqliteHistoryStore.open(self.path, clock=self.clock)


@asynccontextmanager
async def open_store(folder: Path, dataset: Dataset, *, clock: Clock) -> AsyncIterator[Store]:
    """`dataset` in a workspace with an empty history, closed (and on PostgreSQL dropped) on exit."""
    path = folder / "ws.sqlite"
    if not ON_POSTGRES:
        workspace = LocalWorkspace.create(path, dataset, clock=clock)
        history = SqliteHistoryStore.open(path, clock=clock)
        try:
            yield Store(workspace, history, path, None, clock)
        finally:
            history.close()
            workspace.close()
        return
    with fresh_schema() as url:
        workspace = PostgresWorkspace.open(url, clock=clock)
        await workspace.load(dataset)
        history = PostgresHistoryStore.open(url, clock=clock)
        try:
            yield Store(workspace, history, path, url, clock)
        finally:
            history.close()
            await workspace.aclose()


@contextmanager
def command_line_store(path: Path, dataset: Dataset) -> Iterator[dict[str, str]]:
    """The environment that points the command line at `dataset`: the SQLite file `path` already holds
    it; on PostgreSQL a fresh schema is loaded with it and named by `CUSTOMER_ESCALATION_DATABASE_URL`."""
    if not ON_POSTGRES:
        yield {"CUSTOMER_ESCALATION_WORKSPACE": str(path)}
        return
    with fresh_schema() as url:
        asyncio.run(_load(url, dataset))
        yield {"CUSTOMER_ESCALATION_WORKSPACE": str(path), "CUSTOMER_ESCALATION_DATABASE_URL": url}


def read_command_line_workspace(path: Path, read: Callable[[Any], Awaitable[T]]) -> T:
    """What `read` finds in the workspace the command line is pointed at (see `command_line_store`)."""

    async def run() -> T:
        url = os.environ.get("CUSTOMER_ESCALATION_DATABASE_URL")
        workspace = PostgresWorkspace.open(url) if url else LocalWorkspace.open(path, create_demo=False)
        try:
            return await read(workspace)
        finally:
            await workspace.aclose()

    return asyncio.run(run())


def command_line_history(path: Path) -> Any:
    """The history the command line is pointed at (see `command_line_store`); use it in a `with`."""
    url = os.environ.get("CUSTOMER_ESCALATION_DATABASE_URL")
    return open_history_store(path, create=False, database_url=url)


async def _load(url: str, dataset: Dataset) -> None:
    async with PostgresWorkspace.open(url) as workspace:
        await workspace.load(dataset)


__all__ = [
    "BACKEND",
    "BACKENDS",
    "ON_POSTGRES",
    "Store",
    "command_line_history",
    "command_line_store",
    "open_store",
    "read_command_line_workspace",
]
