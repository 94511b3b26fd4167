"""The escalation history in PostgreSQL, for several processes (replicas) sharing one database.

`PostgresHistoryStore` has the shape of the skill layer's `HistoryStore` protocol and answers exactly
as `SqliteHistoryStore` does; what differs is how once-only writes are enforced between processes:

- `claim` is one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE`` on the key's primary key: of any number
  of processes claiming a key at the same moment exactly one gets it; the others are told who holds it.
- `complete` and `fail` lock the action's row (``SELECT ... FOR UPDATE``) before deciding, so a late
  failure never overwrites a completion.
- A new escalation is numbered under a transaction advisory lock, so two replicas recording the same
  issue at once update one escalation rather than each starting its own.
- `claim_due_followups` leases due reminders with ``FOR UPDATE SKIP LOCKED``: workers never block on,
  or both take, the same reminder.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import timedelta
from typing import ClassVar

from ..base import Clock, utc_now
from ..local._history_base import MAX_LISTED, SYSTEM, HistoryRows, HistoryStoreBase
from ..records import ActionRecord, Claim, FollowUpEntry
from . import _history_sql as sql
from ._pools import SyncPool
from .schema import LEDGER_LOCK, prepare, redacted


class PostgresHistoryStore(HistoryStoreBase[sql.Conn]):
    """The escalation history in a PostgreSQL database. Open it with `open`; close it with `close`."""

    _rows: ClassVar[HistoryRows[sql.Conn]] = sql

    def __init__(self, url: str, *, clock: Clock = utc_now) -> None:
        """Connect to a migrated database. Use `open` instead."""
        self.url = url
        self._pool = SyncPool(url, what=f"the history in {redacted(url)}")
        super().__init__(clock=clock)

    @classmethod
    def open(cls, url: str, *, clock: Clock = utc_now) -> PostgresHistoryStore:
        """Connect to the database at `url`, creating or migrating its tables first.

        Raises:
            WorkspaceError: the database cannot be reached, or was migrated by a newer version.
        """
        prepare(url)
        return cls(url, clock=clock)

    def close(self) -> None:
        self._pool.close()

    def _db(self) -> AbstractContextManager[sql.Conn]:
        return self._pool.use()

    def _transaction(self) -> AbstractContextManager[sql.Conn]:
        return self._pool.transaction()

    def _write_one(self) -> AbstractContextManager[sql.Conn]:
        """An autocommit connection: one statement is its own transaction."""
        return self._pool.use()

    def _lock_ledger(self, conn: sql.Conn) -> None:
        """A transaction advisory lock, so replicas recording the same issue at once update one escalation."""
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LEDGER_LOCK,))

    # -- actions ---------------------------------------------------------------------------------

    def _take(self, first: ActionRecord, token: str, stale_after: timedelta) -> Claim:
        """The database's unique key decides between racing processes."""
        with self._transaction() as conn:
            attempts = sql.take_claim(conn, first, token, first.updated_at - stale_after)
            if attempts is not None:
                return Claim(owned=True, record=first.model_copy(update={"attempts": attempts}))
            found = sql.action_row(conn, first.idempotency_key)
        assert found is not None  # a claimed key is never removed
        return Claim(owned=False, record=found[0])

    # -- follow-ups ------------------------------------------------------------------------------

    def claim_due_followups(
        self, *, token: str, lease: timedelta, limit: int = 100
    ) -> tuple[FollowUpEntry, ...]:
        """Pending follow-ups due now that no other worker holds, leased to `token` for `lease`.

        A worker that dies lets its lease run out, and the reminders are handed out again.
        """
        now = self._clock()
        with self._transaction() as conn:
            return sql.claim_due(conn, now, now + lease, token, limit)


__all__ = ["MAX_LISTED", "SYSTEM", "PostgresHistoryStore"]
