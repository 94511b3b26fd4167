"""Full-text search in PostgreSQL: `tsvector` columns, GIN indexes, ranked as the SQLite engine ranks.

User text is parsed by the SQLite engine's `parse_query` (so both backends find the same phrases in a
query) and each phrase becomes a ``phraseto_tsquery`` (its words next to each other). As in SQLite:

1. Phrases found in no record are dropped. Records containing every remaining phrase come first, then
   records containing only some of them; within each group the best score first, and equal scores put
   the newest record first.
2. Each group ranks at most `WINDOW` candidates, the most recently added matches; `Page.total` is given
   only when no group was cut.
3. An empty query lists records by their time column, newest first.

Differences from the SQLite engine, by design:

- The score sums, over the query's phrases, each phrase's ``ts_rank`` (the title weighted above the
  body as bm25's column weights are, normalised by document length, ``1 + log(length)``) times the
  phrase's inverse document frequency as bm25 computes it: a rare phrase outweighs a frequent one, as
  in SQLite. Frequencies are counted up to `FREQUENCY_CAP` records.
- Stemming is the snowball English stemmer rather than porter's; they agree on common endings
  ("errors" finds "error") and differ on a few rarer ones.
- No phrase is treated as "common" (in more than 20,000 records): every phrase is matched and scored,
  a common one with the small weight its frequency gives it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from ..local.indexing import searchable
from ..local.search import COUNT_CAP, WINDOW, Hits, Phrase
from ..local.store.criteria import Criteria, sql_of

CONFIG = "ce_search"
"""The text search configuration the schema creates."""
NORMALIZATION = 1
"""``ts_rank`` divides by ``1 + log(document length)``."""
FREQUENCY_CAP = 20_000
"""A phrase's document frequency is counted up to this many records (the SQLite engine's common size)."""


@dataclass(frozen=True)
class PgIndex:
    """A record table with a `search` column, as the search engine sees it."""

    table: str
    weights: tuple[float, ...]
    """Weight of each indexed column (title first), as the SQLite engine's bm25 weights."""
    tiebreak: str
    recency: str

    @property
    def rank_weights(self) -> list[float]:
        """``ts_rank``'s weights array {D, C, B, A}, the title (A) at 1."""
        top = self.weights[0]
        scaled = [w / top for w in self.weights] + [0.0] * (4 - len(self.weights))
        return list(reversed(scaled[:4]))


@dataclass(frozen=True)
class Where:
    """Conditions on the record table (alias ``t``), with ``%s`` placeholders, and their values."""

    clauses: tuple[str, ...] = ()
    params: tuple[object, ...] = ()


def where_of(criteria: Criteria) -> Where:
    """A search's checked filter in PostgreSQL: the organization is one more condition on the table."""
    return Where(*sql_of((*criteria.conditions, *criteria.scope()), "%s"))


def fold(text: str) -> str:
    """Text as it is indexed: NFKC-normalised, lower case, accents removed, words separated by spaces
    (as the SQLite tokenizer splits them), so that PostgreSQL's parser sees plain words only."""
    text = searchable(text).lower()
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def vector_sql(columns: int) -> str:
    """The SQL of a weighted `search` vector from `columns` text values (title first)."""
    parts = [f"setweight(to_tsvector('{CONFIG}', %s), '{letter}')" for letter in "ABCD"[:columns]]
    return " || ".join(parts)


def vector_values(values: Sequence[str], columns: int) -> tuple[str, ...]:
    return tuple(fold(value) for value in values[:columns])


async def search(
    conn: psycopg.AsyncConnection[Any],
    index: PgIndex,
    phrases: Sequence[Phrase],
    where: Where,
    *,
    offset: int,
    limit: int,
    ceiling: int,
) -> Hits:
    """Records matching `phrases` and `where` among those numbered up to `ceiling` (see the module)."""
    if not phrases:
        return await _recent(conn, index, where, offset=offset, limit=limit, ceiling=ceiling)
    frequencies = [(p, await _frequency(conn, index, p, ceiling)) for p in phrases]
    present = [(p, _idf(found, ceiling)) for p, found in frequencies if found]
    if not present:
        return Hits(rows=(), more=False, total=0)
    need = offset + limit + 1
    rows, cut = await _scan(conn, index, present, "&&", where, ceiling)
    keys = sorted((0, -rank, -n) for n, rank in rows)
    complete = not cut
    if len(present) > 1:
        if len(keys) < need:
            seen = {n for n, _ in rows}
            more, more_cut = await _scan(conn, index, present, "||", where, ceiling)
            keys.extend(sorted((1, -rank, -n) for n, rank in more if n not in seen))
            complete = complete and not more_cut
        else:
            complete = False
    page = keys[offset : offset + limit]
    return Hits(
        rows=tuple(-key[-1] for key in page),
        more=len(keys) > offset + limit,
        total=len(keys) if complete else None,
    )


