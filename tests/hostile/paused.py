"""Run one `customer-escalation` command in this process and stop it in the middle of a write, so that
the test that started it can kill it there (SIGKILL) and look at what is left on disk.

    python -m tests.hostile.paused --pause-at commit --min-changes 100 -- workspace import ...
    python -m tests.hostile.paused --pause-at record -- brief "..." --post-to C100 --execute

``commit``: just before SQLite commits the first write transaction (on any connection to the workspace
file) that has changed at least `--min-changes` rows: every row of it written, none committed.
``record``: after a connector wrote, before the escalation history records how the write ended.

When it stops it prints `PAUSED_MARKER` on stdout and waits for stdin to close; it never goes on (if
the test dies instead of killing it, it exits without committing).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from typing import Any

from customer_escalation.connectors.local import history_store, schema
from customer_escalation.skill.cli import main as cli_main

PAUSED_MARKER = "hostile-test: paused mid-write"


def _stop_here() -> None:
    print(PAUSED_MARKER, flush=True)
    sys.stdin.read()
    os._exit(3)


def _pause_before_commit(min_changes: int) -> None:
    connect = schema.connect

    def paused_connect(path: Any) -> sqlite3.Connection:
        conn = connect(path)

        def before(statement: str) -> None:
            if statement.lstrip().upper().startswith("COMMIT") and conn.total_changes >= min_changes:
                _stop_here()

        conn.set_trace_callback(before)
        return conn

    schema.connect = paused_connect


def _pause_before_record() -> None:
    complete = history_store.SqliteHistoryStore.complete

    def paused_complete(self: history_store.SqliteHistoryStore, *args: Any, **kwargs: Any) -> Any:
        _stop_here()
        return complete(self, *args, **kwargs)

    history_store.SqliteHistoryStore.complete = paused_complete  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pause-at", choices=("commit", "record"), required=True)
    parser.add_argument("--min-changes", type=int, default=1)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.pause_at == "commit":
        _pause_before_commit(args.min_changes)
    else:
        _pause_before_record()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    return cli_main(command)


if __name__ == "__main__":
    sys.exit(main())
