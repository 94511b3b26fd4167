"""Moving a workspace file into PostgreSQL: its records, its write log and its escalation history.

`copy_workspace` reads the SQLite file, writes everything into an empty database in one transaction
and compares the counts of every table on both sides before committing, so a database is either a
verified copy or untouched. Escalations, action log lines and follow-ups keep their numbers (so
``ESC-12`` is still ``ESC-12``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import psycopg

from ..errors import WorkspaceError
from ..local._shared import open_existing
from ..local.indexing import ALL_KINDS
from ..records import Dataset, EscalationEntry
from ._history_sql import updatable
from ._records import load_dataset
from .schema import prepare, redacted, without_secrets

AConn = psycopg.AsyncConnection[Any]

RECORD_TABLES = ("accounts", "opportunities", "tickets", "channels", "messages", "issues", "articles")
HISTORY_TABLES = ("writes", "escalations", "actions", "action_events", "followups")
_RAW_COLUMNS = {
    "writes": ("operation", "idempotency_key", "fingerprint", "ref", "created_at"),
    "actions": (
        "idempotency_key",
        "escalation_id",
        "kind",
        "target",
        "state",
        "claimed_by",
        "claimed_at",
        "attempts",
        "updated_at",
        "data",
    ),
    "action_events": ("n", "escalation_id", "idempotency_key", "at", "data"),
    "followups": ("n", "escalation_id", "idempotency_key", "kind", "due_at", "status", "data"),
}
"""History tables copied row by row, with the columns both schemas share."""


@dataclass(frozen=True)
class CopyReport:
    """What was copied: rows per table, equal on both sides."""

    source: Path
    target: str
    """The database URL without its password."""
    counts: Mapping[str, int]


@dataclass(frozen=True)
class Snapshot:
    """Everything read from a workspace file, ready to be written elsewhere."""

    path: Path
    dataset: Dataset
    history: Mapping[str, list[Any]]
    """Rows of each history table, every column, in the order of `columns`."""
    columns: Mapping[str, tuple[str, ...]]
    counts: Mapping[str, int]


def copy_workspace(path: Path, url: str) -> CopyReport:
    """Copy the workspace file at `path` into the empty PostgreSQL database at `url` (creating its
    tables when missing).

    Raises:
        WorkspaceError: the file is not a workspace, the database cannot be reached or already holds
            records or history, or the counts differ after the copy (nothing is then committed).
    """
    snapshot = read_workspace(path)
    prepare(url)
    return asyncio.run(copy_snapshot(snapshot, url))


def read_workspace(path: Path) -> Snapshot:
    """Read every record and history row of the workspace file at `path`.

    Raises:
        WorkspaceError: there is no workspace file at `path`, or it cannot be read.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise WorkspaceError(f"no workspace at {path} to copy")
    conn = open_existing(path)
    try:
        columns = {
            table: tuple(row[1] for row in conn.execute(f"PRAGMA table_info({table})"))
            for table in HISTORY_TABLES
        }
        return Snapshot(
            path=path,
            dataset=_read_dataset(conn),
            history={
                table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in HISTORY_TABLES
            },
            columns=columns,
            counts=MappingProxyType(_sqlite_counts(conn)),
        )
    finally:
        conn.close()


async def copy_snapshot(snapshot: Snapshot, url: str) -> CopyReport:
    """Write `snapshot` into the empty, migrated database at `url` and check the counts, in one
    transaction (see `copy_workspace`)."""
    try:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn, conn.transaction():
            await _refuse_if_not_empty(conn, url)
            await load_dataset(conn, snapshot.dataset)
            await _copy_history(conn, source_rows=snapshot.history, columns=snapshot.columns)
            copied = await _pg_counts(conn)
            expected = dict(snapshot.counts)
            if copied != expected:
                differ = ", ".join(
                    f"{name}: {expected[name]} in the file, {copied.get(name)} in the database"
                    for name in expected
                    if copied.get(name) != expected[name]
                )
                raise WorkspaceError(f"the copy does not match the file ({differ}); nothing was written")
    except psycopg.Error as exc:
        detail = without_secrets(str(exc), url)
        raise WorkspaceError(f"cannot copy into {redacted(url)}: {detail}") from exc
    return CopyReport(source=snapshot.path, target=redacted(url), counts=snapshot.counts)


def _read_dataset(conn: sqlite3.Connection) -> Dataset:
    fields: dict[str, Any] = {}
    for kind in ALL_KINDS:
        rows = conn.execute(f"SELECT data FROM {kind.table} ORDER BY n").fetchall()
        fields[kind.table] = tuple(kind.model.model_validate_json(data) for (data,) in rows)
    return Dataset(**fields)


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        for table in (*RECORD_TABLES, *HISTORY_TABLES)
    }


async def _pg_counts(conn: AConn) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in (*RECORD_TABLES, *HISTORY_TABLES):
        cursor = await conn.execute(f"SELECT count(*) FROM {table}")
        row = await cursor.fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


async def _refuse_if_not_empty(conn: AConn, url: str) -> None:
    held = {name: count for name, count in (await _pg_counts(conn)).items() if count}
    if held:
        listed = ", ".join(f"{count} {name}" for name, count in held.items())
        raise WorkspaceError(
            f"{redacted(url)} already holds {listed}; copy a workspace into an empty database only"
        )


async def _copy_history(
    conn: AConn, *, source_rows: Mapping[str, list[Any]], columns: Mapping[str, tuple[str, ...]]
) -> None:
    """Insert the history rows read from the file, keeping their numbers."""
    position = {table: {name: i for i, name in enumerate(names)} for table, names in columns.items()}
    for row in source_rows["escalations"]:
        entry = EscalationEntry.model_validate_json(row[position["escalations"]["data"]])
        await conn.execute(
            "INSERT INTO escalations (n, id, fingerprint, status, updatable, created_at, updated_at, "
            "account_ids, ticket_ids, issue_keys, data) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                row[position["escalations"]["n"]],
                entry.id,
                entry.fingerprint,
                entry.status,
                updatable(entry),
                row[position["escalations"]["created_at"]],
                row[position["escalations"]["updated_at"]],
                list(entry.account_ids),
                list(entry.ticket_ids),
                [k for k in entry.data.get("issue_keys", []) if isinstance(k, str)],
                row[position["escalations"]["data"]],
            ),
        )
    for table, names in _RAW_COLUMNS.items():
        marks = ", ".join("%s" for _ in names)
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
        rows = [tuple(row[position[table][name]] for name in names) for row in source_rows[table]]
        if rows:
            async with conn.cursor() as cursor:
                await cursor.executemany(sql, rows)
    for table in ("action_events", "followups"):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'n'), coalesce(max(n), 0) + 1, false) FROM {table}"
        )


__all__ = [
    "HISTORY_TABLES",
    "RECORD_TABLES",
    "CopyReport",
    "Snapshot",
    "copy_snapshot",
    "copy_workspace",
    "read_workspace",
]
