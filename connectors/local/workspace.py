"""`LocalWorkspace`: every connector protocol served from one SQLite file.

The workspace is the product's default backend and the contract suite's reference. Calls are
synchronous SQLite inside async methods: a search is a few milliseconds, so a thread pool would add
more than it saves. One connection serves every call, guarded by a lock.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, TypeVar, get_args

from pydantic import BaseModel

from ..base import MAX_PAGE_SIZE, Clock, IssueDraft, WriteReceipt, utc_now
from ..cursor import clamp_limit, decode_cursor, encode_cursor, query_fingerprint
from ..errors import InvalidQueryError, NotFoundError, WorkspaceError, WorkspaceExistsError
from ..records import (
    Account,
    Article,
    ArticleKind,
    Channel,
    ChatMessage,
    Comment,
    Dataset,
    IssueKind,
    IssueStatus,
    Opportunity,
    Page,
    Person,
    Ref,
    Thread,
    Ticket,
    TicketStatus,
    TrackerIssue,
)
from . import indexing, schema
from ._shared import SharedConnection, open_existing
from .indexing import Kind, scope_token, to_micros, upsert
from .search import Filters, SearchIndex, TextSearch, parse_query

SYSTEM = "local"
MAX_THREAD_REPLIES = 200
"""A thread returns at most this many replies (oldest first) and sets `has_more` beyond."""
BOT = Person(name="customer-escalation", role="bot")
"""Author of messages the product posts."""
NOTE_AUTHOR = Person(name="customer-escalation", role="internal")
"""Author of internal notes the product adds."""

_TICKETS = SearchIndex(
    table="tickets",
    text_columns=("subject", "body"),
    weights=(3.0, 1.0, 0.0),
    tiebreak="id",
    recency="updated_at",
    scope_column="scope",
)
_ACCOUNTS = SearchIndex(
    table="accounts", text_columns=("name", "domains"), weights=(2.0, 1.0), tiebreak="id", recency="n"
)
_MESSAGES = SearchIndex(
    table="messages", text_columns=("text",), weights=(1.0,), tiebreak="id", recency="created_at"
)
_ISSUES = SearchIndex(
    table="issues", text_columns=("title", "body"), weights=(3.0, 1.0), tiebreak="key", recency="updated_at"
)
_ARTICLES = SearchIndex(
    table="articles", text_columns=("title", "body"), weights=(3.0, 1.0), tiebreak="id", recency="updated_at"
)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class WorkspaceStats:
    """What a workspace file holds."""

    path: Path
    schema_version: int
    size_bytes: int
    """The database file plus its write-ahead log."""
    counts: Mapping[str, int]
    """Records per type: accounts, opportunities, tickets, comments, channels, messages, issues, articles."""


class LocalWorkspace:
    """The local workspace: support platform, CRM, chat, project tracker and knowledge base in one file.

    Open one with `open` (creates the demo company on first use) or `create`; close it with `close`
    or `aclose`, or use it as a context manager.
    """

    system = SYSTEM

    def __init__(self, path: Path, conn: sqlite3.Connection, *, clock: Clock = utc_now) -> None:
        """Wrap an open, migrated connection. Use `open` or `create` instead of calling this."""
        self.path = path
        self.created_demo = False
        """True when `open` has just created this file with the demo company."""
        self._shared = SharedConnection(conn, what=f"workspace {path}")
        self._clock = clock
        self._search = TextSearch()

    # -- opening and closing -------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, clock: Clock = utc_now, create_demo: bool = True) -> LocalWorkspace:
        """Open the workspace at `path`, creating it with the demo company when it does not exist.

        An existing file from an older version of the program is migrated forward. When several
        processes create the same file at once, one creates it and the others open that one.

        Raises:
            WorkspaceError: the file is missing and `create_demo` is False, is not a workspace,
                is corrupt, or was written by a newer version.
        """
        path = Path(path).expanduser()
        if not path.exists():
            if not create_demo:
                raise WorkspaceError(missing_workspace(path))
            from .demo import build_demo

            try:
                workspace = cls.create(path, build_demo(clock()), clock=clock)
            except WorkspaceExistsError:
                pass  # another process created it first: use that one
            else:
                workspace.created_demo = True
                return workspace
        return cls(path, open_existing(path), clock=clock)

    @classmethod
    def create(
        cls, path: Path, dataset: Dataset | None = None, *, clock: Clock = utc_now, force: bool = False
    ) -> LocalWorkspace:
        """Create a new workspace file at `path` holding `dataset` (or nothing).

        The file is built next to `path` and published in one step, so `path` never holds half a
        workspace, and without `force` an existing file (even one created a moment ago by another
        process) is never replaced.

        Raises:
            WorkspaceExistsError: `path` exists and `force` is False.
            WorkspaceError: the file cannot be written.
        """
        path = Path(path).expanduser()

        def fill(conn: sqlite3.Connection) -> None:
            if dataset is not None:
                conn.execute("BEGIN")
                _load(conn, dataset)
                conn.execute("COMMIT")

        schema.create_file(path, fill, replace=force)
        return cls.open(path, clock=clock, create_demo=False)

    def close(self) -> None:
        """Close the connection; later calls raise WorkspaceError. Closing twice is harmless."""
        self._shared.close()

    async def aclose(self) -> None:
        self.close()

    def __enter__(self) -> LocalWorkspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    async def check(self) -> None:
        """Probe the file with one cheap read.

        Raises:
            WorkspaceError: the workspace is closed or unreadable.
        """
        with self._db() as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()

    # -- bulk ---------------------------------------------------------------------------------

    def load(self, dataset: Dataset, *, merge: bool = False) -> None:
        """Insert every record of `dataset`, replacing stored records with the same id, in one transaction.

        Args:
            merge: for an import: an account or ticket already stored is updated with the fields the
                new record carries (those it was built with, not empty) and keeps every other field;
                domains, contacts, tags and comments are added to, never dropped.

        Raises:
            WorkspaceError: the write failed; nothing was changed.
        """
        with self._transaction() as conn:
            _load(conn, dataset, merge=merge)
            schema.refresh_statistics(conn)
        self._search.forget()

    def stats(self) -> WorkspaceStats:
        """Counts per record type, schema version, path and size on disk.

        Raises:
            WorkspaceError: the workspace is closed or unreadable.
        """
        with self._db() as conn:
            counts = {
                kind.table: conn.execute(f"SELECT count(*) FROM {kind.table}").fetchone()[0]
                for kind in indexing.ALL_KINDS
            }
            counts["comments"] = conn.execute(
                "SELECT coalesce(sum(comment_count), 0) FROM tickets"
            ).fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        order = (
            "accounts",
            "opportunities",
            "tickets",
            "comments",
            "channels",
            "messages",
            "issues",
            "articles",
        )
        wal = self.path.with_name(self.path.name + "-wal")
        size = self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        return WorkspaceStats(
            path=self.path,
            schema_version=int(version),
            size_bytes=size,
            counts=MappingProxyType({name: int(counts[name]) for name in order}),
        )

    # -- support platform ---------------------------------------------------------------------

    async def search_tickets(
        self,
        query: str = "",
        *,
        status: Sequence[TicketStatus] | None = None,
        since: datetime | None = None,
        organization_id: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[Ticket]:
        """Tickets matching free text (subject, description, comments), best match first.

        An empty query lists tickets by most recent update. `since` filters on `updated_at`.

        Raises:
            InvalidQueryError: a filter, limit or cursor is not valid.
        """
        statuses = _choices("status", status, get_args(TicketStatus))
        where: list[str] = []
        params: list[object] = []
        if statuses:
            where.append(f"t.status IN ({', '.join('?' * len(statuses))})")
            params.extend(statuses)
        if since is not None:
            where.append("t.updated_at >= ?")
            params.append(_micros("since", since))
        filters = Filters(where=tuple(where), params=tuple(params))
        if organization_id:
            filters = replace(
                filters,
                scope=(scope_token(organization_id),),
                scope_where=("t.organization_id = ?",),
                scope_params=(organization_id,),
            )
        fingerprint = query_fingerprint("tickets", query, statuses, since, organization_id)
        return self._find(_TICKETS, indexing.TICKETS, query, filters, fingerprint, limit, cursor)

    async def get_ticket(self, ticket_id: str) -> Ticket:
        """One ticket with all its comments.

        Raises:
            NotFoundError: no ticket has this id.
        """
        return self._get(
            indexing.TICKETS,
            ticket_id,
            f"no ticket {ticket_id} in the local workspace; search tickets to find the right id",
        )

    async def add_internal_note(self, ticket_id: str, body: str, *, idempotency_key: str) -> WriteReceipt:
        """Add a private note (never visible to the customer) to a ticket.

        A second call with the same `idempotency_key` writes nothing and returns the first receipt.

        Raises:
            NotFoundError: no ticket has this id.
            InvalidQueryError: the body is empty, or the key was used for a different write.
        """
        _require_text("body", body)

        def write(conn: sqlite3.Connection) -> Ref:
            ticket = self._read(
                conn, indexing.TICKETS, ticket_id, f"no ticket {ticket_id} in the local workspace"
            )
            now = self._clock()
            taken = {c.id for c in ticket.comments}
            number = len(ticket.comments) + 1
            while f"{ticket.id}-{number}" in taken:
                number += 1
            note = Comment(
                id=f"{ticket.id}-{number}", author=NOTE_AUTHOR, body=body, public=False, created_at=now
            )
            updated = ticket.model_copy(
                update={"comments": (*ticket.comments, note), "updated_at": max(ticket.updated_at, now)}
            )
            upsert(conn, indexing.TICKETS, updated)
            return Ref(system=SYSTEM, id=note.id)

        return self._idempotent("support.add_internal_note", idempotency_key, (ticket_id, body), write)

    # -- CRM -----------------------------------------------------------------------------------

    async def search_accounts(
        self, query: str, *, limit: int = 10, cursor: str | None = None
    ) -> Page[Account]:
        """Accounts whose name or domain matches, best match first.

        Raises:
            InvalidQueryError: the limit or cursor is not valid.
        """
        fingerprint = query_fingerprint("accounts", query)
        return self._find(_ACCOUNTS, indexing.ACCOUNTS, query, Filters(), fingerprint, limit, cursor)

    async def get_account(self, account_id: str) -> Account:
        """One account with its contacts.

        Raises:
            NotFoundError: no account has this id.
        """
        return self._get(
            indexing.ACCOUNTS,
            account_id,
            f"no account {account_id} in the local workspace; search accounts by name or domain to find its id",
        )

    async def list_opportunities(self, account_id: str) -> tuple[Opportunity, ...]:
        """Deals of an account: open ones first, then by close date.

        Raises:
            NotFoundError: no account has this id.
        """
        with self._db() as conn:
            self._read(conn, indexing.ACCOUNTS, account_id, f"no account {account_id} in the local workspace")
            rows = conn.execute(
                "SELECT data FROM opportunities WHERE account_id = ? "
                "ORDER BY is_open DESC, close_date IS NULL, close_date, id",
                (account_id,),
            ).fetchall()
        return tuple(Opportunity.model_validate_json(data) for (data,) in rows)

    # -- chat ----------------------------------------------------------------------------------

    async def list_channels(self) -> tuple[Channel, ...]:
        """Every chat channel, by name."""
        with self._db() as conn:
            rows = conn.execute("SELECT data FROM channels ORDER BY name, id").fetchall()
        return tuple(Channel.model_validate_json(data) for (data,) in rows)

    async def search_messages(
        self,
        query: str,
        *,
        channel: str | None = None,
        since: datetime | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[ChatMessage]:
        """Messages matching free text, best match first. `channel` is an id or a name.

        Raises:
            NotFoundError: the channel does not exist.
            InvalidQueryError: a filter, limit or cursor is not valid.
        """
        where: list[str] = []
        params: list[object] = []
        if channel:
            with self._db() as conn:
                found = self._channel(conn, channel)
            where.append("t.channel_id = ?")
            params.append(found.id)
        if since is not None:
            where.append("t.created_at >= ?")
            params.append(_micros("since", since))
        filters = Filters(where=tuple(where), params=tuple(params))
        fingerprint = query_fingerprint("messages", query, channel, since)
        return self._find(_MESSAGES, indexing.MESSAGES, query, filters, fingerprint, limit, cursor)

    async def get_thread(self, channel_id: str, thread_id: str) -> Thread:
        """A thread: its root message and replies, oldest first. A reply's id finds its whole thread.

        Raises:
            NotFoundError: the channel or message does not exist.
        """
        with self._db() as conn:
            found = self._channel(conn, channel_id)
            root = self._message(conn, found.id, thread_id)
            if root.thread_id and root.thread_id != root.id:
                root = self._message(conn, found.id, root.thread_id)
            rows = conn.execute(
                "SELECT data FROM messages WHERE channel_id = ? AND thread_id = ? ORDER BY created_at, id LIMIT ?",
                (found.id, root.id, MAX_THREAD_REPLIES + 1),
            ).fetchall()
        replies = tuple(ChatMessage.model_validate_json(data) for (data,) in rows)
        return Thread(
            channel_id=found.id,
            channel_name=found.name,
            root=root,
            replies=replies[:MAX_THREAD_REPLIES],
            has_more=len(replies) > MAX_THREAD_REPLIES,
        )

    async def channel_identity(self, channel: str) -> tuple[str, str]:
        """(id, lower-case name) of a channel given as an id, a name or ``#name``, any case.

        Raises:
            NotFoundError: no such channel.
        """
        with self._db() as conn:
            found = self._channel(conn, channel)
        return found.id, found.name.lower()

    async def post_message(
        self, channel: str, text: str, *, thread_id: str | None = None, idempotency_key: str
    ) -> WriteReceipt:
        """Post a message to a channel (id or name), optionally as a reply in a thread.

        A second call with the same `idempotency_key` writes nothing and returns the first receipt.

        Raises:
            NotFoundError: the channel or thread does not exist.
            InvalidQueryError: the text is empty, or the key was used for a different write.
        """
        _require_text("text", text)

        def write(conn: sqlite3.Connection) -> Ref:
            found = self._channel(conn, channel)
            now = self._clock()
            root: ChatMessage | None = None
            if thread_id:
                root = self._message(conn, found.id, thread_id)
                if root.thread_id and root.thread_id != root.id:
                    root = self._message(conn, found.id, root.thread_id)
            stamp = to_micros(now)
            while conn.execute(
                "SELECT 1 FROM messages WHERE channel_id = ? AND id = ?", (found.id, _slack_ts(stamp))
            ).fetchone():
                stamp += 1
            message_id = _slack_ts(stamp)
            message = ChatMessage(
                ref=Ref(system=SYSTEM, id=f"{found.id}:{message_id}"),
                id=message_id,
                channel_id=found.id,
                channel_name=found.name,
                thread_id=root.id if root else None,
                author=BOT,
                text=text,
                created_at=now,
            )
            upsert(conn, indexing.MESSAGES, message)
            if root is not None:
                upsert(conn, indexing.MESSAGES, root.model_copy(update={"reply_count": root.reply_count + 1}))
            return message.ref

        return self._idempotent("chat.post_message", idempotency_key, (channel, text, thread_id), write)

    # -- project tracker -----------------------------------------------------------------------

    async def search_issues(
        self,
        query: str,
        *,
        status: Sequence[IssueStatus] | None = None,
        kind: IssueKind | None = None,
        since: datetime | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[TrackerIssue]:
        """Issues matching free text (title and body), best match first. `since` filters on `updated_at`.

        Raises:
            InvalidQueryError: a filter, limit or cursor is not valid.
        """
        statuses = _choices("status", status, get_args(IssueStatus))
        where: list[str] = []
        params: list[object] = []
        if statuses:
            where.append(f"t.status IN ({', '.join('?' * len(statuses))})")
            params.extend(statuses)
        if kind is not None:
            where.append("t.kind = ?")
            params.append(_choices("kind", (kind,), get_args(IssueKind))[0])
        if since is not None:
            where.append("t.updated_at >= ?")
            params.append(_micros("since", since))
        filters = Filters(where=tuple(where), params=tuple(params))
        fingerprint = query_fingerprint("issues", query, statuses, kind, since)
        return self._find(_ISSUES, indexing.ISSUES, query, filters, fingerprint, limit, cursor)

    async def get_issue(self, key: str) -> TrackerIssue:
        """One issue by key.

        Raises:
            NotFoundError: no issue has this key.
        """
        return self._get(
            indexing.ISSUES,
            key,
            f"no issue {key} in the local workspace; search issues to find the right key",
        )

    async def create_issue(self, draft: IssueDraft, *, idempotency_key: str) -> WriteReceipt:
        """Create an issue with the next free key of its project (``ENG-43`` after ``ENG-42``).

        A second call with the same `idempotency_key` writes nothing and returns the first receipt.

        Raises:
            InvalidQueryError: the project or title is empty, or the key was used for a different write.
        """
        _require_text("project", draft.project)
        _require_text("title", draft.title)
        if "-" in draft.project or any(c.isspace() for c in draft.project):
            raise InvalidQueryError(
                f"project {draft.project!r} is not a project key; use letters and digits like ENG",
                system=SYSTEM,
            )

        def write(conn: sqlite3.Connection) -> Ref:
            now = self._clock()
            number = conn.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM issues WHERE project = ?", (draft.project,)
            ).fetchone()[0]
            while conn.execute(
                "SELECT 1 FROM issues WHERE key = ?", (f"{draft.project}-{number}",)
            ).fetchone():
                number += 1
            key = f"{draft.project}-{number}"
            issue = TrackerIssue(
                ref=Ref(system=SYSTEM, id=key),
                key=key,
                title=draft.title,
                body=draft.body_markdown,
                kind=draft.kind,
                status="open",
                priority=draft.priority,
                project=draft.project,
                labels=draft.labels,
                linked_ticket_ids=draft.linked_ticket_ids,
                linked_account_ids=draft.linked_account_ids,
                created_at=now,
                updated_at=now,
            )
            upsert(conn, indexing.ISSUES, issue)
            return issue.ref

        return self._idempotent("tracker.create_issue", idempotency_key, draft.model_dump(mode="json"), write)

    # -- knowledge base ------------------------------------------------------------------------

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Articles matching free text (title, body and workaround), best match first.

        Raises:
            InvalidQueryError: a filter, limit or cursor is not valid.
        """
        where: tuple[str, ...] = ()
        params: tuple[object, ...] = ()
        if kind is not None:
            where = ("t.kind = ?",)
            params = (_choices("kind", (kind,), get_args(ArticleKind))[0],)
        fingerprint = query_fingerprint("articles", query, kind)
        return self._find(
            _ARTICLES, indexing.ARTICLES, query, Filters(where, params), fingerprint, limit, cursor
        )

    async def get_article(self, article_id: str) -> Article:
        """One article.

        Raises:
            NotFoundError: no article has this id.
        """
        return self._get(
            indexing.ARTICLES,
            article_id,
            f"no article {article_id} in the local workspace; search articles to find the right id",
        )

    # -- internals -----------------------------------------------------------------------------

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._shared.use()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._shared.transaction()

    def _find(
        self,
        index: SearchIndex,
        kind: Kind[M],
        query: str,
        filters: Filters,
        fingerprint: str,
        limit: int,
        cursor: str | None,
    ) -> Page[M]:
        limit = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        phrases = parse_query(query or "")
        with self._db() as conn:
            if cursor:
                offset, ceiling = _position(decode_cursor(cursor, fingerprint, system=SYSTEM))
            else:
                offset = 0
                ceiling = conn.execute(f"SELECT coalesce(max(n), 0) FROM {index.table}").fetchone()[0]
            hits = self._search.search(
                conn, index, phrases, filters, offset=offset, limit=limit, ceiling=ceiling
            )
            items = self._records(conn, kind, hits.rows)
        next_cursor = encode_cursor(fingerprint, [offset + len(items), ceiling]) if hits.more else None
        return Page[M](items=items, next_cursor=next_cursor, total=hits.total)

    @staticmethod
    def _records(conn: sqlite3.Connection, kind: Kind[M], rows: Sequence[int]) -> tuple[M, ...]:
        if not rows:
            return ()
        placeholders = ", ".join("?" * len(rows))
        found = dict(
            conn.execute(f"SELECT n, data FROM {kind.table} WHERE n IN ({placeholders})", tuple(rows))
        )
        return tuple(kind.model.model_validate_json(found[n]) for n in rows if n in found)

    def _get(self, kind: Kind[M], key: str, missing: str) -> M:
        with self._db() as conn:
            return self._read(conn, kind, key, missing)

    @staticmethod
    def _read(conn: sqlite3.Connection, kind: Kind[M], key: str, missing: str) -> M:
        row = conn.execute(
            f"SELECT data FROM {kind.table} WHERE {kind.key_columns[0]} = ?", (key,)
        ).fetchone()
        if row is None:
            raise NotFoundError(missing, system=SYSTEM)
        return kind.model.model_validate_json(row[0])

    @staticmethod
    def _channel(conn: sqlite3.Connection, channel: str) -> Channel:
        wanted = channel.strip().removeprefix("#")
        row = conn.execute(
            "SELECT data FROM channels WHERE id = ? OR name = ? COLLATE NOCASE "
            "ORDER BY id = ? DESC, name = ? DESC LIMIT 1",
            (channel, wanted, channel, wanted),
        ).fetchone()
        if row is None:
            names = [name for (name,) in conn.execute("SELECT name FROM channels ORDER BY name LIMIT 20")]
            known = ", ".join(names) if names else "none"
            raise NotFoundError(
                f"no channel {channel!r} in the local workspace; channels: {known}", system=SYSTEM
            )
        return Channel.model_validate_json(row[0])

    @staticmethod
    def _message(conn: sqlite3.Connection, channel_id: str, message_id: str) -> ChatMessage:
        row = conn.execute(
            "SELECT data FROM messages WHERE channel_id = ? AND id = ?", (channel_id, message_id)
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no message {message_id} in channel {channel_id} of the local workspace", system=SYSTEM
            )
        return ChatMessage.model_validate_json(row[0])

    def _idempotent(
        self, operation: str, key: str, payload: Any, write: Callable[[sqlite3.Connection], Ref]
    ) -> WriteReceipt:
        if not isinstance(key, str) or not key.strip():
            raise InvalidQueryError("idempotency_key must be a non-empty string", system=SYSTEM)
        fingerprint = query_fingerprint(json.dumps(payload, sort_keys=True, default=str))
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT fingerprint, ref FROM writes WHERE operation = ? AND idempotency_key = ?",
                (operation, key),
            ).fetchone()
            if row is not None:
                if row[0] != fingerprint:
                    raise InvalidQueryError(
                        f"idempotency key {key!r} was already used for a different {operation} write; "
                        "use a new key for new content",
                        system=SYSTEM,
                    )
                return WriteReceipt(ref=Ref.model_validate_json(row[1]), created=False)
            ref = write(conn)
            conn.execute(
                "INSERT INTO writes (operation, idempotency_key, fingerprint, ref, created_at) VALUES (?, ?, ?, ?, ?)",
                (operation, key, fingerprint, ref.model_dump_json(), to_micros(self._clock())),
            )
        self._search.forget()
        return WriteReceipt(ref=ref, created=True)


