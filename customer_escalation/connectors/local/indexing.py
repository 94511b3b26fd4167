"""What the workspace stores and indexes for each kind of record, and the upsert that keeps both in step.

The full-text tables keep no copy of the text (``content=''``), so removing a row means replaying the
exact text that was indexed for it. That text is always derived from the stored JSON by the functions
here; if one of them changes, add a migration that rebuilds the index with `rebuild_search_index`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from ..records import Account, Article, Channel, ChatMessage, Opportunity, Ticket, TrackerIssue
from .authors import is_our_note

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_micros(moment: datetime) -> int:
    """An aware datetime as integer microseconds since the Unix epoch (the stored form of times)."""
    return (moment - _EPOCH) // _MICROSECOND


def scope_token(value: str) -> str:
    """A single index token standing for a filter value (an organization id).

    Digits only: the porter stemmer leaves them alone, and user text never reaches the `scope` column.
    """
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=7).digest()
    return f"9{int.from_bytes(digest, 'big'):017d}"


def ticket_text(subject: str, description: str, comment_bodies: Iterable[str]) -> tuple[str, str]:
    """The indexed (subject, body) of a ticket: the body is the description and the comments given."""
    return subject, "\n".join((description, *comment_bodies))


def issue_number(key: str) -> int | None:
    """The number in an issue key like ``ENG-42``; None when the key has no numeric tail."""
    _, _, tail = key.rpartition("-")
    return int(tail) if tail.isascii() and tail.isdigit() else None


def issue_project(issue: TrackerIssue) -> str | None:
    if issue.project:
        return issue.project
    head, sep, _ = issue.key.rpartition("-")
    return head if sep and head else None


R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class Kind(Generic[R]):
    """How one record type is stored: its table, key, filter columns and full-text columns."""

    table: str
    model: type[R]
    columns: Callable[[R], dict[str, Any]]
    """Values of the table's filter and ordering columns (besides the key and `data`)."""
    key_columns: tuple[str, ...] = ("id",)
    """The record's fields that identify it, stored in columns of the same names."""
    fts_columns: tuple[str, ...] = ()
    text: Callable[[R], tuple[str, ...]] | None = None
    """The values indexed in `fts_columns`, derived from the record alone."""

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    def key(self, record: R) -> tuple[str, ...]:
        """The values of `record`'s key columns."""
        return tuple(getattr(record, column) for column in self.key_columns)


def _ticket_columns(t: Ticket) -> dict[str, Any]:
    return {
        "status": t.status,
        "organization_id": t.organization.id if t.organization else None,
        "updated_at": to_micros(t.updated_at),
        "comment_count": len(t.comments),
    }


def _ticket_text(t: Ticket) -> tuple[str, str, str]:
    # The product's own notes (a brief, a draft) would make a ticket match the issue they are about.
    said = (c.body for c in t.comments if not is_our_note(c))
    subject, body = ticket_text(t.subject, t.description, said)
    return subject, body, scope_token(t.organization.id) if t.organization else ""


def _article_text(a: Article) -> tuple[str, str]:
    return a.title, a.body if a.workaround is None else f"{a.body}\n{a.workaround}"


ACCOUNTS: Kind[Account] = Kind(
    table="accounts",
    model=Account,
    columns=lambda a: {},
    fts_columns=("name", "domains"),
    text=lambda a: (a.name, " ".join(a.domains)),
)
OPPORTUNITIES: Kind[Opportunity] = Kind(
    table="opportunities",
    model=Opportunity,
    columns=lambda o: {
        "account_id": o.account_id,
        "is_open": int(o.is_open),
        "close_date": o.close_date.isoformat() if o.close_date else None,
    },
)
TICKETS: Kind[Ticket] = Kind(
    table="tickets",
    model=Ticket,
    columns=_ticket_columns,
    fts_columns=("subject", "body", "scope"),
    text=_ticket_text,
)
CHANNELS: Kind[Channel] = Kind(
    table="channels",
    model=Channel,
    columns=lambda c: {"name": c.name},
)
MESSAGES: Kind[ChatMessage] = Kind(
    table="messages",
    model=ChatMessage,
    key_columns=("channel_id", "id"),
    columns=lambda m: {
        "thread_id": m.thread_id if m.thread_id and m.thread_id != m.id else None,
        "created_at": to_micros(m.created_at),
    },
    fts_columns=("text",),
    text=lambda m: (m.text,),
)
ISSUES: Kind[TrackerIssue] = Kind(
    table="issues",
    model=TrackerIssue,
    key_columns=("key",),
    columns=lambda i: {
        "project": issue_project(i),
        "number": issue_number(i.key),
        "status": i.status,
        "kind": i.kind,
        "updated_at": to_micros(i.updated_at),
    },
    fts_columns=("title", "body"),
    text=lambda i: (i.title, i.body),
)
ARTICLES: Kind[Article] = Kind(
    table="articles",
    model=Article,
    columns=lambda a: {"kind": a.kind, "updated_at": to_micros(a.updated_at)},
    fts_columns=("title", "body"),
    text=_article_text,
)

