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

from collections.abc import Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from ..base import Clock, utc_now
from ..errors import InvalidQueryError, NotFoundError
from ..local import _history_entries as entries
from ..records import (
    DONE_OUTCOMES,
    ActionEvent,
    ActionRecord,
    ActionState,
    Claim,
    Decision,
    EscalationEntry,
    EscalationStatus,
    FollowUpEntry,
    FollowUpStatus,
    Outcome,
    Ref,
    Reminder,
)
from . import _history_sql as sql
from ._pools import SyncPool
from .schema import LEDGER_LOCK, prepare, redacted

SYSTEM = "local"
MAX_LISTED = sql.MAX_LISTED


class PostgresHistoryStore:
    """The escalation history in a PostgreSQL database. Open it with `open`; close it with `close`."""

    def __init__(self, url: str, *, clock: Clock = utc_now) -> None:
        """Connect to a migrated database. Use `open` instead."""
        self.url = url
        self._pool = SyncPool(url, what=f"the history in {redacted(url)}")
        self._clock = clock

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

    def __enter__(self) -> PostgresHistoryStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def now(self) -> datetime:
        return self._clock()

    # -- escalations -----------------------------------------------------------------------------

    def record_escalation(
        self,
        *,
        fingerprint: str,
        issue: str,
        summary: str = "",
        decision: Decision = "escalate",
        severity: str | None = None,
        target: str | None = None,
        account_ids: Sequence[str] = (),
        ticket_ids: Sequence[str] = (),
        issue_keys: Sequence[str] = (),
        brief: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> EscalationEntry:
        """See `HistoryStore.record_escalation`."""
        if not fingerprint.strip() or not issue.strip():
            raise InvalidQueryError("an escalation needs an issue and a fingerprint", system=SYSTEM)
        now = self._clock()
        fields: dict[str, Any] = {
            "summary": summary,
            "decision": decision,
            "severity": severity,
            "target": target,
            "brief": brief,
            "data": data,
        }
        with self._pool.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LEDGER_LOCK,))
            found = sql.updatable_with(conn, fingerprint) or sql.updatable_about(
                conn, account_ids, ticket_ids, issue_keys
            )
            if found is not None:
                entry = entries.updated(found, now, account_ids, ticket_ids, issue_keys, **fields)
                sql.save_escalation(conn, entry)
                return entry
            number = sql.next_number(conn)
            entry = entries.new(
                number, fingerprint, issue, now, account_ids, ticket_ids, issue_keys, **fields
            )
            sql.save_escalation(conn, entry, number=number)
            return entry

    def escalation(self, escalation_id: str) -> EscalationEntry:
        """See `HistoryStore.escalation`."""
        with self._pool.use() as conn:
            entry = sql.escalation_row(conn, entries.escalation_id(escalation_id))
        if entry is None:
            raise NotFoundError(
                f"no escalation {escalation_id} in the history; list them with `customer-escalation history`",
                system=SYSTEM,
            )
        return entry

    def record_assessment(self, data: dict[str, Any]) -> str:
        """See `HistoryStore.record_assessment`."""
        with self._pool.transaction() as conn:
            return f"ASM-{sql.insert_assessment(conn, self._clock(), data)}"

    def assessment(self, assessment_id: str) -> dict[str, Any]:
        """See `HistoryStore.assessment`."""
        head, _, number = assessment_id.strip().rpartition("-")
        found = None
        if head.upper() == "ASM" and number.isdigit():
            with self._pool.use() as conn:
                found = sql.assessment_row(conn, int(number))
        if found is None:
            raise NotFoundError(f"no assessment {assessment_id} in the history", system=SYSTEM)
        return found

    def escalations(
        self, *, since: datetime | None = None, status: Sequence[EscalationStatus] = (), limit: int = 100
    ) -> tuple[EscalationEntry, ...]:
        with self._pool.use() as conn:
            return sql.escalation_rows(conn, since, status, limit)

    def related_escalations(
        self,
        *,
        account_ids: Sequence[str] = (),
        ticket_ids: Sequence[str] = (),
        issue_keys: Sequence[str] = (),
        status: Sequence[EscalationStatus] = ("closed", "deescalated"),
        limit: int = 50,
    ) -> tuple[EscalationEntry, ...]:
        if not account_ids and not ticket_ids and not issue_keys:
            return ()
        with self._pool.use() as conn:
            return sql.related_rows(
                conn,
                account_ids=account_ids,
                ticket_ids=ticket_ids,
                issue_keys=issue_keys,
                status=status,
                limit=limit,
            )

    def set_status(
        self,
        escalation_id: str,
        status: EscalationStatus,
        *,
        reason: str | None = None,
        learning: str | None = None,
    ) -> EscalationEntry:
        """See `HistoryStore.set_status`."""
        now = self._clock()
        with self._pool.transaction() as conn:
            entry = sql.escalation_row(conn, entries.escalation_id(escalation_id), lock=True)
            if entry is None:
                raise NotFoundError(f"no escalation {escalation_id} in the history", system=SYSTEM)
            if entry.status == status:
                if learning and not entry.learning:
                    entry = entry.model_copy(update={"learning": learning})
                    sql.save_escalation(conn, entry)
                return entry
            entry = entry.model_copy(
                update={
                    "status": status,
                    "status_reason": reason,
                    "status_changed_at": now,
                    "learning": learning or entry.learning,
                    "updated_at": now,
                }
            )
            sql.save_escalation(conn, entry)
            if status != "open":
                sql.cancel_followups(conn, entry.id)
            return entry

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
        """See `HistoryStore.claim`; the database's unique key decides between racing processes."""
        if not idempotency_key.strip():
            raise InvalidQueryError("idempotency_key must not be empty", system=SYSTEM)
        now = self._clock()
        record = ActionRecord(
            idempotency_key=idempotency_key,
            escalation_id=escalation_id,
            kind=kind,
            target=target,
            state="pending",
            attempts=1,
            updated_at=now,
        )
        with self._pool.transaction() as conn:
            attempts = sql.take_claim(conn, record, token, now - stale_after)
            if attempts is not None:
                return Claim(owned=True, record=record.model_copy(update={"attempts": attempts}))
            found = sql.action_row(conn, idempotency_key)
        assert found is not None  # a claimed key is never removed
        return Claim(owned=False, record=found[0])

    def complete(
        self,
        idempotency_key: str,
        *,
        token: str,
        outcome: Outcome,
        ref: Ref | None,
        detail: str = "",
        payload: dict[str, Any] | None = None,
    ) -> ActionRecord:
        """See `HistoryStore.complete`."""
        if outcome not in DONE_OUTCOMES:
            raise InvalidQueryError(f"{outcome!r} does not complete an action", system=SYSTEM)
        return self._finish(idempotency_key, token, "done", outcome, ref, detail, payload)

    def fail(
        self, idempotency_key: str, *, token: str, error: str, payload: dict[str, Any] | None = None
    ) -> ActionRecord:
        """See `HistoryStore.fail`."""
        return self._finish(idempotency_key, token, "failed", "failed", None, error, payload)

    def log(
        self,
        *,
        escalation_id: str,
        kind: str,
        target: str,
        idempotency_key: str,
        outcome: Outcome,
        detail: str = "",
        ref: Ref | None = None,
        payload: dict[str, Any] | None = None,
    ) -> ActionEvent:
        event = entries.event(
            self._clock(), escalation_id, kind, target, idempotency_key, outcome, detail, ref, payload
        )
        with self._pool.use() as conn:
            return sql.insert_event(conn, event)

    def action(self, idempotency_key: str) -> ActionRecord | None:
        with self._pool.use() as conn:
            found = sql.action_row(conn, idempotency_key)
        return found[0] if found is not None else None

    def actions(self, *, escalation_id: str | None = None) -> tuple[ActionRecord, ...]:
        wanted = entries.escalation_id(escalation_id) if escalation_id is not None else None
        with self._pool.use() as conn:
            return sql.action_rows(conn, wanted)

    def events(
        self, *, escalation_id: str | None = None, since: datetime | None = None, limit: int = MAX_LISTED
    ) -> tuple[ActionEvent, ...]:
        wanted = entries.escalation_id(escalation_id) if escalation_id is not None else None
        with self._pool.use() as conn:
            return sql.event_rows(conn, wanted, since, limit)

    # -- follow-ups ------------------------------------------------------------------------------

    def add_followups(
        self, escalation_id: str, idempotency_key: str, reminders: Sequence[Reminder]
    ) -> tuple[FollowUpEntry, ...]:
        """See `HistoryStore.add_followups`."""
        wanted = entries.escalation_id(escalation_id)
        now = self._clock()
        with self._pool.transaction() as conn:
            if not sql.escalation_exists(conn, wanted):
                raise NotFoundError(f"no escalation {escalation_id} in the history", system=SYSTEM)
            for reminder in reminders:
                entry = FollowUpEntry(
                    n=0,
                    escalation_id=wanted,
                    idempotency_key=idempotency_key,
                    kind=reminder.kind,
                    due_at=reminder.due_at,
                    note=reminder.note,
                    every=reminder.every,
                    created_at=now,
                )
                sql.insert_followup(conn, entry)
            return sql.followups_of_key(conn, idempotency_key)

    def followups(
        self,
        *,
        escalation_id: str | None = None,
        since: datetime | None = None,
        status: Sequence[FollowUpStatus] = (),
    ) -> tuple[FollowUpEntry, ...]:
        wanted = entries.escalation_id(escalation_id) if escalation_id is not None else None
        with self._pool.use() as conn:
            return sql.followup_rows(conn, wanted, since, status)

    def claim_due_followups(
        self, *, token: str, lease: timedelta, limit: int = 100
    ) -> tuple[FollowUpEntry, ...]:
        """Pending follow-ups due now that no other worker holds, leased to `token` for `lease`.

        A worker that dies lets its lease run out, and the reminders are handed out again.
        """
        now = self._clock()
        with self._pool.transaction() as conn:
            return sql.claim_due(conn, now, now + lease, token, limit)

    # -- internals -------------------------------------------------------------------------------

    def _finish(
        self,
        key: str,
        token: str,
        state: ActionState,
        outcome: Outcome,
        ref: Ref | None,
        detail: str,
        payload: dict[str, Any] | None,
    ) -> ActionRecord:
        now = self._clock()
        with self._pool.transaction() as conn:
            found = sql.action_row(conn, key, lock=True)
            if found is None:
                raise NotFoundError(f"no action with idempotency key {key} was claimed", system=SYSTEM)
            record, _, holder = found
            superseded = record.state == "done" or (record.state == "pending" and holder != token)
            if state == "done" or not superseded:
                record = record.model_copy(
                    update={
                        "state": state,
                        "outcome": outcome,
                        "ref": ref,
                        "detail": detail,
                        "updated_at": now,
                    }
                )
                sql.save_finished(conn, record)
            event = entries.event(
                self._clock(),
                record.escalation_id,
                record.kind,
                record.target,
                key,
                outcome,
                detail,
                ref,
                payload,
            )
            sql.insert_event(conn, event)
            return record


__all__ = ["MAX_LISTED", "PostgresHistoryStore"]
