"""How the escalation history is laid out in the workspace file: the SQL behind `SqliteHistoryStore`.

Each function works on a connection the store holds (inside its lock and, for writes, its
transaction); none opens or commits anything itself.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ..records import (
    HANDLED_IN_SUPPORT,
    ActionEvent,
    ActionRecord,
    EscalationEntry,
    EscalationStatus,
    FollowUpEntry,
    FollowUpStatus,
)
from .indexing import to_micros

MAX_LISTED = 1_000
"""No listing returns more than this many entries."""
UPDATABLE = (
    "(status = 'open' OR (status = 'closed' "
    "AND json_extract(data, '$.decision') = 'handle_in_support' "
    f"AND json_extract(data, '$.status_reason') = '{HANDLED_IN_SUPPORT}'))"
)
"""Entries a new brief about the same thing updates: open escalations and support-handling records."""


# -- escalations ---------------------------------------------------------------------------------


def updatable_with(conn: sqlite3.Connection, fingerprint: str) -> EscalationEntry | None:
    """The newest open (or handled) entry with this fingerprint."""
    row = conn.execute(
        f"SELECT data FROM escalations WHERE fingerprint = ? AND {UPDATABLE} ORDER BY n DESC LIMIT 1",
        (fingerprint,),
    ).fetchone()
    return EscalationEntry.model_validate_json(row[0]) if row is not None else None


def updatable_about(
    conn: sqlite3.Connection,
    account_ids: Sequence[str],
    ticket_ids: Sequence[str],
    issue_keys: Sequence[str],
) -> EscalationEntry | None:
    """The most recently updated open (or handled) entry sharing a ticket, or a tracker issue and an
    account (or naming no account on one side)."""
    if not ticket_ids and not issue_keys:
        return None
    accounts = _json_ids(account_ids)
    row = conn.execute(
        f"""SELECT data FROM escalations AS e
            WHERE {UPDATABLE}
              AND (EXISTS (SELECT 1 FROM json_each(e.ticket_ids) AS t
                           WHERE t.value IN (SELECT value FROM json_each(?)))
                OR (EXISTS (SELECT 1 FROM json_each(e.data, '$.data.issue_keys') AS k
                            WHERE k.value IN (SELECT value FROM json_each(?)))
                    AND (json_array_length(e.account_ids) = 0 OR json_array_length(?) = 0
                         OR EXISTS (SELECT 1 FROM json_each(e.account_ids) AS a
                                    WHERE a.value IN (SELECT value FROM json_each(?))))))
            ORDER BY updated_at DESC, n DESC LIMIT 1""",
        (_json_ids(ticket_ids), _json_ids(issue_keys), accounts, accounts),
    ).fetchone()
    return EscalationEntry.model_validate_json(row[0]) if row is not None else None


def next_number(conn: sqlite3.Connection) -> int:
    """The number of the next new escalation."""
    return int(conn.execute("SELECT coalesce(max(n), 0) + 1 FROM escalations").fetchone()[0])


def escalation_row(
    conn: sqlite3.Connection, escalation_id: str, *, lock: bool = False
) -> EscalationEntry | None:
    """The escalation with this id. `lock` asks nothing more of SQLite: a write transaction
    (``BEGIN IMMEDIATE``) already holds the file's write lock until it ends."""
    row = conn.execute("SELECT data FROM escalations WHERE id = ?", (escalation_id,)).fetchone()
    return EscalationEntry.model_validate_json(row[0]) if row is not None else None


def escalation_rows(
    conn: sqlite3.Connection, since: datetime | None, status: Sequence[EscalationStatus], limit: int
) -> tuple[EscalationEntry, ...]:
    where = ["updated_at >= ?"]
    params: list[object] = [to_micros(since) if since is not None else 0]
    if status:
        where.append(f"status IN ({', '.join('?' * len(status))})")
        params.extend(status)
    params.append(bounded(limit))
    rows = conn.execute(
        f"SELECT data FROM escalations WHERE {' AND '.join(where)} ORDER BY updated_at DESC, n DESC LIMIT ?",
        params,
    ).fetchall()
    return tuple(EscalationEntry.model_validate_json(data) for (data,) in rows)


