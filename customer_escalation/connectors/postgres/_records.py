"""Records in the PostgreSQL tables: the upsert that keeps a record and its `search` vector in step, and
loading a whole dataset (merging into stored records when asked), as the SQLite workspace does."""

from __future__ import annotations

from typing import Any, TypeVar

import psycopg
from pydantic import BaseModel

from ..local.indexing import ACCOUNTS, ARTICLES, CHANNELS, ISSUES, MESSAGES, OPPORTUNITIES, TICKETS, Kind
from ..local.store.loading import _merged_fields
from ..records import Channel, Dataset
from .search import vector_sql, vector_values

AConn = psycopg.AsyncConnection[Any]
R = TypeVar("R", bound=BaseModel)

SEARCH_COLUMNS: dict[str, int] = {"accounts": 2, "tickets": 2, "messages": 1, "issues": 2, "articles": 2}
"""How many of a kind's indexed texts its `search` vector holds (a ticket's scope token is left out:
PostgreSQL filters by organization on the column)."""


def _upsert_sql(kind: Kind[Any], columns: tuple[str, ...], *, replace: bool = True) -> str:
    names = (*kind.key_columns, *columns, "data")
    values = ["%s"] * len(names)
    searched = SEARCH_COLUMNS.get(kind.table, 0)
    if searched:
        names = (*names, "search")
        values.append(vector_sql(searched))
    insert = f"INSERT INTO {kind.table} ({', '.join(names)}) VALUES ({', '.join(values)})"
    if not replace:
        return insert
    updates = ", ".join(f"{name} = excluded.{name}" for name in names if name not in kind.key_columns)
    return (
        f"{insert} ON CONFLICT ({', '.join(kind.key_columns)}) DO UPDATE SET {updates} "
        f"WHERE {kind.table}.data IS DISTINCT FROM excluded.data"
    )


def _upsert_values(kind: Kind[R], record: R) -> tuple[tuple[str, ...], tuple[object, ...]]:
    columns = kind.columns(record)
    values: tuple[object, ...] = (*kind.key(record), *columns.values(), record.model_dump_json())
    searched = SEARCH_COLUMNS.get(kind.table, 0)
    if searched:
        assert kind.text is not None
        values = (*values, *vector_values(kind.text(record), searched))
    return tuple(columns), values


async def upsert(conn: AConn, kind: Kind[R], record: R) -> None:
    """Insert `record` or replace the stored one with the same key, search vector included."""
    columns, values = _upsert_values(kind, record)
    await conn.execute(_upsert_sql(kind, columns), values)


async def insert(conn: AConn, kind: Kind[R], record: R) -> None:
    """Insert a new `record`; raises `psycopg.errors.UniqueViolation` when its key is taken."""
    columns, values = _upsert_values(kind, record)
    await conn.execute(_upsert_sql(kind, columns, replace=False), values)


async def upsert_many(conn: AConn, kind: Kind[R], records: list[R]) -> None:
    """`upsert` for many records of one kind, sent in one batch."""
    if not records:
        return
    batches: dict[tuple[str, ...], list[tuple[object, ...]]] = {}
    for record in records:
        columns, values = _upsert_values(kind, record)
        batches.setdefault(columns, []).append(values)
    async with conn.cursor() as cursor:
        for columns, rows in batches.items():
            await cursor.executemany(_upsert_sql(kind, columns), rows)


async def stored(conn: AConn, kind: Kind[R], key: tuple[str, ...]) -> R | None:
    where = " AND ".join(f"{column} = %s" for column in kind.key_columns)
    cursor = await conn.execute(f"SELECT data FROM {kind.table} WHERE {where}", key)
    row = await cursor.fetchone()
    return kind.model.model_validate_json(row[0]) if row is not None else None


async def load_dataset(conn: AConn, dataset: Dataset, *, merge: bool = False) -> None:
    """Upsert every record of `dataset` (merging accounts and tickets into stored ones when `merge`);
    the caller holds the transaction."""
    accounts = [await _merged(conn, ACCOUNTS, a) if merge else a for a in dataset.accounts]
    await upsert_many(conn, ACCOUNTS, accounts)
    await upsert_many(conn, OPPORTUNITIES, list(dataset.opportunities))
    channels = {channel.id: channel for channel in dataset.channels}
    for message in dataset.messages:
        # A message may name a channel the dataset does not list; register it so it can be found.
        if message.channel_id not in channels and await stored(conn, CHANNELS, (message.channel_id,)) is None:
            channels[message.channel_id] = Channel(id=message.channel_id, name=message.channel_name)
    await upsert_many(conn, CHANNELS, list(channels.values()))
    tickets = [await _merged(conn, TICKETS, t) if merge else t for t in dataset.tickets]
    await upsert_many(conn, TICKETS, tickets)
    await upsert_many(conn, MESSAGES, list(dataset.messages))
    await upsert_many(conn, ISSUES, list(dataset.issues))
    await upsert_many(conn, ARTICLES, list(dataset.articles))


async def _merged(conn: AConn, kind: Kind[R], record: R) -> R:
    found = await stored(conn, kind, kind.key(record))
    if found is None:
        return record
    return kind.model.model_validate(_merged_fields(found, record))


__all__ = ["SEARCH_COLUMNS", "insert", "load_dataset", "stored", "upsert", "upsert_many"]
