"""Connection pools to the database: synchronous for the history, asynchronous for the connectors.

Connections are in autocommit mode; a write opens a transaction explicitly. Every psycopg error
(including a pool that cannot get a connection in time) becomes `WorkspaceError` naming the store.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from ..errors import WorkspaceError
from .schema import redacted, without_secrets

POOL_TIMEOUT = 30.0
"""Seconds a call waits for a free connection before failing."""


class SyncPool:
    """A small pool of autocommit connections for synchronous callers (threads)."""

    def __init__(self, url: str, *, what: str, max_size: int = 4) -> None:
        self._url = url
        self._what = what
        try:
            self._pool: ConnectionPool[Any] | None = ConnectionPool(
                url,
                min_size=1,
                max_size=max_size,
                kwargs={"autocommit": True},
                timeout=POOL_TIMEOUT,
                open=False,
            )
            self._pool.open(wait=True, timeout=POOL_TIMEOUT)
        except psycopg.Error as exc:
            detail = without_secrets(str(exc), url)
            raise WorkspaceError(f"cannot connect to the database {redacted(url)}: {detail}") from exc

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    @contextmanager
    def use(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection for the block (reads, or statements that are atomic on their own)."""
        if self._pool is None:
            raise WorkspaceError(f"{self._what} is closed")
        try:
            with self._pool.connection() as conn:
                yield conn
        except psycopg.Error as exc:
            raise WorkspaceError(f"{self._what}: {without_secrets(str(exc), self._url)}") from exc

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection inside one transaction, committed when the block ends, rolled back if it raises."""
        with self.use() as conn, conn.transaction():
            yield conn


class AsyncPool:
    """A pool of autocommit connections for the async connector protocols, opened on first use."""

    def __init__(self, url: str, *, what: str, max_size: int = 10) -> None:
        self._url = url
        self._what = what
        self._pool: AsyncConnectionPool[Any] | None = AsyncConnectionPool(
            url, min_size=1, max_size=max_size, kwargs={"autocommit": True}, timeout=POOL_TIMEOUT, open=False
        )
        self._opened = False
        self._closed = False
        self._opening = asyncio.Lock()

    async def close(self) -> None:
        self._closed = True
        if self._pool is not None and self._opened:
            await self._pool.close()
        self._pool = None

    @asynccontextmanager
    async def use(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        if self._pool is None or self._closed:
            raise WorkspaceError(f"{self._what} is closed")
        try:
            if not self._opened:
                await self._open(self._pool)
            async with self._pool.connection() as conn:
                yield conn
        except psycopg.Error as exc:
            raise WorkspaceError(f"{self._what}: {without_secrets(str(exc), self._url)}") from exc

    async def _open(self, pool: AsyncConnectionPool[Any]) -> None:
        """Open the pool once, however many tasks make the first call at the same time."""
        async with self._opening:
            if not self._opened:
                await pool.open(wait=True, timeout=POOL_TIMEOUT)
                self._opened = True

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        async with self.use() as conn, conn.transaction():
            yield conn


__all__ = ["POOL_TIMEOUT", "AsyncPool", "SyncPool"]