def related_rows(
    conn: sqlite3.Connection,
    *,
    account_ids: Sequence[str],
    ticket_ids: Sequence[str],
    issue_keys: Sequence[str],
    status: Sequence[EscalationStatus],
    limit: int,
) -> tuple[EscalationEntry, ...]:
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
    params = (*status, _json_ids(account_ids), _json_ids(ticket_ids), _json_ids(issue_keys), bounded(limit))
    rows = conn.execute(query, params).fetchall()
    return tuple(EscalationEntry.model_validate_json(data) for (data,) in rows)


def save_escalation(conn: sqlite3.Connection, entry: EscalationEntry, *, number: int | None = None) -> None:
    """Insert the entry as escalation `number`, or update it in place when `number` is None."""
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


def cancel_followups(conn: sqlite3.Connection, escalation_id: str) -> None:
    conn.execute(
        "UPDATE followups SET status = 'cancelled', "
        "data = json_set(data, '$.status', 'cancelled') "
        "WHERE escalation_id = ? AND status = 'pending'",
        (escalation_id,),
    )


# -- actions -------------------------------------------------------------------------------------


def action_row(
    conn: sqlite3.Connection, key: str, *, lock: bool = False
) -> tuple[ActionRecord, datetime, str | None] | None:
    """The action with this key, when it was claimed, and who holds it (None once finished); `lock`
    is already held by a write transaction, as in `escalation_row`."""
    row = conn.execute(
        "SELECT data, claimed_at, claimed_by FROM actions WHERE idempotency_key = ?", (key,)
    ).fetchone()
    if row is None:
        return None
    return ActionRecord.model_validate_json(row[0]), from_micros(row[1]), row[2]


def save_claim(conn: sqlite3.Connection, record: ActionRecord, token: str) -> None:
    """Store `record` as pending, held by `token`, claimed at its `updated_at`."""
    now = to_micros(record.updated_at)
    conn.execute(
        """INSERT INTO actions (idempotency_key, escalation_id, kind, target, state, claimed_by,
               claimed_at, attempts, updated_at, data)
           VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)
           ON CONFLICT (idempotency_key) DO UPDATE SET
               state = 'pending', claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at,
               attempts = excluded.attempts, updated_at = excluded.updated_at, data = excluded.data""",
        (
            record.idempotency_key,
            record.escalation_id,
            record.kind,
            record.target,
            token,
            now,
            record.attempts,
            now,
            record.model_dump_json(),
        ),
    )


def save_finished(conn: sqlite3.Connection, record: ActionRecord) -> None:
    """Store `record` in its final state, held by nobody."""
    conn.execute(
        "UPDATE actions SET state = ?, claimed_by = NULL, updated_at = ?, data = ? WHERE idempotency_key = ?",
        (record.state, to_micros(record.updated_at), record.model_dump_json(), record.idempotency_key),
    )


def action_rows(conn: sqlite3.Connection, escalation_id: str | None) -> tuple[ActionRecord, ...]:
    sql = "SELECT data FROM actions"
    params: tuple[object, ...] = ()
    if escalation_id is not None:
        sql += " WHERE escalation_id = ?"
        params = (escalation_id,)
    rows = conn.execute(sql + " ORDER BY updated_at, idempotency_key", params).fetchall()
    return tuple(ActionRecord.model_validate_json(data) for (data,) in rows)


def insert_event(conn: sqlite3.Connection, event: ActionEvent) -> ActionEvent:
    """Append `event` to the action log; returned with its number."""
    cursor = conn.execute(
        "INSERT INTO action_events (escalation_id, idempotency_key, at, data) VALUES (?, ?, ?, ?)",
        (event.escalation_id, event.idempotency_key, to_micros(event.at), event.model_dump_json()),
    )
    return event.model_copy(update={"n": int(cursor.lastrowid or 0)})


