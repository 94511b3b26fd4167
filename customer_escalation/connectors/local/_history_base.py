"""What a history store does, whichever database holds it: the shape of the skill layer's `HistoryStore`.

`HistoryStoreBase` holds the protocol's behaviour (validation, entries built with `_history_entries`,
how a status change or a finished action is decided, the error messages) once. A backend gives it a
connection (`_db`), a write transaction (`_transaction`) and a module of row functions (`_rows`,
matching `HistoryRows`), and adds its own `open`, `close` and `claim`: claiming a key is where the
backends' once-only guarantees differ most.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, ClassVar, Generic, Self, TypeVar

from ..base import Clock
from ..errors import InvalidQueryError, NotFoundError
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
from . import _history_entries as _entries
from ._history_backend import HistoryRows
from ._history_rows import MAX_LISTED

SYSTEM = "local"
C = TypeVar("C")


class HistoryStoreBase(ABC, Generic[C]):
    """The escalation history over one backend's connections `C` and row functions."""

    _rows: ClassVar[HistoryRows[Any]]

    def __init__(self, *, clock: Clock) -> None:
        self._clock = clock

    @abstractmethod
    def close(self) -> None:
        """Let go of the database; closing twice is harmless."""

    @abstractmethod
    def _db(self) -> AbstractContextManager[C]:
        """A connection for reading (or one statement that commits on its own)."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[C]:
        """A connection inside one write transaction, rolled back if the block raises."""

    def _write_one(self) -> AbstractContextManager[C]:
        """A connection for a write of one statement."""
        return self._transaction()

    def _lock_ledger(self, conn: C) -> None:
        """Serialise the recording of escalations with other writers, when the backend needs it."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def now(self) -> datetime:
        """The store's clock."""
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
        """Record a brief: update the escalation this is about, or start a new one.

        An entry is about the same thing when it has this fingerprint, or shares a ticket with it, or
        shares a tracker issue and an account (or one of them names no account): a related ticket
        arriving or the issue described in other words updates the same escalation, whose id and
        fingerprint (and so the keys of its writes) stay as they were. Only open escalations and
        support-handling records are updated; one that was closed or de-escalated is history, and a
        recurrence starts a new one.

        A support-handling decision is recorded closed ("handled in support"), not as an open
        escalation; an escalating brief about the same thing later reopens it as an escalation.

        Args:
            issue_keys: the related tracker issues (kept in `data` as ``issue_keys``).
            brief: the brief as markdown; None keeps what an open entry already holds (a write tool
                naming an issue records it without a brief).
            data: what the action layer needs later; None keeps what an open entry already holds.

        Raises:
            InvalidQueryError: the fingerprint or issue is empty.
            WorkspaceError: the history cannot be written.
        """
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
        rows = self._rows
        with self._transaction() as conn:
            self._lock_ledger(conn)
            found = rows.updatable_with(conn, fingerprint) or rows.updatable_about(
                conn, account_ids, ticket_ids, issue_keys
            )
            if found is not None:
                entry = _entries.updated(found, now, account_ids, ticket_ids, issue_keys, **fields)
                rows.save_escalation(conn, entry)
                return entry
            number = rows.next_number(conn)
            entry = _entries.new(
                number, fingerprint, issue, now, account_ids, ticket_ids, issue_keys, **fields
            )
            rows.save_escalation(conn, entry, number=number)
            return entry

    def escalation(self, escalation_id: str) -> EscalationEntry:
        """One escalation by id (``ESC-12``; ``12`` and ``esc-12`` are accepted too).

        Raises:
            NotFoundError: no escalation has this id.
        """
        with self._db() as conn:
            entry = self._rows.escalation_row(conn, _entries.escalation_id(escalation_id))
        if entry is None:
            raise NotFoundError(
                f"no escalation {escalation_id} in the history; list them with `customer-escalation history`",
                system=SYSTEM,
            )
        return entry

    def record_assessment(self, data: dict[str, Any]) -> str:
        """Keep an assessment; its id (``ASM-<n>``)."""
        with self._transaction() as conn:
            return f"ASM-{self._rows.insert_assessment(conn, self._clock(), data)}"

    def assessment(self, assessment_id: str) -> dict[str, Any]:
        """An assessment kept by `record_assessment`.

        Raises:
            NotFoundError: no assessment has this id.
        """
        head, _, number = assessment_id.strip().rpartition("-")
        found = None
        if head.upper() == "ASM" and number.isdigit():
            with self._db() as conn:
                found = self._rows.assessment_row(conn, int(number))
        if found is None:
            raise NotFoundError(f"no assessment {assessment_id} in the history", system=SYSTEM)
        return found

    def keep_preview(self, digest: str, plan: dict[str, Any], expires_at: datetime) -> None:
        """Keep a card preview's plan under the digest of its token (expired ones are dropped)."""
        with self._transaction() as conn:
            self._rows.insert_preview(conn, digest, plan, expires_at, self._clock())

    def take_preview(self, digest: str) -> tuple[dict[str, Any], datetime] | None:
        """The plan kept under `digest` and its expiry, removed in the same statement."""
        with self._transaction() as conn:
            return self._rows.take_preview(conn, digest)

    def escalations(
        self, *, since: datetime | None = None, status: Sequence[EscalationStatus] = (), limit: int = 100
    ) -> tuple[EscalationEntry, ...]:
        """Escalations updated at or after `since`, most recently updated first."""
        with self._db() as conn:
            return self._rows.escalation_rows(conn, since, status, limit)

    def related_escalations(
        self,
        *,
        account_ids: Sequence[str] = (),
        ticket_ids: Sequence[str] = (),
        issue_keys: Sequence[str] = (),
        status: Sequence[EscalationStatus] = ("closed", "deescalated"),
        limit: int = 50,
    ) -> tuple[EscalationEntry, ...]:
        """Escalations in `status` that share an account, a ticket or a tracker issue with the ones given,
        newest first."""
        if not account_ids and not ticket_ids and not issue_keys:
            return ()
        with self._db() as conn:
            return self._rows.related_rows(
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
        """Mark an escalation de-escalated, closed or open again, and why.

        An escalation already in `status` keeps its first reason and time (running a de-escalation
        again to finish its notes does not rewrite it). Leaving ``open`` cancels its pending follow-ups.

        Raises:
            NotFoundError: no escalation has this id.
        """
        now = self._clock()
        rows = self._rows
        with self._transaction() as conn:
            entry = rows.escalation_row(conn, _entries.escalation_id(escalation_id), lock=True)
            if entry is None:
                raise NotFoundError(f"no escalation {escalation_id} in the history", system=SYSTEM)
            if entry.status == status:
                if learning and not entry.learning:
                    entry = entry.model_copy(update={"learning": learning})
                    rows.save_escalation(conn, entry)
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
            rows.save_escalation(conn, entry)
            if status != "open":
                rows.cancel_followups(conn, entry.id)
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
        """Try to take `idempotency_key` for writing.

        The caller owns the key (``owned=True``) when nobody had it, when the last attempt failed, or
        when the holder's claim is older than `stale_after` (a process that died mid-write). Otherwise
        the record says who has it: ``pending`` (wait) or ``done`` (nothing to write).

        Raises:
            InvalidQueryError: the key is empty.
            WorkspaceError: the history cannot be written.
        """
        if not idempotency_key.strip():
            raise InvalidQueryError("idempotency_key must not be empty", system=SYSTEM)
        first = ActionRecord(
            idempotency_key=idempotency_key,
            escalation_id=escalation_id,
            kind=kind,
            target=target,
            state="pending",
            attempts=1,
            updated_at=self._clock(),
        )
        return self._take(first, token, stale_after)

    @abstractmethod
    def _take(self, first: ActionRecord, token: str, stale_after: timedelta) -> Claim:
        """Store `first` (the key's record as a first pending attempt, stamped now) as held by `token`
        when the key is free, failed or stale, counting the attempts before it; otherwise tell who
        holds it. Only one of any number of callers racing for a key may own it."""

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
        """Mark a claimed action done and log it, in one transaction.

        The action is done whoever holds the claim now: the write has happened.

        Raises:
            NotFoundError: the key was never claimed.
            InvalidQueryError: `outcome` is not one that completes an action.
        """
        if outcome not in DONE_OUTCOMES:
            raise InvalidQueryError(f"{outcome!r} does not complete an action", system=SYSTEM)
        return self._finish(idempotency_key, token, "done", outcome, ref, detail, payload)

    def fail(
        self, idempotency_key: str, *, token: str, error: str, payload: dict[str, Any] | None = None
    ) -> ActionRecord:
        """Mark a claimed action failed (a later request may try again) and log the error.

        When another caller has completed the action, or taken over the claim, in the meantime, its
        state is left alone; the failure is still logged.

        Raises:
            NotFoundError: the key was never claimed.
        """
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
        """Add a line to the action log without changing any action's state (previews, skips, refusals)."""
        event = _entries.event(
            self._clock(), escalation_id, kind, target, idempotency_key, outcome, detail, ref, payload
        )
        with self._write_one() as conn:
            return self._rows.insert_event(conn, event)

    def action(self, idempotency_key: str) -> ActionRecord | None:
        """The state of the action with this key, or None when it was never claimed."""
        with self._db() as conn:
            found = self._rows.action_row(conn, idempotency_key)
        return found[0] if found is not None else None

    def actions(self, *, escalation_id: str | None = None) -> tuple[ActionRecord, ...]:
        """Action states, oldest first (of one escalation when given)."""
        wanted = _entries.escalation_id(escalation_id) if escalation_id is not None else None
        with self._db() as conn:
            return self._rows.action_rows(conn, wanted)

    def events(
        self, *, escalation_id: str | None = None, since: datetime | None = None, limit: int = MAX_LISTED
    ) -> tuple[ActionEvent, ...]:
        """The action log, oldest first: of one escalation, and at or after `since`, when given."""
        wanted = _entries.escalation_id(escalation_id) if escalation_id is not None else None
        with self._db() as conn:
            return self._rows.event_rows(conn, wanted, since, limit)

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
        """Finish a claimed action and log it; a late failure leaves a completion or a newer claim alone."""
        now = self._clock()
        rows = self._rows
        with self._transaction() as conn:
            found = rows.action_row(conn, key, lock=True)
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
                rows.save_finished(conn, record)
            event = _entries.event(
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
            rows.insert_event(conn, event)
            return record

    # -- follow-ups ------------------------------------------------------------------------------

    def add_followups(
        self, escalation_id: str, idempotency_key: str, reminders: Sequence[Reminder]
    ) -> tuple[FollowUpEntry, ...]:
        """Schedule reminders; a reminder kind already scheduled under this key is kept, not repeated.

        Raises:
            NotFoundError: no escalation has this id.
        """
        wanted = _entries.escalation_id(escalation_id)
        now = self._clock()
        rows = self._rows
        with self._transaction() as conn:
            if not rows.escalation_exists(conn, wanted):
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
                rows.insert_followup(conn, entry)
            return rows.followups_of_key(conn, idempotency_key)

    def followups(
        self,
        *,
        escalation_id: str | None = None,
        since: datetime | None = None,
        status: Sequence[FollowUpStatus] = (),
    ) -> tuple[FollowUpEntry, ...]:
        """Follow-ups by due time: of one escalation, due at or after `since`, in `status`, when given."""
        wanted = _entries.escalation_id(escalation_id) if escalation_id is not None else None
        with self._db() as conn:
            return self._rows.followup_rows(conn, wanted, since, status)


__all__ = ["MAX_LISTED", "SYSTEM", "HistoryRows", "HistoryStoreBase"]
