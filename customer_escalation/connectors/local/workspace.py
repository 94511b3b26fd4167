"""`LocalWorkspace`: every connector protocol served from one SQLite file.

The workspace is the product's default backend and the contract suite's reference. Calls are
synchronous SQLite inside async methods: a search is a few milliseconds, so a thread pool would add
more than it saves. One connection serves every call, guarded by a lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, TracebackType

from ..base import Clock, utc_now
from ..errors import WorkspaceError, WorkspaceExistsError
from ..records import (
    Dataset,
)
from . import indexing, schema
from ._shared import open_existing
from .authors import BOT, NOTE_AUTHOR
from .store.base import MAX_THREAD_REPLIES, SYSTEM
from .store.chat import ChatTables
from .store.crm import CrmTables
from .store.kb import KbTables
from .store.loading import load_dataset
from .store.support import SupportTables
from .store.tracker import TrackerTables


@dataclass(frozen=True)
class WorkspaceStats:
    """What a workspace file holds."""

    path: Path
    schema_version: int
    size_bytes: int
    """The database file plus its write-ahead log."""
    counts: Mapping[str, int]
    """Records per type: accounts, opportunities, tickets, comments, channels, messages, issues, articles."""


class LocalWorkspace(SupportTables, CrmTables, ChatTables, TrackerTables, KbTables):
    """The local workspace: support platform, CRM, chat, project tracker and knowledge base in one file.

    Open one with `open` (creates the demo company on first use) or `create`; close it with `close`
    or `aclose`, or use it as a context manager.
    """

    # -- opening and closing -------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, clock: Clock = utc_now, create_demo: bool = True) -> LocalWorkspace:
        """Open the workspace at `path`, creating it with the demo company when it does not exist.

        An existing file from an older version of the program is migrated forward. When several
        processes create the same file at once, one creates it and the others open that one.

        Raises:
            WorkspaceError: the file is missing and `create_demo` is False, is not a workspace,
                is corrupt, or was written by a newer version.
        """
        path = Path(path).expanduser()
        if not path.exists():
            if not create_demo:
                raise WorkspaceError(missing_workspace(path))
            from .demo import build_demo

            try:
                workspace = cls.create(path, build_demo(clock()), clock=clock)
            except WorkspaceExistsError:
                pass  # another process created it first: use that one
            else:
                workspace.created_demo = True
                return workspace
        return cls(path, open_existing(path), clock=clock)

    @classmethod
    def create(
        cls, path: Path, dataset: Dataset | None = None, *, clock: Clock = utc_now, force: bool = False
    ) -> LocalWorkspace:
        """Create a new workspace file at `path` holding `dataset` (or nothing).

        The file is built next to `path` and published in one step, so `path` never holds half a
        workspace, and without `force` an existing file (even one created a moment ago by another
        process) is never replaced.

        Raises:
            WorkspaceExistsError: `path` exists and `force` is False.
            WorkspaceError: the file cannot be written.
        """
        path = Path(path).expanduser()

        def fill(conn: sqlite3.Connection) -> None:
            if dataset is not None:
                conn.execute("BEGIN")
                load_dataset(conn, dataset)
                conn.execute("COMMIT")

        schema.create_file(path, fill, replace=force)
        return cls.open(path, clock=clock, create_demo=False)

    def close(self) -> None:
        """Close the connection; later calls raise WorkspaceError. Closing twice is harmless."""
        self._worker.close()
        self._shared.close()

    async def aclose(self) -> None:
        self.close()

    def __enter__(self) -> LocalWorkspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    async def check(self) -> None:
        """Probe the file with one cheap read.

        Raises:
            WorkspaceError: the workspace is closed or unreadable.
        """
        await self._reading(lambda conn: conn.execute("SELECT count(*) FROM sqlite_master").fetchone())

    # -- bulk ---------------------------------------------------------------------------------

    def load(self, dataset: Dataset, *, merge: bool = False) -> None:
        """Insert every record of `dataset`, replacing stored records with the same id, in one transaction.

        Args:
            merge: for an import: an account or ticket already stored is updated with the fields the
                new record carries (those it was built with, not empty) and keeps every other field;
                domains, contacts, tags and comments are added to, never dropped.

        Raises:
            WorkspaceError: the write failed; nothing was changed.
        """
        with self._transaction() as conn:
            load_dataset(conn, dataset, merge=merge)
            schema.refresh_statistics(conn)
            self._search.forget()  # under the connection's lock: no search reads in between

    def stats(self) -> WorkspaceStats:
        """Counts per record type, schema version, path and size on disk.

        Raises:
            WorkspaceError: the workspace is closed or unreadable.
        """
        with self._db() as conn:
            counts = {
                kind.table: conn.execute(f"SELECT count(*) FROM {kind.table}").fetchone()[0]
                for kind in indexing.ALL_KINDS
            }
            counts["comments"] = conn.execute(
                "SELECT coalesce(sum(comment_count), 0) FROM tickets"
            ).fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        order = (
            "accounts",
            "opportunities",
            "tickets",
            "comments",
            "channels",
            "messages",
            "issues",
            "articles",
        )
        wal = self.path.with_name(self.path.name + "-wal")
        size = self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        return WorkspaceStats(
            path=self.path,
            schema_version=int(version),
            size_bytes=size,
            counts=MappingProxyType({name: int(counts[name]) for name in order}),
        )


def missing_workspace(path: Path) -> str:
    """The message for a workspace file that does not exist (and is not created on its own)."""
    folder = "" if path.parent.is_dir() else f" (the folder {path.parent} does not exist either)"
    return (
        f"no workspace at {path}{folder}; check the path, or create one there with "
        f"`customer-escalation workspace init --workspace {path}`"
    )


__all__ = [
    "BOT",
    "MAX_THREAD_REPLIES",
    "NOTE_AUTHOR",
    "SYSTEM",
    "LocalWorkspace",
    "WorkspaceStats",
    "missing_workspace",
]
