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

    def claim(
        self,
        idempotency_key: str,
        *,
        escalation_id: str,
        kind: str,
        target: str,
        token: str,
        stale_after: timedelta,
    ) -> Claim:
        """Try to take `idempotency_key` for writing.

        The caller owns the key (``owned=True``) when nobody had it, when the last attempt failed, or
        when the holder's claim is older than `stale_after` (a process that died mid-write). Otherwise
        the record says who has it: ``pending`` (wait) or ``done`` (nothing to write).

        Raises:
            InvalidQueryError: the key is empty.
            WorkspaceError: the history cannot be written.
        """
        self._require_key(idempotency_key)
        now = self._clock()
        with self._transaction() as conn:
            found = rows.action_row(conn, idempotency_key)
            if found is not None:
                record, claimed_at, _ = found
                stale = record.state == "pending" and claimed_at <= now - stale_after
                if record.state == "done" or (record.state == "pending" and not stale):
                    return Claim(owned=False, record=record)
            attempts = found[0].attempts if found is not None else 0
            record = ActionRecord(
                idempotency_key=idempotency_key,
                escalation_id=escalation_id,
                kind=kind,
                target=target,
                state="pending",
                attempts=attempts + 1,
                updated_at=now,
            )
            rows.save_claim(conn, record, token)
            return Claim(owned=True, record=record)


__all__ = ["MAX_LISTED", "SYSTEM", "SqliteHistoryStore"]
