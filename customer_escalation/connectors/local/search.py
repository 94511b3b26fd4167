"""Full-text search over the workspace: user text to a safe FTS5 query, and ranking with a bounded cost.

User text never reaches ``MATCH`` as typed. `parse_query` finds its chunks: runs of letters and digits,
joined by connecting punctuation (``_ . - / @ ' + &``) into one chunk. It lowercases them, drops chunks
made only of stopwords and quotes the words of each chunk as one FTS5 phrase (``CANARY_COBALT_OTTER``
and ``contoso.example`` become the phrases "canary cobalt otter" and "contoso example"). Everything
else (quotes, parentheses, colons, ``*``, ``^``) only separates words, and operators such as ``NEAR``
or ``OR`` are plain words inside a phrase, so no input raises an SQL error.

How a query with several phrases matches (`TextSearch.search`):

1. Records containing every phrase come first, then records containing only some of them, each group
   ranked by bm25 (subject or title weighted above the body); equal scores put the newest record
   first. So "API returning 500 errors intermittently" still finds tickets that mention only "API"
   and "500".
2. bm25 needs each phrase's document frequency, and FTS5 finds it by walking the phrase's whole
   posting list, which costs tens of milliseconds for a word in most of a million tickets. A phrase
   with a word found in more than `COMMON_DOCS` records is therefore *common*: it orders results (records that
   also contain it come first) but is left out of matching and scoring, like the "common terms" query
   of Lucene. A query made only of common phrases is not scored: among the newest records that
   contain them, those with every phrase in the title (subject) come first, then the others, newest
   first.
3. Each group ranks at most `WINDOW` candidates: the most recently added records that match. On a
   small workspace that is every match; on a large one it is the recent part, like the result cap of
   a vendor search API. Filters the index cannot apply (status, dates, kind) are tested on those
   candidates. `Page.total` is given only when no group was cut.

Records added after the first page do not shift later pages: the cursor carries the highest record
number that the first page saw.

The same search repeats (an assistant pages through it, several people look into the same outage), so
a `TextSearch` remembers the pages it found, and the phrase frequencies it counted, for as long as the
file stays the same: until its own connection writes (`forget`) or SQLite's ``data_version`` says
another connection (another process, the history) committed.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

COMMON_DOCS = 20_000
"""A phrase in more records than this is common: it orders results but does not select or score them."""
WINDOW = 500
"""At most this many candidates are ranked per group (every phrase / some phrases)."""
SAMPLE = 100_000
"""Phrase frequencies on larger tables are estimated from this many of the newest records."""
TITLE_WINDOW = 200
"""A query of common phrases puts title matches first among this many of its newest matches."""
SCAN = 5_000
"""A query of common phrases with filters reads at most this many matches looking for a page."""
COUNT_CAP = 1_000
"""An empty query counts its matches up to this many; beyond, `total` is None."""
MAX_PHRASES = 12
MAX_PHRASE_TOKENS = 8
MAX_TOKEN_CHARS = 64
_MAX_CHUNKS = 256
_MAX_QUERY_CHARS = 64_000
"""A non-ASCII query is normalised this far: past `_MAX_CHUNKS` chunks nothing is read anyway."""
_FREQUENCY_CACHE_SIZE = 4_096
_PAGES_KEPT = 1_024
"""Pages a `TextSearch` remembers at most (the least recently asked for go first)."""
_LOOKUP_ROWS = 64

_WORD = re.compile(r"[^\W_]+")
_CHUNK = re.compile(r"[^\W_]+(?:[_.\-/@'\u2019+&]+[^\W_]+)*")

STOPWORDS = frozenset(
    (
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
        "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has",
        "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if",
        "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor",
        "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
        "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
        "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
        "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
        "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves",
    )
)  # fmt: skip
"""English function words dropped from queries (unless the query has nothing else)."""


@dataclass(frozen=True)
class Phrase:
    """One chunk of the user's query: its words, to be matched next to each other."""

    tokens: tuple[str, ...]

    @property
    def expression(self) -> str:
        """The phrase as an FTS5 string; tokens hold only letters and digits, so nothing needs escaping."""
        return '"' + " ".join(self.tokens) + '"'


