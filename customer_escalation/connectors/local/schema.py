"""The workspace file: its format, the migrations between versions, and how a new one is written.

A workspace is one SQLite file marked with `APPLICATION_ID`; its schema version is `PRAGMA user_version`.
`MIGRATIONS[i]` takes a file from version ``i`` to ``i + 1``, so the current version is
``len(MIGRATIONS)``. To change the schema, append a function decorated with `@migration`; never edit
one that has shipped. Each migration runs in its own transaction together with the version bump.

Every record is stored whole as JSON (`data`) next to the few columns that filters and ordering need.
Full-text indexes are FTS5 tables without content of their own (``content=''``): they hold only the
index, and rows are removed by replaying the text that was indexed (see `search_text`). Their rowid is
the `n` of the record they index. Times are stored as integer microseconds since the Unix epoch, UTC.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..errors import WorkspaceError, WorkspaceExistsError

APPLICATION_ID = 0x43457363
"""Marks a SQLite file as a customer-escalation workspace (``PRAGMA application_id``; "CEsc")."""

TOKENIZER = "porter unicode61 remove_diacritics 2"
"""Stemming (so "errors" finds "error") over Unicode word boundaries, accents folded."""

PRIVATE_MODE = 0o600
"""Workspace files hold customer data: readable and writable by their owner only."""
TEMPORARY_SUFFIX = ".tmp"

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def migration(function: Migration) -> Migration:
    """Register `function` as the next schema version."""
    MIGRATIONS.append(function)
    return function


@migration
def m001_records_and_search(conn: sqlite3.Connection) -> None:
    """Records of the five categories, their full-text indexes and the idempotent-writes log."""
    fts = f"content='', tokenize='{TOKENIZER}'"
    statements = (
        "CREATE TABLE accounts (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL)",
        f"CREATE VIRTUAL TABLE accounts_fts USING fts5(name, domains, {fts})",
        """CREATE TABLE opportunities (
            n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL,
            is_open INTEGER NOT NULL, close_date TEXT, data TEXT NOT NULL)""",
        "CREATE INDEX opportunities_by_account ON opportunities (account_id)",
        """CREATE TABLE tickets (
            n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL,
            organization_id TEXT, updated_at INTEGER NOT NULL, comment_count INTEGER NOT NULL,
            data TEXT NOT NULL)""",
        "CREATE INDEX tickets_by_update ON tickets (updated_at, id)",
        "CREATE INDEX tickets_by_organization ON tickets (organization_id, updated_at, id)",
        "CREATE INDEX tickets_by_status ON tickets (status, updated_at, id)",
        # `scope` holds filter tokens (the organization), so a filtered search is one index lookup.
        f"CREATE VIRTUAL TABLE tickets_fts USING fts5(subject, body, scope, {fts})",
        "CREATE TABLE channels (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, data TEXT NOT NULL)",
        "CREATE INDEX channels_by_name ON channels (name)",
        """CREATE TABLE messages (
            n INTEGER PRIMARY KEY, channel_id TEXT NOT NULL, id TEXT NOT NULL, thread_id TEXT,
            created_at INTEGER NOT NULL, data TEXT NOT NULL, UNIQUE (channel_id, id))""",
        "CREATE INDEX messages_by_thread ON messages (channel_id, thread_id, created_at)",
        f"CREATE VIRTUAL TABLE messages_fts USING fts5(text, {fts})",
        """CREATE TABLE issues (
            n INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, project TEXT, number INTEGER,
            status TEXT NOT NULL, kind TEXT NOT NULL, updated_at INTEGER NOT NULL, data TEXT NOT NULL)""",
        "CREATE INDEX issues_by_project ON issues (project, number)",
        f"CREATE VIRTUAL TABLE issues_fts USING fts5(title, body, {fts})",
        """CREATE TABLE articles (
            n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
            updated_at INTEGER NOT NULL, data TEXT NOT NULL)""",
        f"CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, {fts})",
        """CREATE TABLE writes (
            operation TEXT NOT NULL, idempotency_key TEXT NOT NULL, fingerprint TEXT NOT NULL,
            ref TEXT NOT NULL, created_at INTEGER NOT NULL,
            PRIMARY KEY (operation, idempotency_key)) WITHOUT ROWID""",
    )
    for statement in statements:
        conn.execute(statement)


@migration
def m002_escalation_history(conn: sqlite3.Connection) -> None:
    """The escalation history: briefs, the state and log of their actions, and follow-up reminders."""
    statements = (
        """CREATE TABLE IF NOT EXISTS escalations (
            n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, fingerprint TEXT NOT NULL,
            status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
            account_ids TEXT NOT NULL, ticket_ids TEXT NOT NULL, data TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS escalations_by_fingerprint ON escalations (fingerprint, status)",
        "CREATE INDEX IF NOT EXISTS escalations_by_update ON escalations (updated_at)",
        # One row per idempotency key: the claim that makes a repeated action write at most once.
        """CREATE TABLE IF NOT EXISTS actions (
            idempotency_key TEXT PRIMARY KEY, escalation_id TEXT NOT NULL, kind TEXT NOT NULL,
            target TEXT NOT NULL, state TEXT NOT NULL, claimed_by TEXT, claimed_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL, updated_at INTEGER NOT NULL, data TEXT NOT NULL) WITHOUT ROWID""",
        "CREATE INDEX IF NOT EXISTS actions_by_escalation ON actions (escalation_id)",
        """CREATE TABLE IF NOT EXISTS action_events (
            n INTEGER PRIMARY KEY, escalation_id TEXT NOT NULL, idempotency_key TEXT NOT NULL,
            at INTEGER NOT NULL, data TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS action_events_by_escalation ON action_events (escalation_id, n)",
        "CREATE INDEX IF NOT EXISTS action_events_by_time ON action_events (at)",
        """CREATE TABLE IF NOT EXISTS followups (
            n INTEGER PRIMARY KEY, escalation_id TEXT NOT NULL, idempotency_key TEXT NOT NULL,
            kind TEXT NOT NULL, due_at INTEGER NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL,
            UNIQUE (idempotency_key, kind))""",
        "CREATE INDEX IF NOT EXISTS followups_by_due ON followups (status, due_at)",
        "CREATE INDEX IF NOT EXISTS followups_by_escalation ON followups (escalation_id)",
    )
    for statement in statements:
        conn.execute(statement)


@migration
def m003_nfkc_search_text(conn: sqlite3.Connection) -> None:
    """Full-text indexes hold NFKC-normalised text (fullwidth letters, ligatures... in plain form)."""
    from .indexing import normalize_search_text

    normalize_search_text(conn)


@migration
def m004_assessments(conn: sqlite3.Connection) -> None:
    """Assessments kept by id, so that a brief composed later rests on the very assessment it names."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS assessments (n INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, "
        "data TEXT NOT NULL)"
    )


