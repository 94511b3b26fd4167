"""Search with text as people type and paste it: fullwidth and other compatibility forms (NFKC)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from customer_escalation.connectors.local import LocalWorkspace, indexing, schema
from customer_escalation.connectors.records import Account, Dataset, Person, Ref, Ticket

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _ticket(ticket_id: str, subject: str) -> Ticket:
    return Ticket(
        ref=Ref(system="local", id=ticket_id),
        id=ticket_id,
        subject=subject,
        description="The batch endpoint answers 500.",
        status="open",
        requester=Person(name="Priya", role="customer"),
        created_at=NOW,
        updated_at=NOW,
    )


DATASET = Dataset(
    accounts=(Account(ref=Ref(system="local", id="acme"), id="acme", name="Acme Corp"),),
    tickets=(
        _ticket("1", "Acme exports failing"),
        _ticket("2", "ｆｕｌｌｗｉｄｔｈ Ｇｌｏｂｅｘ report ﬁle"),
    ),
)


async def test_fullwidth_queries_find_plain_text_and_plain_queries_find_fullwidth_text(
    tmp_path: Path,
) -> None:
    with LocalWorkspace.create(tmp_path / "ws.sqlite", DATASET) as workspace:
        assert [a.id for a in (await workspace.search_accounts("Ａｃｍｅ")).items] == ["acme"]
        assert [t.id for t in (await workspace.search_tickets("Ａｃｍｅ　ｅｘｐｏｒｔｓ")).items] == ["1"]
        assert [t.id for t in (await workspace.search_tickets("globex file")).items] == ["2"]


async def test_a_workspace_indexed_before_normalisation_is_reindexed_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite"
    # Written as the previous version did: its text indexed as it was, at schema version 2.
    monkeypatch.setattr(indexing, "searchable", lambda text: text)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
    LocalWorkspace.create(path, DATASET).close()
    monkeypatch.undo()

    with LocalWorkspace.open(path, create_demo=False) as workspace:
        assert workspace.stats().schema_version == len(schema.MIGRATIONS)
        assert [t.id for t in (await workspace.search_tickets("globex")).items] == ["2"]
        workspace.load(Dataset(tickets=(_ticket("2", "Renamed"),)))  # replaying the old text must match
        assert (await workspace.search_tickets("globex")).items == ()
        assert [t.id for t in (await workspace.search_tickets("renamed")).items] == ["2"]
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('integrity-check', 0)")
    finally:
        conn.close()
