"""`PostgresWorkspace`: every connector protocol served from a PostgreSQL database.

It answers as `LocalWorkspace` does (the contract suite runs on both), for teams whose several server
replicas share one database. Calls use an async connection pool, so none blocks the event loop; the
tables are created (or migrated) once when the workspace is opened, under an advisory lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..base import Clock, utc_now
from ..records import Dataset
from ._records import load_dataset
from ._tables import ChatTables, CrmTables, KbTables, SupportTables, TrackerTables
from .schema import prepare

COUNTED = ("accounts", "opportunities", "tickets", "comments", "channels", "messages", "issues", "articles")
"""What `counts` reports, in order (the same names as `WorkspaceStats.counts`)."""


class PostgresWorkspace(SupportTables, CrmTables, ChatTables, TrackerTables, KbTables):
    """The workspace in a PostgreSQL database: support platform, CRM, chat, tracker and knowledge base.

    Open one with `open`; close it with `aclose`, or use it as an async context manager.
    """

    @classmethod
    def open(cls, url: str, *, clock: Clock = utc_now) -> PostgresWorkspace:
        """Connect to the database at `url`, creating or migrating its tables first.

        Raises:
            WorkspaceError: the database cannot be reached, or was migrated by a newer version.
        """
        prepare(url)
        return cls(url, clock=clock)

    async def aclose(self) -> None:
        """Close the pool; later calls raise WorkspaceError. Closing twice is harmless."""
        await self._pool.close()

    async def __aenter__(self) -> PostgresWorkspace:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def check(self) -> None:
        """Probe the database with one cheap read.

        Raises:
            WorkspaceError: the workspace is closed or the database unreachable.
        """
        async with self._pool.use() as conn:
            await conn.execute("SELECT 1")

    async def load(self, dataset: Dataset, *, merge: bool = False) -> None:
        """Insert every record of `dataset` in one transaction (see `LocalWorkspace.load`).

        Raises:
            WorkspaceError: the write failed; nothing was changed.
        """
        async with self._pool.transaction() as conn:
            await load_dataset(conn, dataset, merge=merge)

    async def counts(self) -> Mapping[str, int]:
        """Records per type, named as in `WorkspaceStats.counts`."""
        found: dict[str, Any] = {}
        async with self._pool.use() as conn:
            for table in COUNTED:
                sql = (
                    "SELECT coalesce(sum(comment_count), 0) FROM tickets"
                    if table == "comments"
                    else f"SELECT count(*) FROM {table}"
                )
                cursor = await conn.execute(sql)
                row = await cursor.fetchone()
                found[table] = int(row[0]) if row else 0
        return MappingProxyType(found)


__all__ = ["COUNTED", "PostgresWorkspace"]
