"""The SQL behind `PostgresHistoryStore`: each function works on a connection the store holds (inside
its transaction for writes) and never commits itself."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg

from ..local._history_entries import keys_of
from ..local._history_rows import MAX_LISTED, bounded, followup_entries, from_micros
from ..local.indexing import to_micros
from ..records import (
    HANDLED_IN_SUPPORT,
    ActionEvent,
    ActionRecord,
    EscalationEntry,
    EscalationStatus,
    FollowUpEntry,
    FollowUpStatus,
)

Conn = psycopg.Connection[Any]


def updatable(entry: EscalationEntry) -> bool:
    """Whether a new brief about the same thing updates `entry`: open, or a support-handling record."""
    return entry.status == "open" or (
        entry.status == "closed"
        and entry.decision == "handle_in_support"
        and entry.status_reason == HANDLED_IN_SUPPORT
    )


# -- escalations ---------------------------------------------------------------------------------


def updatable_with(conn: Conn, fingerprint: str) -> EscalationEntry | None:
    row = conn.execute(
        "SELECT data FROM escalations WHERE fingerprint = %s AND updatable ORDER BY n DESC LIMIT 1",
        (fingerprint,),
    ).fetchone()
    return EscalationEntry.model_validate_json(row[0]) if row is not None else None


def updatable_about(
    conn: Conn, account_ids: Sequence[str], ticket_ids: Sequence[str], issue_keys: Sequence[str]
) -> EscalationEntry | None:
    """The most recently updated updatable entry sharing a ticket, or a tracker issue and an account
    (or naming no account on one side)."""
    if not ticket_ids and not issue_keys:
        return None
    row = conn.execute(
        """SELECT data FROM escalations
           WHERE updatable AND (ticket_ids && %(tickets)s::text[]
               OR (issue_keys && %(keys)s::text[]
                   AND (cardinality(account_ids) = 0 OR cardinality(%(accounts)s::text[]) = 0
                        OR account_ids && %(accounts)s::text[])))
           ORDER BY updated_at DESC, n DESC LIMIT 1""",
        {"tickets": list(ticket_ids), "keys": list(issue_keys), "accounts": list(account_ids)},
    ).fetchone()
    return EscalationEntry.model_validate_json(row[0]) if row is not None else None


def next_number(conn: Conn) -> int:
    row = conn.execute("SELECT coalesce(max(n), 0) + 1 FROM escalations").fetchone()
    assert row is not None
    return int(row[0])


def escalation_row(conn: Conn, escalation_id: str, *, lock: bool = False) -> EscalationEntry | None:
    suffix = " FOR UPDATE" if lock else ""
    row = conn.execute(f"SELECT data FROM escalations WHERE id = %s{suffix}", (escalation_id,)).fetchone()
    return EscalationEntry.model_validate_json(row[0]) if row is not None else None


def escalation_rows(
    conn: Conn, since: datetime | None, status: Sequence[EscalationStatus], limit: int
) -> tuple[EscalationEntry, ...]:
    rows = conn.execute(
        "SELECT data FROM escalations WHERE updated_at >= %s AND (cardinality(%s::text[]) = 0 "
        "OR status = ANY(%s::text[])) ORDER BY updated_at DESC, n DESC LIMIT %s",
        (to_micros(since) if since else 0, list(status), list(status), bounded(limit)),
    ).fetchall()
    return tuple(EscalationEntry.model_validate_json(data) for (data,) in rows)


def related_rows(
    conn: Conn,
    *,
    account_ids: Sequence[str],
    ticket_ids: Sequence[str],
    issue_keys: Sequence[str],
    status: Sequence[EscalationStatus],
    limit: int,
) -> tuple[EscalationEntry, ...]:
    rows = conn.execute(
        """SELECT data FROM escalations WHERE status = ANY(%(status)s::text[])
             AND (account_ids && %(accounts)s::text[] OR ticket_ids && %(tickets)s::text[]
                  OR issue_keys && %(keys)s::text[])
           ORDER BY created_at DESC, n DESC LIMIT %(limit)s""",
        {
            "status": list(status),
            "accounts": list(account_ids),
            "tickets": list(ticket_ids),
            "keys": list(issue_keys),
            "limit": bounded(limit),
        },
    ).fetchall()
    return tuple(EscalationEntry.model_validate_json(data) for (data,) in rows)


def save_escalation(conn: Conn, entry: EscalationEntry, *, number: int | None = None) -> None:
    """Insert the entry as escalation `number`, or update it in place when `number` is None."""
    values = {
        "n": number,
        "id": entry.id,
        "fingerprint": entry.fingerprint,
        "status": entry.status,
        "updatable": updatable(entry),
        "created_at": to_micros(entry.created_at),
        "updated_at": to_micros(entry.updated_at),
        "account_ids": list(entry.account_ids),
        "ticket_ids": list(entry.ticket_ids),
        "issue_keys": list(keys_of(entry.data)),
        "data": entry.model_dump_json(),
    }
    if number is None:
        conn.execute(
            """UPDATE escalations SET fingerprint = %(fingerprint)s, status = %(status)s,
                   updatable = %(updatable)s, created_at = %(created_at)s, updated_at = %(updated_at)s,
                   account_ids = %(account_ids)s, ticket_ids = %(ticket_ids)s,
                   issue_keys = %(issue_keys)s, data = %(data)s
               WHERE id = %(id)s""",
            values,
        )
    else:
        conn.execute(
            """INSERT INTO escalations (n, id, fingerprint, status, updatable, created_at, updated_at,
                   account_ids, ticket_ids, issue_keys, data)
               VALUES (%(n)s, %(id)s, %(fingerprint)s, %(status)s, %(updatable)s, %(created_at)s,
                   %(updated_at)s, %(account_ids)s, %(ticket_ids)s, %(issue_keys)s, %(data)s)""",
            values,
        )


def cancel_followups(conn: Conn, escalation_id: str) -> None:
    conn.execute(
        """UPDATE followups SET status = 'cancelled',
               data = jsonb_set(data::jsonb, '{status}', '"cancelled"')::text
           WHERE escalation_id = %s AND status = 'pending'""",
        (escalation_id,),
    )


def escalation_exists(conn: Conn, escalation_id: str) -> bool:
    return conn.execute("SELECT 1 FROM escalations WHERE id = %s", (escalation_id,)).fetchone() is not None


# -- actions -------------------------------------------------------------------------------------


def take_claim(conn: Conn, record: ActionRecord, token: str, stale_before: datetime) -> int | None:
    """Insert `record` as pending and held by `token`, or take over the stored claim when its last
    attempt failed or it was claimed at or before `stale_before`; returns the attempt number, or None
    when someone else holds the key or it is done.

    One statement: the key's unique index decides between processes that claim at the same moment.
    """
    row = conn.execute(
        """INSERT INTO actions (idempotency_key, escalation_id, kind, target, state, claimed_by,
               claimed_at, attempts, updated_at, data)
           VALUES (%(key)s, %(escalation)s, %(kind)s, %(target)s, 'pending', %(token)s, %(now)s, 1,
               %(now)s, %(data)s)
           ON CONFLICT (idempotency_key) DO UPDATE SET
               state = 'pending', claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at,
               attempts = actions.attempts + 1, updated_at = excluded.updated_at, data = excluded.data
           WHERE actions.state = 'failed'
              OR (actions.state = 'pending' AND actions.claimed_at <= %(stale)s)
           RETURNING attempts""",
        {
            "key": record.idempotency_key,
            "escalation": record.escalation_id,
            "kind": record.kind,
            "target": record.target,
            "token": token,
            "now": to_micros(record.updated_at),
            "data": record.model_dump_json(),
            "stale": to_micros(stale_before),
        },
    ).fetchone()
    if row is None:
        return None
    attempts = int(row[0])
    if attempts != record.attempts:
        updated = record.model_copy(update={"attempts": attempts})
        conn.execute(
            "UPDATE actions SET data = %s WHERE idempotency_key = %s",
            (updated.model_dump_json(), record.idempotency_key),
        )
    return attempts


def action_row(
    conn: Conn, key: str, *, lock: bool = False
) -> tuple[ActionRecord, datetime, str | None] | None:
    """The action with this key, when it was claimed, and who holds it (None once finished); `lock`
    holds its row until the transaction ends."""
    suffix = " FOR UPDATE" if lock else ""
    row = conn.execute(
        f"SELECT data, claimed_at, claimed_by FROM actions WHERE idempotency_key = %s{suffix}", (key,)
    ).fetchone()
    if row is None:
        return None
    return ActionRecord.model_validate_json(row[0]), from_micros(row[1]), row[2]


def save_finished(conn: Conn, record: ActionRecord) -> None:
    conn.execute(
        "UPDATE actions SET state = %s, claimed_by = NULL, updated_at = %s, data = %s "
        "WHERE idempotency_key = %s",
        (record.state, to_micros(record.updated_at), record.model_dump_json(), record.idempotency_key),
    )


def action_rows(conn: Conn, escalation_id: str | None) -> tuple[ActionRecord, ...]:
    rows = conn.execute(
        "SELECT data FROM actions WHERE %(e)s::text IS NULL OR escalation_id = %(e)s "
        "ORDER BY updated_at, idempotency_key",
        {"e": escalation_id},
    ).fetchall()
    return tuple(ActionRecord.model_validate_json(data) for (data,) in rows)


def insert_event(conn: Conn, event: ActionEvent) -> ActionEvent:
    row = conn.execute(
        "INSERT INTO action_events (escalation_id, idempotency_key, at, data) VALUES (%s, %s, %s, %s) "
        "RETURNING n",
        (event.escalation_id, event.idempotency_key, to_micros(event.at), event.model_dump_json()),
    ).fetchone()
    assert row is not None
    return event.model_copy(update={"n": int(row[0])})


def event_rows(
    conn: Conn, escalation_id: str | None, since: datetime | None, limit: int
) -> tuple[ActionEvent, ...]:
    rows = conn.execute(
        "SELECT n, data FROM action_events WHERE at >= %(since)s "
        "AND (%(e)s::text IS NULL OR escalation_id = %(e)s) ORDER BY n LIMIT %(limit)s",
        {"since": to_micros(since) if since else 0, "e": escalation_id, "limit": bounded(limit)},
    ).fetchall()
    return tuple(ActionEvent.model_validate_json(data).model_copy(update={"n": n}) for n, data in rows)


# -- follow-ups ----------------------------------------------------------------------------------


def insert_followup(conn: Conn, entry: FollowUpEntry) -> None:
    """Schedule `entry` unless its kind is already scheduled under its key."""
    conn.execute(
        "INSERT INTO followups (escalation_id, idempotency_key, kind, due_at, status, data) "
        "VALUES (%s, %s, %s, %s, 'pending', %s) ON CONFLICT (idempotency_key, kind) DO NOTHING",
        (
            entry.escalation_id,
            entry.idempotency_key,
            entry.kind,
            to_micros(entry.due_at),
            entry.model_dump_json(),
        ),
    )


def followups_of_key(conn: Conn, idempotency_key: str) -> tuple[FollowUpEntry, ...]:
    rows = conn.execute(
        "SELECT n, data FROM followups WHERE idempotency_key = %s ORDER BY due_at, n", (idempotency_key,)
    ).fetchall()
    return followup_entries(rows)


def followup_rows(
    conn: Conn, escalation_id: str | None, since: datetime | None, status: Sequence[FollowUpStatus]
) -> tuple[FollowUpEntry, ...]:
    rows = conn.execute(
        "SELECT n, data FROM followups WHERE due_at >= %(since)s "
        "AND (%(e)s::text IS NULL OR escalation_id = %(e)s) "
        "AND (cardinality(%(status)s::text[]) = 0 OR status = ANY(%(status)s::text[])) "
        "ORDER BY due_at, n LIMIT %(limit)s",
        {
            "since": to_micros(since) if since else 0,
            "e": escalation_id,
            "status": list(status),
            "limit": MAX_LISTED,
        },
    ).fetchall()
    return followup_entries(rows)


def claim_due(
    conn: Conn, now: datetime, until: datetime, token: str, limit: int
) -> tuple[FollowUpEntry, ...]:
    """Lease up to `limit` pending follow-ups due by `now` that nobody holds (or whose lease ran out)
    to `token` until `until`. Rows another transaction is leasing are skipped, not waited for."""
    rows = conn.execute(
        """UPDATE followups SET claimed_by = %(token)s, claimed_until = %(until)s
           WHERE n IN (SELECT n FROM followups
                       WHERE status = 'pending' AND due_at <= %(now)s
                         AND (claimed_until IS NULL OR claimed_until <= %(now)s)
                       ORDER BY due_at, n LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
           RETURNING n, data""",
        {"token": token, "until": to_micros(until), "now": to_micros(now), "limit": bounded(limit)},
    ).fetchall()
    return tuple(sorted(followup_entries(rows), key=lambda f: (f.due_at, f.n)))


def insert_assessment(conn: Conn, at: datetime, data: dict[str, Any]) -> int:
    row = conn.execute(
        "INSERT INTO assessments (created_at, data) VALUES (%s, %s) RETURNING n",
        (to_micros(at), json.dumps(data)),
    ).fetchone()
    assert row is not None
    return int(row[0])


def assessment_row(conn: Conn, number: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT data FROM assessments WHERE n = %s", (number,)).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def insert_preview(
    conn: Conn, digest: str, plan: dict[str, Any], expires_at: datetime, now: datetime
) -> None:
    conn.execute("DELETE FROM previews WHERE expires_at <= %s", (to_micros(now),))
    conn.execute(
        "INSERT INTO previews (digest, expires_at, plan) VALUES (%s, %s, %s)",
        (digest, to_micros(expires_at), json.dumps(plan)),
    )


def take_preview(conn: Conn, digest: str) -> tuple[dict[str, Any], datetime] | None:
    row = conn.execute(
        "DELETE FROM previews WHERE digest = %s RETURNING plan, expires_at", (digest,)
    ).fetchone()
    return None if row is None else (json.loads(row[0]), from_micros(row[1]))