def parse_query(text: str) -> tuple[Phrase, ...]:
    """The phrases of a user's query, in order, without duplicates; empty when there is nothing to match.

    Chunks made only of stopwords are dropped unless every chunk is. At most `MAX_PHRASES` phrases of
    `MAX_PHRASE_TOKENS` words are kept, and at most 256 chunks are looked at, so a 100 KB query costs
    little more than a short one.
    """
    if not text.isascii():
        # As the index holds it: fullwidth "Ａｃｍｅ" is "Acme". Only the part that is looked at.
        text = unicodedata.normalize("NFKC", text[:_MAX_QUERY_CHARS])
    kept: list[Phrase] = []
    stop_only: list[Phrase] = []
    seen: set[tuple[str, ...]] = set()
    for number, chunk in enumerate(_CHUNK.finditer(text)):
        if number >= _MAX_CHUNKS or len(kept) >= MAX_PHRASES:
            break
        words = _WORD.findall(chunk.group().lower())[:MAX_PHRASE_TOKENS]
        tokens = tuple(word[:MAX_TOKEN_CHARS] for word in words)
        if not tokens or tokens in seen:
            continue
        seen.add(tokens)
        (stop_only if all(t in STOPWORDS for t in tokens) else kept).append(Phrase(tokens))
    return tuple(kept) if kept else tuple(stop_only[:MAX_PHRASES])


@dataclass(frozen=True)
class SearchIndex:
    """A record table and its full-text index, as the search engine sees them."""

    table: str
    text_columns: tuple[str, ...]
    """The FTS columns user text is matched against."""
    weights: tuple[float, ...]
    """bm25 weight of every FTS column, in table order."""
    tiebreak: str
    """The record id column; an empty query orders by `recency`, then by it (both newest first)."""
    recency: str
    """The time column an empty query orders by, newest first."""
    scope_column: str | None = None
    """The FTS column holding filter tokens, if the index has one."""

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"


@dataclass(frozen=True)
class Filters:
    """Conditions on the record table (alias ``t``), and index tokens for those the index can apply."""

    where: tuple[str, ...] = ()
    params: tuple[object, ...] = ()
    scope: tuple[str, ...] = ()
    """Tokens of the index's scope column; a text search applies them in the index lookup."""
    scope_where: tuple[str, ...] = ()
    """The same conditions as `scope` on the table, for listings that do not use the index."""
    scope_params: tuple[object, ...] = ()


Span = tuple[int, int, int]
"""(offset, limit, ceiling) of a search's page."""


@dataclass(frozen=True)
class Hits:
    """One page of matches: record numbers in order, whether more follow, and the total when known."""

    rows: tuple[int, ...]
    more: bool
    total: int | None


