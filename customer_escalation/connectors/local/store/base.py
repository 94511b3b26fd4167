"""The workspace's shared machinery: the connection, search indexes, record reads and idempotent writes."""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from ...base import MAX_PAGE_SIZE, Clock, WriteReceipt, utc_now
from ...blocking import SerialThread
from ...cursor import clamp_limit, decode_cursor, encode_cursor, query_fingerprint
from ...errors import InvalidQueryError, NotFoundError
from ...records import (
    Page,
    Ref,
)
from .._shared import SharedConnection
from ..indexing import Kind, to_micros
from ..parsed import ParsedRecords
from ..search import Filters, SearchIndex, TextSearch, parse_query

SYSTEM = "local"
PAGES_OF_RECORDS_KEPT = 256
"""Pages of records a workspace keeps for repeated searches (the least recently read go first)."""
MAX_THREAD_REPLIES = 200
"""A thread returns at most this many replies (oldest first) and sets `has_more` beyond."""

TICKET_INDEX = SearchIndex(
    table="tickets",
    text_columns=("subject", "body"),
    weights=(3.0, 1.0, 0.0),
    tiebreak="id",
    recency="updated_at",
    scope_column="scope",
)
ACCOUNT_INDEX = SearchIndex(
    table="accounts", text_columns=("name", "domains"), weights=(2.0, 1.0), tiebreak="id", recency="n"
)
MESSAGE_INDEX = SearchIndex(
    table="messages", text_columns=("text",), weights=(1.0,), tiebreak="id", recency="created_at"
)
ISSUE_INDEX = SearchIndex(
    table="issues", text_columns=("title", "body"), weights=(3.0, 1.0), tiebreak="key", recency="updated_at"
)
ARTICLE_INDEX = SearchIndex(
    table="articles", text_columns=("title", "body"), weights=(3.0, 1.0), tiebreak="id", recency="updated_at"
)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class StoreBase:
    """The SQLite connection, search and write bookkeeping every table family shares."""

    system = SYSTEM

    def __init__(self, path: Path, conn: sqlite3.Connection, *, clock: Clock = utc_now) -> None:
        """Wrap an open, migrated connection. Use `open` or `create` instead of calling this."""
        self.path = path
        self.created_demo = False
        """True when `open` has just created this file with the demo company."""
        self._shared = SharedConnection(conn, what=f"workspace {path}")
        self._clock = clock
        self._search = TextSearch()
        self._parsed = ParsedRecords()
        self._page_records: OrderedDict[tuple[int, str, tuple[int, ...]], tuple[BaseModel, ...]] = (
            OrderedDict()
        )
        self._worker = SerialThread(f"workspace {path.name}")
        """Runs this connection's calls for event loops, one after the other."""

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._shared.use()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._shared.transaction()

    async def _reading(self, read: Callable[[sqlite3.Connection], T]) -> T:
        """`read(conn)` in the connection's thread, so the event loop serves other calls while SQLite works."""
        return await self._worker.run(partial(self._with_connection, read))

    def _with_connection(self, read: Callable[[sqlite3.Connection], T]) -> T:
        with self._db() as conn:
            return read(conn)

    def _find_now(
        self,
        index: SearchIndex,
        kind: Kind[M],
        query: str,
        filters: Filters,
        fingerprint: str,
        limit: int,
        cursor: str | None,
    ) -> Page[M]:
        """One page of `kind` matching `query` and `filters` (a blocking call: run it on `_worker`)."""
        limit = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        phrases = parse_query(query or "")
        with self._db() as conn:
            if cursor:
                offset, ceiling = position_of(decode_cursor(cursor, fingerprint, system=SYSTEM))
            else:
                offset = 0
                ceiling = conn.execute(f"SELECT coalesce(max(n), 0) FROM {index.table}").fetchone()[0]
            hits = self._search.search(
                conn, index, phrases, filters, offset=offset, limit=limit, ceiling=ceiling
            )
            items = self._records(conn, kind, hits.rows)
        next_cursor = encode_cursor(fingerprint, [offset + len(items), ceiling]) if hits.more else None
        return Page[M](items=items, next_cursor=next_cursor, total=hits.total)

    def _records(self, conn: sqlite3.Connection, kind: Kind[M], rows: tuple[int, ...]) -> tuple[M, ...]:
        """The records numbered `rows`, in that order. Called after a search, which drops what was
        remembered if the file changed: the records of a page read in the same generation are reused."""
        if not rows:
            return ()
        key = (self._search.generation, kind.table, rows)
        kept = self._page_records.get(key)
        if kept is not None:
            self._page_records.move_to_end(key)
            return kept  # type: ignore[return-value]
        placeholders = ", ".join("?" * len(rows))
        found = dict(conn.execute(f"SELECT n, data FROM {kind.table} WHERE n IN ({placeholders})", rows))
        records = tuple(self._parsed.parse(kind, n, found[n]) for n in rows if n in found)
        if len(self._page_records) >= PAGES_OF_RECORDS_KEPT:
            self._page_records.popitem(last=False)
        self._page_records[key] = records
        return records

    async def _get(self, kind: Kind[M], key: str, missing: str) -> M:
        """The record of `kind` stored under `key`, read in a worker thread."""
        return await self._reading(lambda conn: self._read(conn, kind, key, missing))

    def _read(self, conn: sqlite3.Connection, kind: Kind[M], key: str, missing: str) -> M:
        row = conn.execute(
            f"SELECT n, data FROM {kind.table} WHERE {kind.key_columns[0]} = ?", (key,)
        ).fetchone()
        if row is None:
            raise NotFoundError(missing, system=SYSTEM)
        return self._parsed.parse(kind, row[0], row[1])

    async def _idempotent(
        self, operation: str, key: str, payload: Any, write: Callable[[sqlite3.Connection], Ref]
    ) -> WriteReceipt:
        """Run `write` once per (operation, key) in the connection's thread; a repeat returns the first
        receipt."""
        return await self._worker.run(
            partial(self._idempotent_now, operation, key, payload, write), waits=True
        )

    def _idempotent_now(
        self, operation: str, key: str, payload: Any, write: Callable[[sqlite3.Connection], Ref]
    ) -> WriteReceipt:
        fingerprint = write_fingerprint(key, payload)
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT fingerprint, ref FROM writes WHERE operation = ? AND idempotency_key = ?",
                (operation, key),
            ).fetchone()
            if row is not None:
                return repeated_write(row, fingerprint, key, operation)
            ref = write(conn)
            conn.execute(
                "INSERT INTO writes (operation, idempotency_key, fingerprint, ref, created_at) VALUES (?, ?, ?, ?, ?)",
                (operation, key, fingerprint, ref.model_dump_json(), to_micros(self._clock())),
            )
            self._search.forget()  # under the connection's lock: no search reads in between
        return WriteReceipt(ref=ref, created=True)