ALL_KINDS: tuple[Kind[Any], ...] = (ACCOUNTS, OPPORTUNITIES, TICKETS, CHANNELS, MESSAGES, ISSUES, ARTICLES)


def upsert(conn: sqlite3.Connection, kind: Kind[R], record: R) -> int:
    """Insert `record` or replace the stored one with the same key, index included; returns its `n`.

    Call inside a transaction.
    """
    key = kind.key(record)
    where = " AND ".join(f"{column} = ?" for column in kind.key_columns)
    columns = kind.columns(record)
    data = record.model_dump_json()
    row = conn.execute(f"SELECT n, data FROM {kind.table} WHERE {where}", key).fetchone()
    if row is None:
        names = (*kind.key_columns, *columns, "data")
        placeholders = ", ".join("?" * len(names))
        cursor = conn.execute(
            f"INSERT INTO {kind.table} ({', '.join(names)}) VALUES ({placeholders})",
            (*key, *columns.values(), data),
        )
        n = cursor.lastrowid
        assert n is not None
    else:
        n, old_data = row
        if old_data == data:
            return int(n)
        _unindex(conn, kind, n, kind.model.model_validate_json(old_data))
        assignments = ", ".join(f"{name} = ?" for name in (*columns, "data"))
        conn.execute(f"UPDATE {kind.table} SET {assignments} WHERE n = ?", (*columns.values(), data, n))
    _index(conn, kind, n, record)
    return int(n)


def searchable(text: str) -> str:
    """Text as it is indexed and searched: NFKC-normalised, so fullwidth ``Ａｃｍｅ``, ligatures and
    other compatibility forms match their plain spelling (case and accents are folded by the tokenizer)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _indexed(kind: Kind[R], record: R) -> tuple[str, ...]:
    assert kind.text is not None
    return tuple(searchable(value) for value in kind.text(record))


def _index(conn: sqlite3.Connection, kind: Kind[R], n: int, record: R) -> None:
    if kind.text is None:
        return
    names = ", ".join(kind.fts_columns)
    placeholders = ", ".join("?" * len(kind.fts_columns))
    conn.execute(
        f"INSERT INTO {kind.fts} (rowid, {names}) VALUES (?, {placeholders})", (n, *_indexed(kind, record))
    )


def _unindex(
    conn: sqlite3.Connection, kind: Kind[R], n: int, record: R, *, text: tuple[str, ...] | None = None
) -> None:
    if kind.text is None:
        return
    names = ", ".join(kind.fts_columns)
    placeholders = ", ".join("?" * len(kind.fts_columns))
    conn.execute(
        f"INSERT INTO {kind.fts} ({kind.fts}, rowid, {names}) VALUES ('delete', ?, {placeholders})",
        (n, *(text if text is not None else _indexed(kind, record))),
    )


def normalize_search_text(conn: sqlite3.Connection) -> None:
    """Re-index, NFKC-normalised, the records indexed before `searchable` existed whose text it changes.

    Only records holding a character outside printable ASCII are read (their stored JSON is then not
    pure ASCII), so a large generated workspace costs one table scan.
    """
    for kind in ALL_KINDS:
        if kind.text is None:
            continue
        rows = conn.execute(f"SELECT n, data FROM {kind.table} WHERE data GLOB '*[^ -~]*'").fetchall()
        for n, data in rows:
            record = kind.model.model_validate_json(data)
            raw = kind.text(record)
            if raw != _indexed(kind, record):
                _unindex(conn, kind, n, record, text=raw)
                _index(conn, kind, n, record)


def rebuild_search_index(conn: sqlite3.Connection) -> None:
    """Re-derive every full-text index from the stored records (for migrations that change `text`)."""
    for kind in ALL_KINDS:
        if kind.text is None:
            continue
        conn.execute(f"INSERT INTO {kind.fts} ({kind.fts}) VALUES ('delete-all')")
        for n, data in conn.execute(f"SELECT n, data FROM {kind.table}"):
            _index(conn, kind, n, kind.model.model_validate_json(data))


__all__ = [
    "ACCOUNTS",
    "ALL_KINDS",
    "ARTICLES",
    "CHANNELS",
    "ISSUES",
    "MESSAGES",
    "OPPORTUNITIES",
    "TICKETS",
    "Kind",
    "issue_number",
    "issue_project",
    "normalize_search_text",
    "rebuild_search_index",
    "scope_token",
    "searchable",
    "ticket_text",
    "to_micros",
    "upsert",
]