def _load(conn: sqlite3.Connection, dataset: Dataset, *, merge: bool = False) -> None:
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


def missing_workspace(path: Path) -> str:
    """The message for a workspace file that does not exist (and is not created on its own)."""
    folder = "" if path.parent.is_dir() else f" (the folder {path.parent} does not exist either)"
    return (
        f"no workspace at {path}{folder}; check the path, or create one there with "
        f"`customer-escalation workspace init --workspace {path}`"
    )


def _position(position: Any) -> tuple[int, int]:
    if (
        isinstance(position, list)
        and len(position) == 2
        and all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in position)
    ):
        return position[0], position[1]
    raise InvalidQueryError("cursor is not valid; omit it to start over", system=SYSTEM)


def _choices(name: str, values: Sequence[str] | None, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    chosen = tuple(values)
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        raise InvalidQueryError(f"{name} {unknown[0]!r} is not one of: {', '.join(allowed)}", system=SYSTEM)
    return chosen


def _micros(name: str, moment: datetime) -> int:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidQueryError(f"{name} must be a timezone-aware datetime, not {moment!r}", system=SYSTEM)
    return to_micros(moment)


def _require_text(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidQueryError(f"{name} must not be empty", system=SYSTEM)


def _slack_ts(micros: int) -> str:
    """A message id in Slack's ``seconds.microseconds`` form."""
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


__all__ = [
    "BOT",
    "MAX_THREAD_REPLIES",
    "NOTE_AUTHOR",
    "SYSTEM",
    "LocalWorkspace",
    "WorkspaceStats",
    "missing_workspace",
]
