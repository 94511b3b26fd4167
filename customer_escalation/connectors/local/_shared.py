"""One SQLite connection of a workspace file, shared by the threads of a process under a lock."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import WorkspaceError
from . import schema


def open_existing(path: Path) -> sqlite3.Connection:
    """Connect to the workspace file at `path`, migrate it forward and turn on WAL mode.

    Raises:
        WorkspaceError: `path` is a directory, not a workspace, corrupt, or written by a newer version.
    """
    if path.is_dir():
        raise WorkspaceError(f"{path} is a directory, not a workspace file")
    schema.sweep_temporary(path)  # what a process killed while building this file left behind
    conn = schema.connect(path)
    try:
        schema.migrate(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")
        # A commit is on disk when it returns: a write reported done survives a crash or power loss.
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.OperationalError as exc:
        conn.close()
        raise WorkspaceError(f"cannot open workspace {path}: {exc}{schema.access_problem(path)}") from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise WorkspaceError(f"{path} is not a usable workspace file: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn


class SharedConnection:
    """Serialises use of one connection; SQLite errors become `WorkspaceError` naming `what`.

    Args:
        what: how messages name the store, e.g. ``workspace /path/w.sqlite``.
    """

    def __init__(self, conn: sqlite3.Connection, *, what: str) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._what = what
        self._lock = threading.RLock()

    def close(self) -> None:
        """Close the connection; closing twice is harmless."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @contextmanager
    def use(self) -> Iterator[sqlite3.Connection]:
        """The connection, held for the block.

        Raises:
            WorkspaceError: the store is closed, or SQLite failed.
        """
        with self._lock:
            if self._conn is None:
                raise WorkspaceError(f"{self._what} is closed")
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise WorkspaceError(f"{self._what}: {exc}") from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one write transaction, rolled back if the block raises."""
        with self.use() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")


__all__ = ["SharedConnection", "open_existing"]
