"""The escalation history, kept in the workspace file: briefs, actions and follow-up reminders.

The workspace file is always there, whatever serves the five categories, so it is where the history
lives. Three things are kept:

- escalations: one per issue while it is open (a brief produced again for the same issue updates it),
  with the brief itself, the decision, severity, target, and the tickets and accounts it concerns;
- actions: for every idempotency key, its state (``pending`` while one caller is writing, ``done`` or
  ``failed`` after), plus an append-only log of every preview, write, skip, refusal and failure;
- follow-ups: reminders with a due time, pending until the escalation is de-escalated or closed.

`claim` is how a write happens at most once: inserting the key is atomic in SQLite, so of any number
of callers (tasks, threads or processes) exactly one owns a key at a time; the others find it pending
and wait, or find it done and write nothing. Each state change and its log entry are one transaction.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..base import Clock, utc_now
from ..errors import InvalidQueryError, NotFoundError, WorkspaceError, WorkspaceExistsError
from ..records import Decision, Ref, UtcDateTime
from . import schema
from ._shared import SharedConnection, open_existing
from .indexing import to_micros

SYSTEM = "local"
MAX_LISTED = 1_000
"""No listing returns more than this many entries."""

EscalationStatus = Literal["open", "closed", "deescalated"]
HANDLED_IN_SUPPORT = "handled in support: no escalation"
"""The status reason of a support-handling decision, which is recorded closed."""
_UPDATABLE = (
    "(status = 'open' OR (status = 'closed' "
    "AND json_extract(data, '$.decision') = 'handle_in_support' "
    f"AND json_extract(data, '$.status_reason') = '{HANDLED_IN_SUPPORT}'))"
)
"""Entries a new brief about the same thing updates: open escalations and support-handling records."""
ActionState = Literal["pending", "done", "failed"]
Outcome = Literal["preview", "executed", "linked", "existing", "skipped", "failed", "refused"]
"""What happened to one action request:

- ``preview``: shown, nothing sent;
- ``executed``: written now;
- ``linked``: an existing record (an open tracker issue) was used instead of writing a new one;
- ``existing``: the target system already held this write (its own idempotency check), nothing new;
- ``skipped``: the history already had this action done, nothing sent;
- ``failed``: the write was tried and failed (the error is kept);
- ``refused``: blocked by configuration (read-only mode or an allowlist) before anything was sent.
"""
DONE_OUTCOMES: frozenset[Outcome] = frozenset({"executed", "linked", "existing"})
FollowUpKind = Literal["internal", "customer", "deadline"]
FollowUpStatus = Literal["pending", "cancelled"]


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class EscalationEntry(_Entry):
    """One escalation (or support-handling decision) in the history."""

    id: str
    """``ESC-<n>``, the id `deescalate` and the write tools take."""
    fingerprint: str
    """Identifies the issue: a brief produced again for the same fingerprint updates this entry while open."""
    issue: str
    """The issue as it was described."""
    summary: str = ""
    """The brief's one-line summary."""
    decision: Decision = "escalate"
    severity: str | None = None
    target: str | None = None
    """The target team line, e.g. ``Engineering (Ingestion)``."""
    status: EscalationStatus = "open"
    created_at: UtcDateTime
    updated_at: UtcDateTime
    runs: int = 1
    """How many times a brief was produced for it."""
    account_ids: tuple[str, ...] = ()
    ticket_ids: tuple[str, ...] = ()
    brief: str = ""
    """The brief (or support-handling note) as markdown."""
    data: dict[str, Any] = Field(default_factory=dict)
    """What the action layer needs to act on it later (the brief as JSON, follow-up times...)."""
    status_reason: str | None = None
    status_changed_at: UtcDateTime | None = None
    learning: str | None = None
    """What was learned, recorded at de-escalation."""


class ActionRecord(_Entry):
    """The state of one action, by idempotency key."""

    idempotency_key: str
    escalation_id: str
    kind: str
    target: str
    state: ActionState
    attempts: int
    """How many times a write was started."""
    updated_at: UtcDateTime
    outcome: Outcome | None = None
    """How the last attempt ended (`executed`, `linked`, `existing` or `failed`)."""
    ref: Ref | None = None
    """What was written (or linked), once done."""
    detail: str = ""
    """The result in words, or the error of a failed attempt."""


