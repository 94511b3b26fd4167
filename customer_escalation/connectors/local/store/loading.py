"""Loading a dataset into the workspace, merging into stored records when asked."""

from __future__ import annotations

import sqlite3
from typing import Any

from pydantic import BaseModel

from ...records import (
    Channel,
    Comment,
    Dataset,
)
from .. import indexing
from ..indexing import Kind, upsert
from .base import M


def load_dataset(conn: sqlite3.Connection, dataset: Dataset, *, merge: bool = False) -> None:
    """Upsert every record of `dataset` (merging accounts and tickets into stored ones when `merge`);
    the caller holds the transaction."""
    for account in dataset.accounts:
        if merge:
            account = _merge_into_stored(conn, indexing.ACCOUNTS, account)
        upsert(conn, indexing.ACCOUNTS, account)
    for opportunity in dataset.opportunities:
        upsert(conn, indexing.OPPORTUNITIES, opportunity)
    channels = {channel.id: channel for channel in dataset.channels}
    for message in dataset.messages:
        # A message may name a channel the dataset does not list; register it so it can be found.
        if (
            message.channel_id not in channels
            and not conn.execute("SELECT 1 FROM channels WHERE id = ?", (message.channel_id,)).fetchone()
        ):
            channels[message.channel_id] = Channel(id=message.channel_id, name=message.channel_name)
    for channel in channels.values():
        upsert(conn, indexing.CHANNELS, channel)
    for ticket in dataset.tickets:
        if merge:
            ticket = _merge_into_stored(conn, indexing.TICKETS, ticket)
        upsert(conn, indexing.TICKETS, ticket)
    for message in dataset.messages:
        upsert(conn, indexing.MESSAGES, message)
    for issue in dataset.issues:
        upsert(conn, indexing.ISSUES, issue)
    for article in dataset.articles:
        upsert(conn, indexing.ARTICLES, article)


_ADDED_TO = frozenset({"domains", "contacts", "tags", "comments", "linked_issue_keys"})
"""Collections an import adds to rather than replaces."""


def _merge_into_stored(conn: sqlite3.Connection, kind: Kind[M], record: M) -> M:
    """`record` merged into the stored record with the same key: only the fields `record` carries (set
    when it was built, and not empty) change; collections in `_ADDED_TO` gain the new entries."""
    key = kind.key(record)
    where = " AND ".join(f"{column} = ?" for column in kind.key_columns)
    row = conn.execute(f"SELECT data FROM {kind.table} WHERE {where}", key).fetchone()
    if row is None:
        return record
    stored = kind.model.model_validate_json(row[0])
    return kind.model.model_validate(_merged_fields(stored, record))


def _merged_fields(stored: BaseModel, new: BaseModel) -> dict[str, Any]:
    """The fields of `stored` updated with those `new` carries; a nested record (the requester, the
    organization) is merged the same way, so a placeholder with no name keeps the stored one."""
    fields = stored.model_dump()
    for name in new.model_fields_set:
        value = getattr(new, name)
        if value is None or value == "" or value == ():
            continue
        old = getattr(stored, name)
        if name in _ADDED_TO:
            value = _added(old, value)
        elif isinstance(value, BaseModel) and type(old) is type(value):
            value = _merged_fields(old, value)
        fields[name] = value
    return fields


def _added(old: tuple[Any, ...], new: tuple[Any, ...]) -> tuple[Any, ...]:
    """`old` followed by the entries of `new` it lacks (comments by id, contacts by e-mail or name; a
    new entry replaces the old one with the same identity); comments are kept in time order."""

    def identity(item: Any) -> Any:
        if isinstance(item, Comment):
            return ("comment", item.id)
        email = getattr(item, "email", None)
        if email:
            return ("email", email.casefold())
        name = getattr(item, "name", None)
        return ("name", name.casefold()) if isinstance(name, str) else item

    merged = {identity(item): item for item in old}
    merged.update({identity(item): item for item in new})
    items = tuple(merged.values())
    if items and all(isinstance(item, Comment) for item in items):
        items = tuple(sorted(items, key=lambda c: c.created_at))
    return items
