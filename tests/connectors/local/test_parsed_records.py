"""Parsed records are kept between reads only while the stored record stays the same: a change made
through another connection (another process, another replica) is what the next read returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from customer_escalation.connectors.local import LocalWorkspace
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
