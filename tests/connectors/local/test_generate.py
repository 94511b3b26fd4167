"""Synthetic benchmark workspaces: counts, valid records, determinism by seed, and atomic writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from customer_escalation.connectors.errors import WorkspaceError
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.generate import generate_workspace
from customer_escalation.connectors.records import Account, Ticket

from ._helpers import NOW

pytestmark = pytest.mark.anyio


def _rows(path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [data for (data,) in conn.execute(f"SELECT data FROM {table} ORDER BY n")]
    finally:
        conn.close()


def test_a_generated_workspace_has_the_requested_counts_and_valid_records(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    result = generate_workspace(
        tmp_path / "g.sqlite", 2_500, seed=3, now=NOW, progress=lambda done, total: seen.append((done, total))
    )
    with LocalWorkspace.open(result.path, create_demo=False) as workspace:
        stats = workspace.stats()
    tickets = [Ticket.model_validate_json(data) for data in _rows(result.path, "tickets")]
    accounts = [Account.model_validate_json(data) for data in _rows(result.path, "accounts")]
    assert (result.tickets, result.accounts) == (2_500, 12)
    assert stats.counts["tickets"] == 2_500
    assert stats.counts["accounts"] == 12
    assert stats.counts["comments"] == result.comments == sum(len(t.comments) for t in tickets)
    assert seen[-1] == (2_500, 2_500)
    assert {t.organization.id for t in tickets if t.organization} <= {a.id for a in accounts}
    assert all(t.created_at <= t.updated_at <= NOW for t in tickets)
    assert all((t.solved_at is not None) == (t.status in ("solved", "closed")) for t in tickets)


def test_the_same_seed_gives_the_same_records_in_one_process_or_two(tmp_path: Path) -> None:
    serial = generate_workspace(tmp_path / "a.sqlite", 1_200, seed=11, now=NOW, parallel=False)
    parallel = generate_workspace(tmp_path / "b.sqlite", 1_200, seed=11, now=NOW, parallel=True)
    other = generate_workspace(tmp_path / "c.sqlite", 1_200, seed=12, now=NOW, parallel=False)
    assert _rows(serial.path, "tickets") == _rows(parallel.path, "tickets")
    assert _rows(serial.path, "accounts") == _rows(parallel.path, "accounts")
    assert _rows(serial.path, "tickets") != _rows(other.path, "tickets")


async def test_generated_tickets_are_searchable_by_text_and_filters(tmp_path: Path) -> None:
    result = generate_workspace(tmp_path / "g.sqlite", 3_000, seed=5, now=NOW)
    with LocalWorkspace.open(result.path, create_demo=False) as workspace:
        webhooks = await workspace.search_tickets("webhook delivery")
        first = webhooks.items[0]
        assert first.organization is not None
        same_org = await workspace.search_tickets("", organization_id=first.organization.id, limit=100)
    in_org = [
        t
        for t in map(Ticket.model_validate_json, _rows(result.path, "tickets"))
        if t.organization == first.organization
    ]
    assert all("webhook" in f"{t.subject} {t.description}".lower() for t in webhooks.items)
    assert same_org.total == len(in_org)
    assert [t.id for t in same_org.items] == [
        t.id for t in sorted(in_org, key=lambda t: (t.updated_at, t.id), reverse=True)
    ][:100]
    assert all(
        t.organization is not None and t.organization.id == first.organization.id for t in same_org.items
    )


def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    path.write_text("keep me")
    with pytest.raises(WorkspaceError, match="already exists"):
        generate_workspace(path, 10, seed=1, now=NOW)
    assert path.read_text() == "keep me"


def test_a_failing_generator_process_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.executable", str(tmp_path / "no-such-python"))
    with pytest.raises((WorkspaceError, OSError)):
        generate_workspace(tmp_path / "g.sqlite", 10, seed=1, now=NOW, parallel=True)
    assert not (tmp_path / "g.sqlite").exists()
