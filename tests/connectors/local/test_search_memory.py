"""A workspace remembers the pages its searches found, and never answers from memory once the file has
changed: after its own write, or after another connection (another process, another replica of the
server) committed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio

WORD = "quokkaflux"
"""A word no ticket holds until a test writes it."""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    file = tmp_path / "w.sqlite"
    LocalWorkspace.create(file, CONTRACT_DATASET, clock=lambda: NOW).close()
    return file


async def _ids(workspace: LocalWorkspace, query: str) -> list[str]:
    page = await workspace.search_tickets(
        query, status=None, since=None, organization_id=None, limit=10, cursor=None
    )
    return [t.id for t in page.items]


def _renamed(subject: str) -> Dataset:
    """The contract dataset's first ticket with a new subject (the same ticket, changed in place)."""
    ticket = CONTRACT_DATASET.tickets[0]
    return Dataset(tickets=(ticket.model_copy(update={"subject": subject}),))


async def test_a_change_committed_by_another_connection_is_found_by_the_next_search(path: Path) -> None:
    with (
        LocalWorkspace.open(path, clock=lambda: NOW) as server,
        LocalWorkspace.open(path, clock=lambda: NOW) as other,
    ):
        assert await _ids(server, WORD) == []
        assert await _ids(server, WORD) == []  # now remembered
        other.load(_renamed(f"Webhooks fail with {WORD}"))  # in place: no new record number
        assert await _ids(server, WORD) == [CONTRACT_DATASET.tickets[0].id]

        other.load(_renamed("Webhooks fail again"))
        assert await _ids(server, WORD) == []


async def test_a_change_written_on_the_same_connection_is_found_by_the_next_search(path: Path) -> None:
    with LocalWorkspace.open(path, clock=lambda: NOW) as workspace:
        assert await _ids(workspace, WORD) == []
        workspace.load(_renamed(f"Exports stall on {WORD}"))
        assert await _ids(workspace, WORD) == [CONTRACT_DATASET.tickets[0].id]


async def test_a_repeated_search_and_its_next_page_agree_with_a_fresh_workspace(path: Path) -> None:
    query = "webhook export error"
    with LocalWorkspace.open(path, clock=lambda: NOW) as fresh:
        expected = await fresh.search_tickets(
            query, status=None, since=None, organization_id=None, limit=3, cursor=None
        )
        expected_next = await fresh.search_tickets(
            query, status=None, since=None, organization_id=None, limit=3, cursor=expected.next_cursor
        )
    with LocalWorkspace.open(path, clock=lambda: NOW) as workspace:
        for _ in range(3):
            first = await workspace.search_tickets(
                query, status=None, since=None, organization_id=None, limit=3, cursor=None
            )
            second = await workspace.search_tickets(
                query, status=None, since=None, organization_id=None, limit=3, cursor=first.next_cursor
            )
            assert first == expected
            assert second == expected_next


async def test_a_record_changed_in_place_is_read_again_though_the_same_page_matches(path: Path) -> None:
    ticket = CONTRACT_DATASET.tickets[0]
    with (
        LocalWorkspace.open(path, clock=lambda: NOW) as server,
        LocalWorkspace.open(path, clock=lambda: NOW) as other,
    ):
        query = ticket.subject
        before = await server.search_tickets(
            query, status=None, since=None, organization_id=None, limit=10, cursor=None
        )
        assert ticket.id in [t.id for t in before.items]
        changed = "urgent" if ticket.priority != "urgent" else "low"
        other.load(Dataset(tickets=(ticket.model_copy(update={"priority": changed}),)))
        after = await server.search_tickets(
            query, status=None, since=None, organization_id=None, limit=10, cursor=None
        )
        assert [t.id for t in after.items] == [t.id for t in before.items]
        assert next(t for t in after.items if t.id == ticket.id).priority == changed