def _query(phrases: Sequence[Phrase], operator: str) -> tuple[str, tuple[str, ...]]:
    sql = f" {operator} ".join(f"phraseto_tsquery('{CONFIG}', %s)" for _ in phrases)
    return f"({sql})", tuple(" ".join(fold(t) for t in p.tokens) for p in phrases)


def _idf(frequency: int, records: int) -> float:
    """bm25's inverse document frequency of a phrase found in `frequency` of `records` records."""
    records = max(records, frequency)
    return math.log(1 + (records - frequency + 0.5) / (frequency + 0.5))


async def _frequency(conn: psycopg.AsyncConnection[Any], index: PgIndex, phrase: Phrase, ceiling: int) -> int:
    """In how many records numbered up to `ceiling` `phrase` stands (counted up to `FREQUENCY_CAP`)."""
    query, params = _query((phrase,), "&&")
    cursor = await conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {index.table} WHERE search @@ {query} AND n <= %s LIMIT %s) s",
        (*params, ceiling, FREQUENCY_CAP),
    )
    row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _scan(
    conn: psycopg.AsyncConnection[Any],
    index: PgIndex,
    phrases: Sequence[tuple[Phrase, float]],
    operator: str,
    where: Where,
    ceiling: int,
) -> tuple[list[tuple[int, float]], bool]:
    """(n, score) of the newest `WINDOW` matches passing `where`; and whether matches remained unread.

    The score is the sum of each phrase's ``ts_rank`` weighted by its inverse document frequency."""
    query, params = _query([p for p, _ in phrases], operator)
    scored = [_query((p,), "&&") for p, _ in phrases]
    score = " + ".join(f"%s * ts_rank(%s::real[], c.search, {sql}, {NORMALIZATION})" for sql, _ in scored)
    score_params = tuple(
        value
        for (_, idf), (_, words) in zip(phrases, scored, strict=True)
        for value in (idf, index.rank_weights, *words)
    )
    conditions = " AND ".join(("t.search @@ q.q", "t.n <= %s", *where.clauses))
    sql = f"""WITH q AS (SELECT {query} AS q)
        SELECT c.n, {score} FROM
            (SELECT t.n, t.search FROM {index.table} t, q WHERE {conditions} ORDER BY t.n DESC LIMIT %s) c"""
    cursor = await conn.execute(sql, (*params, *score_params, ceiling, *where.params, WINDOW + 1))
    rows = [(int(n), float(rank)) for n, rank in await cursor.fetchall()]
    rows.sort(key=lambda row: -row[0])
    return rows[:WINDOW], len(rows) > WINDOW


async def _recent(
    conn: psycopg.AsyncConnection[Any], index: PgIndex, where: Where, *, offset: int, limit: int, ceiling: int
) -> Hits:
    conditions = " AND ".join(("t.n <= %s", *where.clauses))
    params = (ceiling, *where.params)
    cursor = await conn.execute(
        f"SELECT t.n FROM {index.table} t WHERE {conditions} "
        f"ORDER BY t.{index.recency} DESC, t.{index.tiebreak} DESC LIMIT %s OFFSET %s",
        (*params, limit + 1, offset),
    )
    found = [int(n) for (n,) in await cursor.fetchall()]
    total: int | None
    if len(found) <= limit:
        total = offset + len(found) if found or offset == 0 else None
    else:
        counted_cursor = await conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {index.table} t WHERE {conditions} LIMIT %s) s",
            (*params, COUNT_CAP + 1),
        )
        row = await counted_cursor.fetchone()
        counted = int(row[0]) if row else 0
        total = counted if counted <= COUNT_CAP else None
    return Hits(rows=tuple(found[:limit]), more=len(found) > limit, total=total)


__all__ = ["CONFIG", "PgIndex", "Where", "fold", "search", "vector_sql", "vector_values"]
