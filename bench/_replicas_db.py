"""The PostgreSQL side of `bench_replicas.py`: a fresh database holding the demo company, and the
queries that count what the replicas wrote.

Every write the benchmark asks for carries a tag (``rbench<seed>t<n>``) in its issue text and in what
it writes, so each written record can be traced back to the call that asked for it.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.demo import build_demo
from customer_escalation.connectors.postgres.migrate import copy_workspace
from tests.contract.dataset import NOW

DATABASE = "ce_bench_replicas"

# What each write tool leaves behind, by the action kind the history records.
KINDS = {
    "chat_post_message": "chat_post",
    "tracker_create_issue": "tracker_issue",
    "support_add_internal_note": "internal_note",
    "followup_schedule": "followups",
}


def tag_pattern(seed: int) -> re.Pattern[str]:
    return re.compile(rf"rbench{seed}t\d+(?:x\d+)?\b")


def fresh_database(admin_url: str) -> str:
    """Drop and create `DATABASE` next to the one `admin_url` names, copy the demo company into it
    (records and empty history), and return its URL."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    parts = urlsplit(admin_url)
    url = urlunsplit(parts._replace(path=f"/{DATABASE}"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.sqlite"
        LocalWorkspace.create(path, build_demo(NOW), clock=lambda: NOW).close()
        copy_workspace(path, url)
    return url


def drop_database(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


@dataclass
class Tally:
    """What the database holds for the tagged writes."""

    records: dict[str, Counter[str]]
    """Per action kind: how many records each tag has in the workspace tables."""
    actions: dict[str, Counter[str]]
    """Per action kind: how many finished (`done`) action rows each tag's escalations have."""
    escalations: Counter[str]
    """How many escalations each tag's issue text opened."""
    pending: list[tuple[str, str, datetime]]
    """Claims still pending: (key, kind, claimed at)."""


def tally(url: str, seed: int) -> Tally:
    pattern = tag_pattern(seed)
    like = f"%rbench{seed}t%"
    with psycopg.connect(url, autocommit=True) as conn:
        records = {
            "chat_post": _tags(conn, "SELECT data FROM messages WHERE data LIKE %s", like, pattern),
            "tracker_issue": _tags(conn, "SELECT data FROM issues WHERE data LIKE %s", like, pattern),
            "internal_note": _note_tags(conn, like, pattern),
            "followups": _followup_tags(conn, like, pattern),
        }
        escalations = _tags(conn, "SELECT data FROM escalations WHERE data LIKE %s", like, pattern)
        actions: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS.values()}
        rows = conn.execute(
            """SELECT a.kind, e.data FROM actions a JOIN escalations e ON e.id = a.escalation_id
               WHERE a.state = 'done' AND e.data LIKE %s""",
            (like,),
        ).fetchall()
        for kind, data in rows:
            for tag in set(pattern.findall(data)):
                actions.setdefault(kind, Counter())[tag] += 1
        pending = [
            (key, kind, datetime.fromtimestamp(micros / 1e6, UTC))
            for key, kind, micros in conn.execute(
                "SELECT idempotency_key, kind, claimed_at FROM actions WHERE state = 'pending'"
            ).fetchall()
        ]
    return Tally(records=records, actions=actions, escalations=escalations, pending=pending)


def _tags(conn: psycopg.Connection[Any], sql: str, like: str, pattern: re.Pattern[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for (data,) in conn.execute(sql, (like,)).fetchall():
        found.update(set(pattern.findall(data)))
    return found


def _note_tags(conn: psycopg.Connection[Any], like: str, pattern: re.Pattern[str]) -> Counter[str]:
    """Internal notes live inside their ticket's record: one count per comment holding a tag."""
    found: Counter[str] = Counter()
    for (data,) in conn.execute("SELECT data FROM tickets WHERE data LIKE %s", (like,)).fetchall():
        for comment in json.loads(data).get("comments", ()):
            found.update(set(pattern.findall(comment.get("body", ""))))
    return found


def _followup_tags(conn: psycopg.Connection[Any], like: str, pattern: re.Pattern[str]) -> Counter[str]:
    """Reminders carry no text of ours: one count per scheduled set (an idempotency key), by the tag of
    the escalation it belongs to."""
    found: Counter[str] = Counter()
    rows = conn.execute(
        """SELECT DISTINCT f.idempotency_key, e.data FROM followups f
           JOIN escalations e ON e.id = f.escalation_id WHERE e.data LIKE %s""",
        (like,),
    ).fetchall()
    for _, data in rows:
        found.update(set(pattern.findall(data)))
    return found


def expire_claims(url: str, lease: timedelta) -> int:
    """Move every pending claim's time back by `lease`, as if the lease had run out; returns how many.

    Stands in for waiting out the lease (ten minutes) after a replica died holding claims.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(
            "UPDATE actions SET claimed_at = claimed_at - %s WHERE state = 'pending'",
            (int(lease.total_seconds() * 1_000_000) + 1,),
        )
        return cursor.rowcount


__all__ = [
    "DATABASE",
    "KINDS",
    "Tally",
    "drop_database",
    "expire_claims",
    "fresh_database",
    "tag_pattern",
    "tally",
]
