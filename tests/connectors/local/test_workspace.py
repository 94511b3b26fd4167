"""The local workspace file: creating, opening, migrating, refusing bad files, and writing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from customer_escalation.connectors.base import IssueDraft
from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError, WorkspaceError
from customer_escalation.connectors.local import LocalWorkspace, schema
from customer_escalation.connectors.local.generate import generate_workspace
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import CONTRACT_DATASET, THREAD_ROOT

from ._helpers import NOW, clock, message, ticket

pytestmark = pytest.mark.anyio


@pytest.fixture
def workspace(tmp_path: Path) -> LocalWorkspace:
    return LocalWorkspace.create(tmp_path / "ws.sqlite", CONTRACT_DATASET, clock=clock)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_create_writes_every_record_and_reports_counts(workspace: LocalWorkspace) -> None:
    stats = workspace.stats()
    workspace.close()
    assert stats.schema_version == len(schema.MIGRATIONS)
    assert dict(stats.counts) == {
        "accounts": 3,
        "opportunities": 2,
        "tickets": 6,
        "comments": 2,
        "channels": 2,
        "messages": 5,
        "issues": 3,
        "articles": 3,
    }
    assert stats.size_bytes > 0


def test_a_workspace_is_in_wal_mode_and_marked_as_ours(workspace: LocalWorkspace) -> None:
    path = workspace.path
    workspace.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    finally:
        conn.close()


def test_create_refuses_an_existing_file_without_force(workspace: LocalWorkspace) -> None:
    workspace.close()
    with pytest.raises(WorkspaceError, match="already exists"):
        LocalWorkspace.create(workspace.path, Dataset())


def test_force_replaces_the_file_and_leaves_no_temporary_files(
    tmp_path: Path, workspace: LocalWorkspace
) -> None:
    workspace.close()
    replaced = LocalWorkspace.create(
        workspace.path, Dataset(tickets=(ticket("7", "Fresh start"),)), force=True
    )
    with replaced:
        assert replaced.stats().counts["tickets"] == 1
    assert _leftovers(tmp_path) == []


def test_a_failed_replacement_keeps_the_old_file_whole(tmp_path: Path, workspace: LocalWorkspace) -> None:
    workspace.close()

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate_workspace(
            workspace.path, 3_000, seed=1, now=NOW, progress=interrupt, force=True, parallel=False
        )
    with LocalWorkspace.open(workspace.path, create_demo=False) as reopened:
        assert reopened.stats().counts["tickets"] == 6
    assert _leftovers(tmp_path) == []


def test_open_creates_the_demo_company_once(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "ws.sqlite"
    with LocalWorkspace.open(path, clock=clock) as first:
        assert first.created_demo is True
        assert first.stats().counts["tickets"] > 0
    with LocalWorkspace.open(path, clock=clock) as second:
        assert second.created_demo is False


def test_open_without_demo_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match=r"no workspace at .*missing\.sqlite"):
        LocalWorkspace.open(tmp_path / "missing.sqlite", create_demo=False)


@pytest.mark.parametrize(
    "content", [b"this is not a database at all" * 200, b"", b"SQLite format 3\x00" + b"\x01" * 200]
)
def test_a_file_that_is_not_a_workspace_is_refused_with_its_name(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.sqlite"
    path.write_bytes(content)
    with pytest.raises(WorkspaceError, match=r"odd\.sqlite"):
        LocalWorkspace.open(path)
    assert path.read_bytes() == content


def test_another_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(WorkspaceError, match=r"other\.db is not a customer-escalation workspace"):
        LocalWorkspace.open(path)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="directory"):
        LocalWorkspace.open(tmp_path)


def test_a_newer_schema_version_is_refused_naming_both_versions(workspace: LocalWorkspace) -> None:
    workspace.close()
    conn = sqlite3.connect(workspace.path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    current = len(schema.MIGRATIONS)
    with pytest.raises(WorkspaceError, match=rf"ws\.sqlite has workspace schema version 99.*up to {current}"):
        LocalWorkspace.open(workspace.path)


def test_an_older_workspace_is_migrated_forward_on_open(
    workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.close()

    def later_feature(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE later_feature (id TEXT PRIMARY KEY)")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, later_feature])
    with LocalWorkspace.open(workspace.path, create_demo=False) as migrated:
        assert migrated.stats().schema_version == len(schema.MIGRATIONS)
        assert migrated.stats().counts["tickets"] == 6
    conn = sqlite3.connect(workspace.path)
    try:
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'later_feature'").fetchone()
    finally:
        conn.close()


def test_a_failing_migration_leaves_the_file_at_its_old_version(
    workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (id TEXT)")
        raise RuntimeError("boom")

    current = len(schema.MIGRATIONS)
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    with pytest.raises(RuntimeError):
        LocalWorkspace.open(workspace.path, create_demo=False)
    conn = sqlite3.connect(workspace.path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchone() is None
    finally:
        conn.close()


async def test_a_closed_workspace_raises_instead_of_answering(workspace: LocalWorkspace) -> None:
    await workspace.aclose()
    await workspace.aclose()
    with pytest.raises(WorkspaceError, match="closed"):
        await workspace.get_ticket("101")


async def test_load_replaces_records_with_the_same_id_and_keeps_search_in_step(
    workspace: LocalWorkspace,
) -> None:
    with workspace:
        workspace.load(Dataset(tickets=(ticket("101", "Renamed subject", "nothing about deliveries"),)))
        renamed = await workspace.get_ticket("101")
        old_words = await workspace.search_tickets("CANARY_QUARTZ_FALCON")
        new_words = await workspace.search_tickets("renamed")
        assert workspace.stats().counts["tickets"] == 6
    assert renamed.subject == "Renamed subject"
    assert old_words.items == ()
    assert [t.id for t in new_words.items] == ["101"]


async def test_not_found_messages_say_what_to_do(workspace: LocalWorkspace) -> None:
    with workspace, pytest.raises(NotFoundError, match=r"no ticket 9912 in the local workspace; search"):
        await workspace.get_ticket("9912")


async def test_opportunities_of_an_unknown_account_raise_not_found(workspace: LocalWorkspace) -> None:
    with workspace, pytest.raises(NotFoundError, match="no account"):
        await workspace.list_opportunities("nobody")


async def test_an_internal_note_is_appended_as_a_private_comment(workspace: LocalWorkspace) -> None:
    with workspace:
        receipt = await workspace.add_internal_note("101", "Escalated to ENG-42.", idempotency_key="n-1")
        updated = await workspace.get_ticket("101")
        found = await workspace.search_tickets("escalated")
    note = updated.comments[-1]
    assert receipt.ref.id == note.id == "101-3"
    assert note.public is False
    assert note.author.role == "internal"
    assert updated.updated_at == NOW
    assert found.items == ()  # the product's own notes never make a ticket match a search


async def test_reusing_an_idempotency_key_for_other_content_is_refused(workspace: LocalWorkspace) -> None:
    with workspace:
        await workspace.add_internal_note("101", "first", idempotency_key="n-1")
        with pytest.raises(InvalidQueryError, match="already used"):
            await workspace.add_internal_note("101", "second", idempotency_key="n-1")
        ticket_after = await workspace.get_ticket("101")
    assert [c.body for c in ticket_after.comments].count("first") == 1
    assert "second" not in [c.body for c in ticket_after.comments]


@pytest.mark.parametrize("key", ["", "   "])
async def test_a_write_needs_an_idempotency_key(workspace: LocalWorkspace, key: str) -> None:
    with workspace, pytest.raises(InvalidQueryError):
        await workspace.add_internal_note("101", "note", idempotency_key=key)


async def test_a_reply_joins_its_thread_and_counts_on_the_root(workspace: LocalWorkspace) -> None:
    with workspace:
        receipt = await workspace.post_message(
            "C100", "Fix deployed.", thread_id=THREAD_ROOT.id, idempotency_key="m-1"
        )
        thread = await workspace.get_thread("C100", THREAD_ROOT.id)
    assert thread.replies[-1].text == "Fix deployed."
    assert thread.replies[-1].ref.id == receipt.ref.id
    assert thread.root.reply_count == 3
    assert receipt.ref.id.startswith("C100:")


async def test_messages_posted_in_the_same_instant_get_distinct_ids(workspace: LocalWorkspace) -> None:
    with workspace:
        first = await workspace.post_message("support-escalations", "one", idempotency_key="a")
        second = await workspace.post_message("support-escalations", "two", idempotency_key="b")
    assert first.ref.id != second.ref.id


async def test_a_reply_to_an_unknown_thread_raises_not_found(workspace: LocalWorkspace) -> None:
    with workspace, pytest.raises(NotFoundError):
        await workspace.post_message("C100", "hello", thread_id="1.000000", idempotency_key="m-2")


async def test_get_thread_from_a_reply_returns_the_whole_thread(tmp_path: Path) -> None:
    dataset = Dataset(
        messages=(
            message("C1", "ops", "1.000001", "root"),
            message("C1", "ops", "1.000002", "reply", thread="1.000001"),
        )
    )
    with LocalWorkspace.create(tmp_path / "ws.sqlite", dataset) as workspace:
        thread = await workspace.get_thread("C1", "1.000002")
    assert thread.root.text == "root"
    assert [r.text for r in thread.replies] == ["reply"]


async def test_new_issues_take_the_next_free_number_of_their_project(workspace: LocalWorkspace) -> None:
    with workspace:
        first = await workspace.create_issue(
            IssueDraft(project="ENG", title="One", body_markdown="x"), idempotency_key="i-1"
        )
        second = await workspace.create_issue(
            IssueDraft(project="ENG", title="Two", body_markdown="y"), idempotency_key="i-2"
        )
        other = await workspace.create_issue(
            IssueDraft(project="OPS", title="Three", body_markdown="z"), idempotency_key="i-3"
        )
        created = await workspace.get_issue(first.ref.id)
    assert (first.ref.id, second.ref.id, other.ref.id) == ("ENG-43", "ENG-44", "OPS-1")
    assert created.status == "open"
    assert created.created_at == NOW


async def test_an_issue_project_must_be_a_key(workspace: LocalWorkspace) -> None:
    with workspace, pytest.raises(InvalidQueryError, match="project"):
        await workspace.create_issue(
            IssueDraft(project="ENG-1", title="x", body_markdown="y"), idempotency_key="i"
        )
