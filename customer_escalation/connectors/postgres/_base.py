"""What every table family of the PostgreSQL workspace shares: the pool, paged search, record reads and
idempotent writes that happen once across processes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import psycopg
from pydantic import BaseModel

from ..base import MAX_PAGE_SIZE, Clock, WriteReceipt, utc_now
from ..cursor import clamp_limit, decode_cursor, encode_cursor
from ..errors import InvalidQueryError, NotFoundError
from ..local.indexing import Kind, to_micros
from ..local.search import parse_query
from ..local.store.base import SYSTEM, position_of, repeated_write, write_fingerprint
from ..local.store.criteria import Criteria
from ..records import Page, Ref
from ._pools import AsyncPool
from .schema import redacted
from .search import PgIndex, Where, search, where_of

M = TypeVar("M", bound=BaseModel)
AConn = psycopg.AsyncConnection[Any]

TICKET_INDEX = PgIndex(table="tickets", weights=(3.0, 1.0), tiebreak="id", recency="updated_at")
ACCOUNT_INDEX = PgIndex(table="accounts", weights=(2.0, 1.0), tiebreak="id", recency="n")
MESSAGE_INDEX = PgIndex(table="messages", weights=(1.0,), tiebreak="id", recency="created_at")
ISSUE_INDEX = PgIndex(table="issues", weights=(3.0, 1.0), tiebreak="key", recency="updated_at")
ARTICLE_INDEX = PgIndex(table="articles", weights=(3.0, 1.0), tiebreak="id", recency="updated_at")

INDEXES: dict[str, PgIndex] = {
    index.table: index for index in (TICKET_INDEX, ACCOUNT_INDEX, MESSAGE_INDEX, ISSUE_INDEX, ARTICLE_INDEX)
}
"""The search index of each record table."""

WRITE_ATTEMPTS = 5
"""How often a write that lost a race (a key another process took first) is tried again."""


class _LostRaceError(Exception):
    """Another process stored the same idempotency key (or record key) first; roll back and look again."""


class PgStoreBase:
    """The pool, search and write bookkeeping every table family shares."""

    system = SYSTEM

    def __init__(self, url: str, *, clock: Clock = utc_now) -> None:
        """Use `PostgresWorkspace.open` instead."""
        self.url = url
        self.created_demo = False
        self._pool = AsyncPool(url, what=f"the workspace in {redacted(url)}")
        self._clock = clock

    async def _find(
        self,
        index: PgIndex,
        kind: Kind[M],
        query: str,
        where: Where,
        fingerprint: str,
        limit: int,
        cursor: str | None,
    ) -> Page[M]:
        limit = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        phrases = parse_query(query or "")
        async with self._pool.use() as conn:
            if cursor:
                offset, ceiling = position_of(decode_cursor(cursor, fingerprint, system=SYSTEM))
            else:
                offset = 0
                found = await conn.execute(f"SELECT coalesce(max(n), 0) FROM {index.table}")
                row = await found.fetchone()
                ceiling = int(row[0]) if row else 0
            hits = await search(conn, index, phrases, where, offset=offset, limit=limit, ceiling=ceiling)
            items = await self._records(conn, kind, hits.rows)
        next_cursor = encode_cursor(fingerprint, [offset + len(items), ceiling]) if hits.more else None
        return Page[M](items=items, next_cursor=next_cursor, total=hits.total)

    async def _matching(
        self, kind: Kind[M], query: str, criteria: Criteria, limit: int, cursor: str | None
    ) -> Page[M]:
        """One page of `kind` matching `query` and `criteria` (the shared reads page through this)."""
        where = where_of(criteria)
        return await self._find(INDEXES[kind.table], kind, query, where, criteria.fingerprint, limit, cursor)

    @staticmethod
    async def _records(conn: AConn, kind: Kind[M], rows: Sequence[int]) -> tuple[M, ...]:
        if not rows:
            return ()
        cursor = await conn.execute(
            f"SELECT n, data FROM {kind.table} WHERE n = ANY(%s)",
            (list(rows),),
        )
        found = {int(n): data for n, data in await cursor.fetchall()}
        return tuple(kind.model.model_validate_json(found[n]) for n in rows if n in found)

    async def _get(self, kind: Kind[M], key: str, missing: str) -> M:
        async with self._pool.use() as conn:
            return await self._read(conn, kind, key, missing)

    @staticmethod
    async def _read(conn: AConn, kind: Kind[M], key: str, missing: str, *, lock: bool = False) -> M:
        suffix = " FOR UPDATE" if lock else ""
        cursor = await conn.execute(
            f"SELECT data FROM {kind.table} WHERE {kind.key_columns[0]} = %s{suffix}",
            (key,),
        )
        row = await cursor.fetchone()
        if row is None:
            raise NotFoundError(missing, system=SYSTEM)
        return kind.model.model_validate_json(row[0])

    async def _idempotent(
        self, operation: str, key: str, payload: Any, write: Callable[[AConn], Awaitable[Ref]]
    ) -> WriteReceipt:
        """Run `write` once per (operation, key), whichever process asks: the key is the primary key
        of `writes`, so of two processes writing at once one commits and the other rolls back its
        write and returns the first one's receipt."""
        fingerprint = write_fingerprint(key, payload)
        for _ in range(WRITE_ATTEMPTS):
            try:
                return await self._write_once(operation, key, fingerprint, write)
            except _LostRaceError:
                continue
        raise InvalidQueryError(f"{operation} with key {key!r} kept conflicting; try again", system=SYSTEM)

    async def _write_once(
        self, operation: str, key: str, fingerprint: str, write: Callable[[AConn], Awaitable[Ref]]
    ) -> WriteReceipt:
        async with self._pool.use() as conn:
            try:
                async with conn.transaction():
                    cursor = await conn.execute(
                        "SELECT fingerprint, ref FROM writes WHERE operation = %s AND idempotency_key = %s",
                        (operation, key),
                    )
                    row = await cursor.fetchone()
                    if row is not None:
                        return repeated_write(row, fingerprint, key, operation)
                    ref = await write(conn)
                    inserted = await conn.execute(
                        "INSERT INTO writes (operation, idempotency_key, fingerprint, ref, created_at) "
                        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                        (operation, key, fingerprint, ref.model_dump_json(), to_micros(self._clock())),
                    )
                    if await inserted.fetchone() is None:
                        raise _LostRaceError
            except psycopg.errors.UniqueViolation as exc:
                raise _LostRaceError from exc
        return WriteReceipt(ref=ref, created=True)


__all__ = [
    "ACCOUNT_INDEX",
    "ARTICLE_INDEX",
    "ISSUE_INDEX",
    "MESSAGE_INDEX",
    "TICKET_INDEX",
    "PgStoreBase",
]
