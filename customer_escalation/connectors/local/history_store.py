"""The escalation history kept in the workspace file: briefs, actions and follow-up reminders.

The workspace file is always there, whatever serves the five categories, so it is where the history
lives. `SqliteHistoryStore` keeps the entries of `records.history` (escalations, the state and log of
their actions, follow-ups) and has the shape of the skill layer's `HistoryStore` protocol.

`claim` is how a write happens at most once: inserting the key is atomic in SQLite, so of any number
of callers (tasks, threads or processes) exactly one owns a key at a time; the others find it pending
and wait, or find it done and write nothing. Each state change and its log entry are one transaction.
"""

from __future__ import annotations

import contextlib
import sqlite3
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

from ..base import Clock, utc_now
from ..errors import WorkspaceError, WorkspaceExistsError
from ..records import ActionRecord, Claim
from . import _history_rows as rows
from . import schema
from ._history_base import MAX_LISTED, SYSTEM, HistoryRows, HistoryStoreBase
from ._shared import SharedConnection, open_existing


class SqliteHistoryStore(HistoryStoreBase[sqlite3.Connection]):
    """The escalation history in a workspace file. Open it with `open`; close it with `close`.

    Calls are short synchronous SQLite transactions on one connection guarded by a lock, like the
    workspace's own; several stores (and processes) may open the same file.
    """

    _rows: ClassVar[HistoryRows[sqlite3.Connection]] = rows

    def __init__(self, path: Path, conn: sqlite3.Connection, *, clock: Clock = utc_now) -> None:
        """Wrap an open, migrated connection. Use `open` instead."""
        self.path = path
        self._shared = SharedConnection(conn, what=f"the history in {path}")
        super().__init__(clock=clock)

    @classmethod
    def open(cls, path: Path, *, clock: Clock = utc_now, create: bool = True) -> SqliteHistoryStore:
        """Open the history in the workspace at `path`, migrating an older file forward.

        Args:
            create: when the file does not exist, create an empty workspace to hold the history
                (no demo data: the history works even when every category is served by vendors).

        Raises:
            WorkspaceError: the file is missing and `create` is False, is not a workspace, or is newer.
        """
        path = Path(path).expanduser()
        if not path.exists():
            if not create:
                raise WorkspaceError(f"no workspace at {path}, so no history yet")
            with contextlib.suppress(WorkspaceExistsError):  # another process created it first
                schema.create_file(path, lambda conn: None)
        return cls(path, open_existing(path), clock=clock)

    def close(self) -> None:
        """Close the connection; closing twice is harmless."""
        self._shared.close()

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._shared.use()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._shared.transaction()

    # -- actions ---------------------------------------------------------------------------------

    def _take(self, first: ActionRecord, token: str, stale_after: timedelta) -> Claim:
        """Read the key's record and write the claim in one transaction: inserting the key is atomic."""
        with self._transaction() as conn:
            found = rows.action_row(conn, first.idempotency_key)
            record = first
            if found is not None:
                held, claimed_at, _ = found
                stale = held.state == "pending" and claimed_at <= first.updated_at - stale_after
                if held.state == "done" or (held.state == "pending" and not stale):
                    return Claim(owned=False, record=held)
                record = first.model_copy(update={"attempts": held.attempts + 1})
            rows.save_claim(conn, record, token)
            return Claim(owned=True, record=record)


__all__ = ["MAX_LISTED", "SYSTEM", "SqliteHistoryStore"]