class ActionEvent(_Entry):
    """One line of the action log."""

    n: int
    at: UtcDateTime
    escalation_id: str
    kind: str
    target: str
    idempotency_key: str
    outcome: Outcome
    detail: str = ""
    ref: Ref | None = None
    payload: dict[str, Any] | None = None
    """Exactly what was (or would be) sent, for previews and writes."""


class Reminder(_Entry):
    """A follow-up to schedule."""

    kind: FollowUpKind
    due_at: UtcDateTime
    note: str
    every: str | None = None
    """The cadence in words, e.g. ``every 4 hours``."""


class FollowUpEntry(_Entry):
    """A scheduled follow-up."""

    n: int
    escalation_id: str
    idempotency_key: str
    kind: FollowUpKind
    due_at: UtcDateTime
    note: str
    every: str | None = None
    status: FollowUpStatus = "pending"
    created_at: UtcDateTime


class Claim(_Entry):
    """The answer to `HistoryStore.claim`."""

    owned: bool
    """True when the caller now holds the key and should write; False when someone else holds it or it is done."""
    record: ActionRecord


class HistoryStore:
    """The escalation history in a workspace file. Open it with `open`; close it with `close`.

    Calls are short synchronous SQLite transactions on one connection guarded by a lock, like the
    workspace's own; several stores (and processes) may open the same file.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, *, clock: Clock = utc_now) -> None:
        """Wrap an open, migrated connection. Use `open` instead."""
        self.path = path
        self._shared = SharedConnection(conn, what=f"the history in {path}")
        self._clock = clock

    @classmethod
    def open(cls, path: Path, *, clock: Clock = utc_now, create: bool = True) -> HistoryStore:
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

    def __enter__(self) -> HistoryStore:
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
        handled = decision == "handle_in_support" and brief is not None
        with self._transaction() as conn:
            found = self._open_with(conn, fingerprint) or self._open_about(
                conn, account_ids, ticket_ids, issue_keys
            )
            if found is not None:
                keep_brief = brief is None
                keys = _merged(_keys_of(found.data), issue_keys)
                kept = found.data if data is None else data
                update: dict[str, Any] = {
                    "summary": summary or found.summary,
                    "decision": decision if not keep_brief else found.decision,
                    "severity": severity if not keep_brief else found.severity,
                    "target": target if not keep_brief else found.target,
                    "account_ids": _merged(found.account_ids, account_ids),
                    "ticket_ids": _merged(found.ticket_ids, ticket_ids),
                    "brief": found.brief if brief is None else brief,
                    "data": {**kept, "issue_keys": list(keys)} if keys else kept,
                    "updated_at": now,
                    "runs": found.runs + (0 if keep_brief else 1),
                }
                if found.status != "open" and brief is not None and decision == "escalate":
                    # Handled in support before, escalated now: it becomes an open escalation.
                    update.update(status="open", status_reason=None, status_changed_at=now)
                entry = found.model_copy(update=update)
                self._save_escalation(conn, entry)
                return entry
            number = conn.execute("SELECT coalesce(max(n), 0) + 1 FROM escalations").fetchone()[0]
            keys = tuple(dict.fromkeys(issue_keys))
            entry = EscalationEntry(
                id=f"ESC-{number}",
                fingerprint=fingerprint,
                issue=issue,
                summary=summary,
                decision=decision,
                severity=severity,
                target=target,
                status="closed" if handled else "open",
                status_reason=HANDLED_IN_SUPPORT if handled else None,
                status_changed_at=now if handled else None,
                created_at=now,
                updated_at=now,
                runs=0 if brief is None else 1,
                account_ids=tuple(dict.fromkeys(account_ids)),
                ticket_ids=tuple(dict.fromkeys(ticket_ids)),
                brief=brief or "",
                data={**(data or {}), "issue_keys": list(keys)} if keys else (data or {}),
            )
            self._save_escalation(conn, entry, number=number)
            return entry

    def escalation(self, escalation_id: str) -> EscalationEntry:
        """One escalation by id (``ESC-12``; ``12`` and ``esc-12`` are accepted too).

        Raises:
            NotFoundError: no escalation has this id.
        """
        wanted = _escalation_id(escalation_id)
        with self._db() as conn:
            row = conn.execute("SELECT data FROM escalations WHERE id = ?", (wanted,)).fetchone()
        if row is None:
            raise NotFoundError(
                f"no escalation {escalation_id} in the history; list them with `customer-escalation history`",
                system=SYSTEM,
            )
        return EscalationEntry.model_validate_json(row[0])

    def escalations(
        self, *, since: datetime | None = None, status: Sequence[EscalationStatus] = (), limit: int = 100
    ) -> tuple[EscalationEntry, ...]:
        """Escalations updated at or after `since`, most recently updated first."""
        where = ["updated_at >= ?"]
        params: list[object] = [to_micros(since) if since is not None else 0]
        if status:
            where.append(f"status IN ({', '.join('?' * len(status))})")
            params.extend(status)
        params.append(max(1, min(limit, MAX_LISTED)))
        with self._db() as conn:
            rows = conn.execute(
                f"SELECT data FROM escalations WHERE {' AND '.join(where)} ORDER BY updated_at DESC, n DESC LIMIT ?",
                params,
            ).fetchall()
        return tuple(EscalationEntry.model_validate_json(data) for (data,) in rows)

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
        accounts = json.dumps(list(dict.fromkeys(account_ids)))
        tickets = json.dumps(list(dict.fromkeys(ticket_ids)))
        keys = json.dumps(list(dict.fromkeys(issue_keys)))
        query = f"""
            SELECT data FROM escalations AS e
            WHERE status IN ({", ".join("?" * len(status))})
              AND (EXISTS (SELECT 1 FROM json_each(e.account_ids) AS a
                           WHERE a.value IN (SELECT value FROM json_each(?)))
                OR EXISTS (SELECT 1 FROM json_each(e.ticket_ids) AS t
                           WHERE t.value IN (SELECT value FROM json_each(?)))
                OR EXISTS (SELECT 1 FROM json_each(e.data, '$.data.issue_keys') AS k
                           WHERE k.value IN (SELECT value FROM json_each(?))))
            ORDER BY created_at DESC, n DESC LIMIT ?"""
        with self._db() as conn:
            rows = conn.execute(
                query, (*status, accounts, tickets, keys, max(1, min(limit, MAX_LISTED)))
            ).fetchall()
        return tuple(EscalationEntry.model_validate_json(data) for (data,) in rows)

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
        wanted = _escalation_id(escalation_id)
        now = self._clock()
        with self._transaction() as conn:
            row = conn.execute("SELECT data FROM escalations WHERE id = ?", (wanted,)).fetchone()
            if row is None:
                raise NotFoundError(f"no escalation {escalation_id} in the history", system=SYSTEM)
            entry = EscalationEntry.model_validate_json(row[0])
            if entry.status == status:
                if learning and not entry.learning:
                    entry = entry.model_copy(update={"learning": learning})
                    self._save_escalation(conn, entry)
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
            self._save_escalation(conn, entry)
            if status != "open":
                conn.execute(
                    "UPDATE followups SET status = 'cancelled', "
                    "data = json_set(data, '$.status', 'cancelled') "
                    "WHERE escalation_id = ? AND status = 'pending'",
                    (entry.id,),
                )
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
        now = self._clock()
        with self._transaction() as conn:
            found = self._action(conn, idempotency_key)
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
            conn.execute(
                """INSERT INTO actions (idempotency_key, escalation_id, kind, target, state, claimed_by,
                       claimed_at, attempts, updated_at, data)
                   VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)
                   ON CONFLICT (idempotency_key) DO UPDATE SET
                       state = 'pending', claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at,
                       attempts = excluded.attempts, updated_at = excluded.updated_at, data = excluded.data""",
                (
                    idempotency_key,
                    escalation_id,
                    kind,
                    target,
                    token,
                    to_micros(now),
                    record.attempts,
                    to_micros(now),
                    record.model_dump_json(),
                ),
            )
            return Claim(owned=True, record=record)

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
        with self._transaction() as conn:
            return self._log(
                conn, escalation_id, kind, target, idempotency_key, outcome, detail, ref, payload
            )

    def action(self, idempotency_key: str) -> ActionRecord | None:
        """The state of the action with this key, or None when it was never claimed."""
        with self._db() as conn:
            found = self._action(conn, idempotency_key)
        return found[0] if found is not None else None

    def actions(self, *, escalation_id: str | None = None) -> tuple[ActionRecord, ...]:
        """Action states, oldest first (of one escalation when given)."""
        sql = "SELECT data FROM actions"
        params: tuple[object, ...] = ()
        if escalation_id is not None:
            sql += " WHERE escalation_id = ?"
            params = (_escalation_id(escalation_id),)
        with self._db() as conn:
            rows = conn.execute(sql + " ORDER BY updated_at, idempotency_key", params).fetchall()
        return tuple(ActionRecord.model_validate_json(data) for (data,) in rows)

    def events(
        self, *, escalation_id: str | None = None, since: datetime | None = None, limit: int = MAX_LISTED
    ) -> tuple[ActionEvent, ...]:
        """The action log, oldest first: of one escalation, and at or after `since`, when given."""
        where = ["at >= ?"]
        params: list[object] = [to_micros(since) if since is not None else 0]
        if escalation_id is not None:
            where.append("escalation_id = ?")
            params.append(_escalation_id(escalation_id))
        params.append(max(1, min(limit, MAX_LISTED)))
        with self._db() as conn:
            rows = conn.execute(
                f"SELECT n, data FROM action_events WHERE {' AND '.join(where)} ORDER BY n LIMIT ?", params
            ).fetchall()
        return tuple(ActionEvent.model_validate_json(data).model_copy(update={"n": n}) for n, data in rows)

    # -- follow-ups ------------------------------------------------------------------------------

    def add_followups(
        self, escalation_id: str, idempotency_key: str, reminders: Sequence[Reminder]
    ) -> tuple[FollowUpEntry, ...]:
        """Schedule reminders; a reminder kind already scheduled under this key is kept, not repeated.

        Raises:
            NotFoundError: no escalation has this id.
        """
        wanted = _escalation_id(escalation_id)
        now = self._clock()
        with self._transaction() as conn:
            if conn.execute("SELECT 1 FROM escalations WHERE id = ?", (wanted,)).fetchone() is None:
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
                conn.execute(
                    "INSERT OR IGNORE INTO followups (escalation_id, idempotency_key, kind, due_at, status, data) "
                    "VALUES (?, ?, ?, ?, 'pending', ?)",
                    (
                        wanted,
                        idempotency_key,
                        reminder.kind,
                        to_micros(reminder.due_at),
                        entry.model_dump_json(),
                    ),
                )
            rows = conn.execute(
                "SELECT n, data FROM followups WHERE idempotency_key = ? ORDER BY due_at, n",
                (idempotency_key,),
            ).fetchall()
        return tuple(FollowUpEntry.model_validate_json(data).model_copy(update={"n": n}) for n, data in rows)

    def followups(
        self,
        *,
        escalation_id: str | None = None,
        since: datetime | None = None,
        status: Sequence[FollowUpStatus] = (),
    ) -> tuple[FollowUpEntry, ...]:
        """Follow-ups by due time: of one escalation, due at or after `since`, in `status`, when given."""
        where = ["due_at >= ?"]
        params: list[object] = [to_micros(since) if since is not None else 0]
        if escalation_id is not None:
            where.append("escalation_id = ?")
            params.append(_escalation_id(escalation_id))
        if status:
            where.append(f"status IN ({', '.join('?' * len(status))})")
            params.extend(status)
        with self._db() as conn:
            rows = conn.execute(
                f"SELECT n, data FROM followups WHERE {' AND '.join(where)} ORDER BY due_at, n LIMIT {MAX_LISTED}",
                params,
            ).fetchall()
        return tuple(FollowUpEntry.model_validate_json(data).model_copy(update={"n": n}) for n, data in rows)

    # -- internals -------------------------------------------------------------------------------

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._shared.use()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._shared.transaction()

    @staticmethod
    def _open_with(conn: sqlite3.Connection, fingerprint: str) -> EscalationEntry | None:
        row = conn.execute(
            f"SELECT data FROM escalations WHERE fingerprint = ? AND {_UPDATABLE} ORDER BY n DESC LIMIT 1",
            (fingerprint,),
        ).fetchone()
        return EscalationEntry.model_validate_json(row[0]) if row is not None else None

    @staticmethod
    def _open_about(
        conn: sqlite3.Connection,
        account_ids: Sequence[str],
        ticket_ids: Sequence[str],
        issue_keys: Sequence[str],
    ) -> EscalationEntry | None:
        """The most recently updated open (or handled) entry sharing a ticket, or a tracker issue and an
        account (or naming no account on one side)."""
        if not ticket_ids and not issue_keys:
            return None
        accounts = json.dumps(list(dict.fromkeys(account_ids)))
        row = conn.execute(
            f"""SELECT data FROM escalations AS e
                WHERE {_UPDATABLE}
                  AND (EXISTS (SELECT 1 FROM json_each(e.ticket_ids) AS t
                               WHERE t.value IN (SELECT value FROM json_each(?)))
                    OR (EXISTS (SELECT 1 FROM json_each(e.data, '$.data.issue_keys') AS k
                                WHERE k.value IN (SELECT value FROM json_each(?)))
                        AND (json_array_length(e.account_ids) = 0 OR json_array_length(?) = 0
                             OR EXISTS (SELECT 1 FROM json_each(e.account_ids) AS a
                                        WHERE a.value IN (SELECT value FROM json_each(?))))))
                ORDER BY updated_at DESC, n DESC LIMIT 1""",
            (
                json.dumps(list(dict.fromkeys(ticket_ids))),
                json.dumps(list(dict.fromkeys(issue_keys))),
                accounts,
                accounts,
            ),
        ).fetchone()
        return EscalationEntry.model_validate_json(row[0]) if row is not None else None

    @staticmethod
    def _save_escalation(
        conn: sqlite3.Connection, entry: EscalationEntry, *, number: int | None = None
    ) -> None:
        columns = (
            entry.fingerprint,
            entry.status,
            to_micros(entry.created_at),
            to_micros(entry.updated_at),
            json.dumps(list(entry.account_ids)),
            json.dumps(list(entry.ticket_ids)),
            entry.model_dump_json(),
        )
        if number is None:
            conn.execute(
                "UPDATE escalations SET fingerprint = ?, status = ?, created_at = ?, updated_at = ?, "
                "account_ids = ?, ticket_ids = ?, data = ? WHERE id = ?",
                (*columns, entry.id),
            )
        else:
            conn.execute(
                "INSERT INTO escalations (n, id, fingerprint, status, created_at, updated_at, account_ids, "
                "ticket_ids, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (number, entry.id, *columns),
            )

    @staticmethod
    def _action(conn: sqlite3.Connection, key: str) -> tuple[ActionRecord, datetime, str | None] | None:
        row = conn.execute(
            "SELECT data, claimed_at, claimed_by FROM actions WHERE idempotency_key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        return ActionRecord.model_validate_json(row[0]), _from_micros(row[1]), row[2]

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
        with self._transaction() as conn:
            found = self._action(conn, key)
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
                conn.execute(
                    "UPDATE actions SET state = ?, claimed_by = NULL, updated_at = ?, data = ? "
                    "WHERE idempotency_key = ?",
                    (state, to_micros(now), record.model_dump_json(), key),
                )
            self._log(
                conn, record.escalation_id, record.kind, record.target, key, outcome, detail, ref, payload
            )
            return record

    def _log(
        self,
        conn: sqlite3.Connection,
        escalation_id: str,
        kind: str,
        target: str,
        key: str,
        outcome: Outcome,
        detail: str,
        ref: Ref | None,
        payload: dict[str, Any] | None,
    ) -> ActionEvent:
        now = self._clock()
        event = ActionEvent(
            n=0,
            at=now,
            escalation_id=escalation_id,
            kind=kind,
            target=target,
            idempotency_key=key,
            outcome=outcome,
            detail=detail,
            ref=ref,
            payload=payload,
        )
        cursor = conn.execute(
            "INSERT INTO action_events (escalation_id, idempotency_key, at, data) VALUES (?, ?, ?, ?)",
            (escalation_id, key, to_micros(now), event.model_dump_json()),
        )
        return event.model_copy(update={"n": int(cursor.lastrowid or 0)})


def _keys_of(data: dict[str, Any]) -> tuple[str, ...]:
    keys = data.get("issue_keys")
    return tuple(k for k in keys if isinstance(k, str)) if isinstance(keys, list) else ()


def _merged(old: Sequence[str], new: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*old, *new]))


def _escalation_id(value: str) -> str:
    """``ESC-12`` from ``ESC-12``, ``esc-12`` or ``12``."""
    text = value.strip()
    head, _, tail = text.rpartition("-")
    if text.isdigit():
        return f"ESC-{text}"
    if head.lower() == "esc" and tail.isdigit():
        return f"ESC-{tail}"
    return text


def _from_micros(micros: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


__all__ = [
    "DONE_OUTCOMES",
    "HANDLED_IN_SUPPORT",
    "ActionEvent",
    "ActionRecord",
    "ActionState",
    "Claim",
    "Decision",
    "EscalationEntry",
    "EscalationStatus",
    "FollowUpEntry",
    "FollowUpKind",
    "FollowUpStatus",
    "HistoryStore",
    "Outcome",
    "Reminder",
]
