"""Parsed records are kept between reads only while the stored record stays the same: a change made
through another connection (another process, another replica) is what the next read returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.indexing import TICKETS
from customer_escalation.connectors.local.parsed import ParsedRecords
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio


async def test_a_ticket_changed_by_another_connection_is_read_as_stored(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=lambda: NOW).close()
    with (
        LocalWorkspace.open(path, create_demo=False) as reader,
        LocalWorkspace.open(path, create_demo=False) as writer,
    ):
        before = await reader.get_ticket("101")
        again = await reader.get_ticket("101")
        found = (await reader.search_tickets("webhook")).items
        assert again == before and any(t == before for t in found)
        await writer.add_internal_note("101", "checked the delivery logs", idempotency_key="k-1")
        after = await reader.get_ticket("101")
        searched = next(t for t in (await reader.search_tickets("webhook")).items if t.id == "101")
    assert len(after.comments) == len(before.comments) + 1
    assert after.comments[-1].body == "checked the delivery logs"
    assert searched == after


def test_the_kept_records_stay_within_their_budget_of_stored_json() -> None:
    tickets = [t.model_dump_json() for t in CONTRACT_DATASET.tickets[:3]]
    kept = ParsedRecords(budget=len(tickets[0]) + len(tickets[1]))
    first = kept.parse(TICKETS, 1, tickets[0])
    assert kept.parse(TICKETS, 1, tickets[0]) is first  # kept: not parsed again
    kept.parse(TICKETS, 2, tickets[1])
    kept.parse(TICKETS, 3, tickets[2])  # over the budget: the least recently read goes
    again = kept.parse(TICKETS, 1, tickets[0])
    assert again == first and again is not first
    changed = kept.parse(TICKETS, 1, tickets[1])  # another JSON at the same number is parsed anew
    assert changed.id == CONTRACT_DATASET.tickets[1].id