def event_rows(
    conn: sqlite3.Connection, escalation_id: str | None, since: datetime | None, limit: int
) -> tuple[ActionEvent, ...]:
    where = ["at >= ?"]
    params: list[object] = [to_micros(since) if since is not None else 0]
    if escalation_id is not None:
        where.append("escalation_id = ?")
        params.append(escalation_id)
    params.append(bounded(limit))
    rows = conn.execute(
        f"SELECT n, data FROM action_events WHERE {' AND '.join(where)} ORDER BY n LIMIT ?", params
    ).fetchall()
    return tuple(ActionEvent.model_validate_json(data).model_copy(update={"n": n}) for n, data in rows)


# -- follow-ups ----------------------------------------------------------------------------------


def escalation_exists(conn: sqlite3.Connection, escalation_id: str) -> bool:
    return conn.execute("SELECT 1 FROM escalations WHERE id = ?", (escalation_id,)).fetchone() is not None


def insert_followup(conn: sqlite3.Connection, entry: FollowUpEntry) -> None:
    """Schedule `entry` unless its kind is already scheduled under its key."""
    conn.execute(
        "INSERT OR IGNORE INTO followups (escalation_id, idempotency_key, kind, due_at, status, data) "
        "VALUES (?, ?, ?, ?, 'pending', ?)",
        (
            entry.escalation_id,
            entry.idempotency_key,
            entry.kind,
            to_micros(entry.due_at),
            entry.model_dump_json(),
        ),
    )


def followups_of_key(conn: sqlite3.Connection, idempotency_key: str) -> tuple[FollowUpEntry, ...]:
    rows = conn.execute(
        "SELECT n, data FROM followups WHERE idempotency_key = ? ORDER BY due_at, n", (idempotency_key,)
    ).fetchall()
    return followup_entries(rows)


def followup_rows(
    conn: sqlite3.Connection,
    escalation_id: str | None,
    since: datetime | None,
    status: Sequence[FollowUpStatus],
) -> tuple[FollowUpEntry, ...]:
    where = ["due_at >= ?"]
    params: list[object] = [to_micros(since) if since is not None else 0]
    if escalation_id is not None:
        where.append("escalation_id = ?")
        params.append(escalation_id)
    if status:
        where.append(f"status IN ({', '.join('?' * len(status))})")
        params.extend(status)
    rows = conn.execute(
        f"SELECT n, data FROM followups WHERE {' AND '.join(where)} ORDER BY due_at, n LIMIT {MAX_LISTED}",
        params,
    ).fetchall()
    return followup_entries(rows)


def insert_assessment(conn: sqlite3.Connection, at: datetime, data: dict[str, Any]) -> int:
    cursor = conn.execute(
        "INSERT INTO assessments (created_at, data) VALUES (?, ?)", (to_micros(at), json.dumps(data))
    )
    return int(cursor.lastrowid or 0)


def assessment_row(conn: sqlite3.Connection, number: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT data FROM assessments WHERE n = ?", (number,)).fetchone()
    return dict(json.loads(row[0])) if row is not None else None


def from_micros(micros: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


def _json_ids(ids: Sequence[str]) -> str:
    return json.dumps(list(dict.fromkeys(ids)))


def bounded(limit: int) -> int:
    """`limit` held between one and `MAX_LISTED`."""
    return max(1, min(limit, MAX_LISTED))


def followup_entries(rows: Sequence[Any]) -> tuple[FollowUpEntry, ...]:
    """Follow-ups from (number, JSON) rows, each carrying its row number."""
    return tuple(FollowUpEntry.model_validate_json(data).model_copy(update={"n": n}) for n, data in rows)


def insert_preview(
    conn: sqlite3.Connection, digest: str, plan: dict[str, Any], expires_at: datetime, now: datetime
) -> None:
    conn.execute("DELETE FROM previews WHERE expires_at <= ?", (to_micros(now),))
    conn.execute(
        "INSERT INTO previews (digest, expires_at, plan) VALUES (?, ?, ?)",
        (digest, to_micros(expires_at), json.dumps(plan)),
    )


def take_preview(conn: sqlite3.Connection, digest: str) -> tuple[dict[str, Any], datetime] | None:
    row = conn.execute(
        "DELETE FROM previews WHERE digest = ? RETURNING plan, expires_at", (digest,)
    ).fetchone()
    return None if row is None else (json.loads(row[0]), from_micros(row[1]))
