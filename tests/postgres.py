"""The PostgreSQL server the tests of the PostgreSQL backend use.

`CUSTOMER_ESCALATION_DATABASE_URL` names it (`scripts/postgres.sh start` prints one; `.ci/run` sets
it). The URL is read when this module is imported, before the test-wide fixture clears the
environment. Each test gets a schema of its own in that database, dropped afterwards, so tests never
see each other's rows; a test is skipped, saying why, only when no server can be reached.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from urllib.parse import quote

import psycopg
import pytest

DATABASE_URL = os.environ.get("CUSTOMER_ESCALATION_DATABASE_URL", "")


@cache
def _unreachable() -> str | None:
    """Why the server cannot be used, or None when it can."""
    if not DATABASE_URL:
        return (
            "no PostgreSQL server: CUSTOMER_ESCALATION_DATABASE_URL is not set "
            "(start one with `scripts/postgres.sh start` and export the URL it prints)"
        )
    try:
        with psycopg.connect(DATABASE_URL, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"no PostgreSQL server reachable at CUSTOMER_ESCALATION_DATABASE_URL: {exc}"
    return None


def require_server() -> str:
    """The server's URL; skips the calling test when there is none."""
    reason = _unreachable()
    if reason is not None:
        pytest.skip(reason)
    return DATABASE_URL


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A URL whose connections use a new, empty schema (dropped on exit); skips without a server."""
    url = require_server()
    name = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={name}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture
def database_url() -> Iterator[str]:
    """A URL of a fresh schema on the test server."""
    with fresh_schema() as url:
        yield url