@dataclass
class TextSearch:
    """Runs searches on one connection; remembers phrase frequencies and the pages found until the file
    changes. Its caller serialises the calls (the connection's lock)."""

    _frequencies: dict[tuple[str, str], int | None] = field(default_factory=dict)
    _pages: OrderedDict[tuple[object, ...], Hits] = field(default_factory=OrderedDict)
    _version: int | None = None
    generation: int = 0
    """How many times what was remembered has been dropped: what was read from the file during one
    generation (since a search began it) is still what the file holds."""

    def forget(self) -> None:
        """Drop what is remembered (after a write on this connection)."""
        self._frequencies.clear()
        self._pages.clear()
        self.generation += 1

    def _follow(self, conn: sqlite3.Connection) -> None:
        """Forget what was remembered if another connection has committed since the last search."""
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:
            self.forget()
            self._version = version

    def search(
        self,
        conn: sqlite3.Connection,
        index: SearchIndex,
        phrases: Sequence[Phrase],
        filters: Filters,
        *,
        offset: int,
        limit: int,
        ceiling: int,
    ) -> Hits:
        """Records matching `phrases` and `filters` among those numbered up to `ceiling`.

        An empty `phrases` lists every record that passes the filters, most recent first.
        """
        self._follow(conn)
        span = (offset, limit, ceiling)
        key = (index.table, tuple(phrases), filters, span)
        try:
            hits = self._pages.get(key)
        except TypeError:  # a filter value that cannot be a key: search without remembering
            return self._found(conn, index, phrases, filters, span)
        if hits is None:
            hits = self._found(conn, index, phrases, filters, span)
            if len(self._pages) >= _PAGES_KEPT:
                self._pages.popitem(last=False)
            self._pages[key] = hits
        else:
            self._pages.move_to_end(key)
        return hits

    def _found(
        self,
        conn: sqlite3.Connection,
        index: SearchIndex,
        phrases: Sequence[Phrase],
        filters: Filters,
        span: Span,
    ) -> Hits:
        """`search` done afresh; `span` is its (offset, limit, ceiling)."""
        offset, limit, ceiling = span
        if not phrases:
            return self._recent(conn, index, filters, offset=offset, limit=limit, ceiling=ceiling)
        rare: list[Phrase] = []
        common: list[Phrase] = []
        for phrase in phrases:
            frequency = self._frequency(conn, index, phrase, ceiling=ceiling)
            if frequency is None:
                common.append(phrase)
            elif frequency > 0:
                rare.append(phrase)
        if rare:
            keys, complete = self._ranked(
                conn, index, rare, common, filters, need=offset + limit + 1, ceiling=ceiling
            )
        elif common:
            keys, complete = self._newest(
                conn, index, common, filters, need=offset + limit + 1, ceiling=ceiling
            )
        else:
            keys, complete = [], True
        page = keys[offset : offset + limit]
        return Hits(
            rows=tuple(-key[-1] for key in page),
            more=len(keys) > offset + limit,
            total=len(keys) if complete else None,
        )

    def _ranked(
        self,
        conn: sqlite3.Connection,
        index: SearchIndex,
        rare: Sequence[Phrase],
        common: Sequence[Phrase],
        filters: Filters,
        *,
        need: int,
        ceiling: int,
    ) -> tuple[list[tuple[int, float, int]], bool]:
        """Sort keys (group, bm25, -n) of records with every rare phrase, then of those with some."""
        every = self._expression(index, rare, "AND", filters)
        rows, cut = self._scan(conn, index, every, filters, ceiling=ceiling, ranked=True, limit=WINDOW)
        boosted = self._containing(conn, index, every, common, rows, ceiling=ceiling)
        keys = sorted((0 if n in boosted else 1, score, -n) for n, score, _ in rows)
        complete = not cut
        if len(rare) > 1:
            if len(keys) < need:
                some = self._expression(index, rare, "OR", filters)
                more_rows, more_cut = self._scan(
                    conn, index, some, filters, ceiling=ceiling, ranked=True, limit=WINDOW
                )
                seen = {n for n, _, _ in rows}
                keys.extend(sorted((2, score, -n) for n, score, _ in more_rows if n not in seen))
                complete = complete and not more_cut
            else:
                complete = False
        return keys, complete

    def _newest(
        self,
        conn: sqlite3.Connection,
        index: SearchIndex,
        common: Sequence[Phrase],
        filters: Filters,
        *,
        need: int,
        ceiling: int,
    ) -> tuple[list[tuple[int, float, int]], bool]:
        """Sort keys of records with every common phrase, then of those with some; no bm25.

        Among the first `TITLE_WINDOW` matches read (the newest), those whose title (the first text
        column) holds every phrase come first, as bm25's title weight would put them; later matches
        follow, newest first. The window does not depend on the page, so pages never overlap.
        """
        every = self._expression(index, common, "AND", filters)
        rows, cut = self._scan(
            conn,
            index,
            every,
            filters,
            ceiling=ceiling,
            ranked=False,
            limit=SCAN,
            stop=need,
            window=TITLE_WINDOW,
        )
        windowed = [row for row in rows if row[2] <= TITLE_WINDOW]
        titled = self._containing(
            conn, index, every, common, windowed, ceiling=ceiling, columns=index.text_columns[:1]
        )
        keys = sorted(
            (0 if n in titled else 1, 0.0, -n) if read <= TITLE_WINDOW else (2, 0.0, -n)
            for n, _, read in rows
        )
        complete = not cut
        if len(common) > 1 and complete and len(keys) < need:
            some = self._expression(index, common, "OR", filters)
            seen = {n for n, _, _ in rows}
            more_rows, more_cut = self._scan(
                conn, index, some, filters, ceiling=ceiling, ranked=False, limit=SCAN, stop=need + len(seen)
            )
            keys.extend((3, 0.0, -n) for n, _, _ in more_rows if n not in seen)
            complete = not more_cut
        return keys, complete

    def _recent(
        self,
        conn: sqlite3.Connection,
        index: SearchIndex,
        filters: Filters,
        *,
        offset: int,
        limit: int,
        ceiling: int,
    ) -> Hits:
        where = " AND ".join(("t.n <= ?", *filters.where, *filters.scope_where))
        params = (ceiling, *filters.params, *filters.scope_params)
        found = conn.execute(
            f"SELECT t.n FROM {index.table} t WHERE {where} "
            f"ORDER BY t.{index.recency} DESC, t.{index.tiebreak} DESC LIMIT ? OFFSET ?",
            (*params, limit + 1, offset),
        ).fetchall()
        if len(found) <= limit:
            total: int | None = offset + len(found) if found or offset == 0 else None
        else:
            counted = conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {index.table} t WHERE {where} LIMIT ?)",
                (*params, COUNT_CAP + 1),
            ).fetchone()[0]
            total = counted if counted <= COUNT_CAP else None
        return Hits(rows=tuple(n for (n,) in found[:limit]), more=len(found) > limit, total=total)

    def _frequency(
        self, conn: sqlite3.Connection, index: SearchIndex, phrase: Phrase, *, ceiling: int
    ) -> int | None:
        """How many records contain `phrase`, or None when it is common.

        A phrase of several words is common when one of its words is: ranking it would walk that
        word's posting list, whatever the phrase's own frequency.
        """
        if len(phrase.tokens) > 1 and any(
            self._count(conn, index, Phrase((t,)), ceiling=ceiling) is None for t in phrase.tokens
        ):
            return None
        return self._count(conn, index, phrase, ceiling=ceiling)

    def _count(
        self, conn: sqlite3.Connection, index: SearchIndex, phrase: Phrase, *, ceiling: int
    ) -> int | None:
        """About how many records contain `phrase`; None when more than `COMMON_DOCS`.

        On a large table the count is taken over the newest `SAMPLE` records and scaled, so a probe
        never reads more than about ``COMMON_DOCS * SAMPLE / records`` postings. A phrase missing from
        the sample is counted exactly, so an older record is never taken for absent.
        """
        key = (index.table, phrase.expression)
        if key in self._frequencies:
            return self._frequencies[key]
        expr = f"{_columns(index.text_columns)} : {phrase.expression}"
        sql = f"SELECT count(*) FROM (SELECT rowid FROM {index.fts} WHERE {index.fts} MATCH ? AND rowid > ? LIMIT ?)"
        frequency: int | None = None
        if ceiling > SAMPLE:
            cap = COMMON_DOCS * SAMPLE // ceiling + 1
            sampled = conn.execute(sql, (expr, ceiling - SAMPLE, cap)).fetchone()[0]
            if 0 < sampled < cap:
                frequency = sampled * ceiling // SAMPLE
        if ceiling <= SAMPLE or sampled == 0:
            counted = conn.execute(sql, (expr, 0, COMMON_DOCS + 1)).fetchone()[0]
            frequency = None if counted > COMMON_DOCS else int(counted)
        if len(self._frequencies) >= _FREQUENCY_CACHE_SIZE:
            self._frequencies.clear()
        self._frequencies[key] = frequency
        return frequency

    @staticmethod
    def _expression(index: SearchIndex, phrases: Sequence[Phrase], operator: str, filters: Filters) -> str:
        text = f" {operator} ".join(p.expression for p in phrases)
        expr = f"{_columns(index.text_columns)} : ({text})"
        if filters.scope and index.scope_column:
            tokens = " AND ".join(f'"{token}"' for token in filters.scope)
            expr = f"{expr} AND {{{index.scope_column}}} : ({tokens})"
        return expr

    @staticmethod
    def _scan(
        conn: sqlite3.Connection,
        index: SearchIndex,
        expr: str,
        filters: Filters,
        *,
        ceiling: int,
        ranked: bool,
        limit: int,
        stop: int | None = None,
        window: int = 0,
    ) -> tuple[list[tuple[int, float, int]], bool]:
        """(n, bm25, position read) of the matches of `expr` that pass the filters, newest first,
        among the first `limit` matches.

        With `stop`, reading ends once `stop` matches have passed and at least `window` were read.
        Returns whether matches remained unread.
        """
        fts = index.fts
        score = f"bm25({fts}, {', '.join(str(w) for w in index.weights)})" if ranked else "0.0"
        if filters.where:
            # The record table is joined only to test conditions the index cannot.
            passes = " AND ".join(f"({condition})" for condition in filters.where)
            sql = (
                f"SELECT {fts}.rowid, {score}, {passes} FROM {fts} JOIN {index.table} t ON t.n = {fts}.rowid "
                f"WHERE {fts} MATCH ? AND {fts}.rowid <= ? ORDER BY {fts}.rowid DESC LIMIT ?"
            )
            params: tuple[object, ...] = (*filters.params, expr, ceiling, limit + 1)
        else:
            sql = f"SELECT rowid, {score}, 1 FROM {fts} WHERE {fts} MATCH ? AND rowid <= ? ORDER BY rowid DESC LIMIT ?"
            params = (expr, ceiling, limit + 1)
        if stop is None:
            # Every match up to the limit is read: fetched at once, without a step per row in Python.
            found = conn.execute(sql, params).fetchall()
            kept = [(n, value, read) for read, (n, value, ok) in enumerate(found[:limit], start=1) if ok]
            return kept, len(found) > limit
        rows: list[tuple[int, float, int]] = []
        for read, (n, value, ok) in enumerate(conn.execute(sql, params), start=1):
            if read > limit:
                return rows, True
            if ok:
                rows.append((n, value, read))
            if stop is not None and len(rows) >= stop and read >= window:
                return rows, True
        return rows, False

    @staticmethod
    def _containing(
        conn: sqlite3.Connection,
        index: SearchIndex,
        expr: str,
        phrases: Sequence[Phrase],
        rows: list[tuple[int, float, int]],
        *,
        ceiling: int,
        columns: Sequence[str] = (),
    ) -> set[int]:
        """Which of `rows` (matches of `expr`) also hold every one of `phrases` (in `columns`, if given)."""
        if not phrases or not rows or (columns and len(index.text_columns) < 2):
            return set()
        text = " AND ".join(p.expression for p in phrases)
        fts = index.fts
        if len(rows) <= _LOOKUP_ROWS:
            # A few candidates: test each by rowid (tens of microseconds apiece) rather than
            # re-running the whole match over their range.
            marks = ", ".join("?" * len(rows))
            found = conn.execute(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? AND rowid IN ({marks})",
                (f"{_columns(columns or index.text_columns)} : ({text})", *(n for n, _, _ in rows)),
            )
            return {n for (n,) in found}
        floor = min(n for n, _, _ in rows)
        with_common = f"{expr} AND {_columns(columns or index.text_columns)} : ({text})"
        return {
            n
            for (n,) in conn.execute(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? AND rowid <= ? AND rowid >= ?",
                (with_common, ceiling, floor),
            )
        }


def _columns(names: Sequence[str]) -> str:
    return "{" + " ".join(names) + "}"


__all__ = [
    "COMMON_DOCS",
    "MAX_PHRASES",
    "STOPWORDS",
    "WINDOW",
    "Filters",
    "Hits",
    "Phrase",
    "SearchIndex",
    "TextSearch",
    "parse_query",
]