@migration
def m005_previews(conn: sqlite3.Connection) -> None:
    """The card's previews, by a digest of their token, so that any server sharing the history can
    execute a preview another one showed."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS previews (digest TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, "
        "plan TEXT NOT NULL)"
    )


def connect(path: Path) -> sqlite3.Connection:
    """Open `path` (which must exist) in autocommit mode; callers open transactions explicitly.

    Raises:
        WorkspaceError: the file cannot be opened.
    """
    try:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    except sqlite3.Error as exc:
        raise WorkspaceError(f"cannot open workspace {path}: {exc}{access_problem(path)}") from exc
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def schema_version(conn: sqlite3.Connection, path: Path) -> int:
    """The version of a workspace file, after checking that it is one.

    Raises:
        WorkspaceError: the file is not SQLite, or not a customer-escalation workspace.
    """
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise WorkspaceError(f"cannot open workspace {path}: {exc}{access_problem(path)}") from exc
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(
            f"{path} is not a workspace file (not a readable SQLite database: {exc})"
        ) from exc
    if application_id != APPLICATION_ID:
        raise WorkspaceError(
            f"{path} is not a customer-escalation workspace (it is another kind of file or SQLite database)"
        )
    return int(version)


def access_problem(path: Path) -> str:
    """Why the file at `path` cannot be used for lack of permissions, as ``; <reason>``, or ""."""
    if path.exists() and not os.access(path, os.R_OK):
        return f"; you have no permission to read {path}"
    if path.exists() and not os.access(path, os.W_OK):
        return f"; {path} is read-only (the workspace is written to: make it writable)"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return (
            f"; its folder {path.parent} is not writable, and SQLite keeps the workspace's write-ahead "
            "log next to the file: make the folder writable or move the file"
        )
    return ""


def initialize(conn: sqlite3.Connection, migrations: Sequence[Migration] | None = None) -> None:
    """Turn an empty database into a workspace of the current version (`MIGRATIONS` by default)."""
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _apply(conn, 0, MIGRATIONS if migrations is None else migrations)


def migrate(conn: sqlite3.Connection, path: Path, migrations: Sequence[Migration] | None = None) -> int:
    """Bring an existing workspace up to the current version (`MIGRATIONS` by default); returns the
    version it had.

    Raises:
        WorkspaceError: the file is not a workspace, or was written by a newer version of this program.
    """
    migrations = MIGRATIONS if migrations is None else migrations
    version = schema_version(conn, path)
    if version > len(migrations):
        raise WorkspaceError(
            f"{path} has workspace schema version {version}, but this version of customer-escalation "
            f"reads versions up to {len(migrations)}; upgrade customer-escalation to open it"
        )
    if version < len(migrations):
        _apply(conn, version, migrations)
    return version


def create_file(
    path: Path, fill: Callable[[sqlite3.Connection], None], *, bulk: bool = False, replace: bool = False
) -> None:
    """Write a new workspace at `path`: build it in a temporary file beside it, then publish it.

    Publishing happens under a lock on the folder, so of several processes
    creating the same workspace at once exactly one publishes and the others get `WorkspaceExistsError`
    (then open the file that won). Without `replace`, an existing `path` is never touched. The file and
    its journals are readable by the owner only.

    Args:
        fill: adds the records, on an autocommit connection to the new file.
        bulk: skip the rollback journal and syncing while filling, for large generated files (a failure
            discards the temporary file anyway).
        replace: replace an existing file at `path` (``--force``); its write-ahead log is folded in and
            removed first.

    Raises:
        WorkspaceExistsError: `path` exists and `replace` is False.
        WorkspaceError: the file cannot be written.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_temporary(path)
        if path.exists() and not replace:
            raise WorkspaceExistsError(f"{path} already exists; refusing to replace it")
        # Created here, owner-only, so SQLite (which gives journals the database's mode) never widens it.
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE))
        conn = sqlite3.connect(temporary, isolation_level=None)
        try:
            if bulk:
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("PRAGMA synchronous = OFF")
                conn.execute("PRAGMA cache_size = -65536")
            initialize(conn)
            fill(conn)
            refresh_statistics(conn)
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        with _creation_lock(path):
            if not replace:
                if path.exists():
                    raise WorkspaceExistsError(f"{path} already exists; refusing to replace it")
                # No database, so no process has these open: they are left over from a deleted file.
                for suffix in ("-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                _publish_new(temporary, path)
            else:
                _release_journal(path)
                os.replace(temporary, path)
            _sync_folder(path.parent)
    except FileExistsError as exc:
        raise WorkspaceExistsError(f"{path} already exists; refusing to replace it") from exc
    except (OSError, sqlite3.Error) as exc:
        raise WorkspaceError(
            f"cannot create workspace {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from exc
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)


def _publish_new(temporary: Path, path: Path) -> None:
    """Give `temporary` the name `path`, which must not exist: a hard link fails rather than replace a
    file. Where links are not supported, a rename does it (every creator holds the folder lock and has
    just seen that `path` does not exist)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        os.replace(temporary, path)


def sweep_temporary(path: Path) -> list[Path]:
    """Remove the temporary files that processes which have died left while building `path`.

    A temporary file is named ``.<name>.<pid>-<random>.tmp``; it is removed (with its journals) when no
    process with that pid is running. Returns what was removed.
    """
    removed: list[Path] = []
    prefix = f".{path.name}."
    with contextlib.suppress(OSError):
        for candidate in path.parent.iterdir():
            name = candidate.name
            if not name.startswith(prefix) or not name.endswith(TEMPORARY_SUFFIX):
                continue
            pid_text = name[len(prefix) : -len(TEMPORARY_SUFFIX)].partition("-")[0]
            if not pid_text.isdigit() or _running(int(pid_text)):
                continue
            for suffix in ("", "-journal", "-wal", "-shm"):
                leftover = Path(f"{candidate}{suffix}")
                with contextlib.suppress(OSError):
                    leftover.unlink()
                    removed.append(leftover)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


@contextlib.contextmanager
def _creation_lock(path: Path) -> Iterator[None]:
    """Held while a workspace file is published in the folder of `path` (and stale journals removed).

    The lock is an advisory ``flock`` on the folder itself, so no lock file is left behind.
    """
    handle = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def refresh_statistics(conn: sqlite3.Connection) -> None:
    """Sample the tables for the query planner (``ANALYZE`` on at most 1,000 rows per index).

    Without statistics SQLite may list one organization's tickets through the status index and read
    a large part of the table; with them it picks the organization index.
    """
    conn.execute("PRAGMA analysis_limit = 1000")
    conn.execute("ANALYZE")


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _release_journal(path: Path) -> None:
    """Fold and remove the write-ahead log of the file about to be replaced, so it never meets the new one."""
    wal = Path(f"{path}-wal")
    if wal.exists():
        with contextlib.suppress(sqlite3.Error):
            old = sqlite3.connect(path)
            try:
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                old.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _apply(conn: sqlite3.Connection, version: int, migrations: Sequence[Migration]) -> None:
    for number in range(version, len(migrations)):
        conn.execute("BEGIN IMMEDIATE")
        try:
            migrations[number](conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


__all__ = [
    "APPLICATION_ID",
    "MIGRATIONS",
    "PRIVATE_MODE",
    "TEMPORARY_SUFFIX",
    "TOKENIZER",
    "Migration",
    "access_problem",
    "connect",
    "create_file",
    "initialize",
    "migrate",
    "migration",
    "refresh_statistics",
    "schema_version",
    "sweep_temporary",
]