def write_fingerprint(key: str, payload: Any) -> str:
    """The fingerprint of a write's content, once its idempotency key is found usable."""
    if not isinstance(key, str) or not key.strip():
        raise InvalidQueryError("idempotency_key must be a non-empty string", system=SYSTEM)
    return query_fingerprint(json.dumps(payload, sort_keys=True, default=str))


def repeated_write(row: Sequence[Any], fingerprint: str, key: str, operation: str) -> WriteReceipt:
    """The receipt of the write a (fingerprint, ref) row of `writes` recorded under `key` before,
    refusing a key that was used for different content."""
    if row[0] != fingerprint:
        raise InvalidQueryError(
            f"idempotency key {key!r} was already used for a different {operation} write; "
            "use a new key for new content",
            system=SYSTEM,
        )
    return WriteReceipt(ref=Ref.model_validate_json(row[1]), created=False)


def position_of(position: Any) -> tuple[int, int]:
    if (
        isinstance(position, list)
        and len(position) == 2
        and all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in position)
    ):
        return position[0], position[1]
    raise InvalidQueryError("cursor is not valid; omit it to start over", system=SYSTEM)


def choices(name: str, values: Sequence[str] | None, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    chosen = tuple(values)
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        raise InvalidQueryError(f"{name} {unknown[0]!r} is not one of: {', '.join(allowed)}", system=SYSTEM)
    return chosen


def micros_of(name: str, moment: datetime) -> int:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidQueryError(f"{name} must be a timezone-aware datetime, not {moment!r}", system=SYSTEM)
    return to_micros(moment)


def require_text(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidQueryError(f"{name} must not be empty", system=SYSTEM)


def slack_ts(micros: int) -> str:
    """A message id in Slack's ``seconds.microseconds`` form."""
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"
