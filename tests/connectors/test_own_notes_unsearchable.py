"""The product's own internal notes (a brief, a customer-update draft) never make a ticket match a
search: the next brief would otherwise find tickets because of what the last one wrote on them.
Runs on the backend the suite runs on (see `tests.backends`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.backends import open_store
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio


async def test_a_ticket_is_not_found_by_the_words_of_a_note_this_product_added(tmp_path: Path) -> None:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        workspace = store.workspace
        assert (await workspace.search_tickets("zanzibar")).items == ()
        await workspace.add_internal_note(
            "101", "ESCALATION: zanzibar outage brief", idempotency_key="k-zanzibar"
        )
        ticket = await workspace.get_ticket("101")
        assert ticket.comments[-1].body == "ESCALATION: zanzibar outage brief"
        assert (await workspace.search_tickets("zanzibar")).items == ()
        # an agent's words on the same ticket still count
        assert [t.id for t in (await workspace.search_tickets("webhook")).items if t.id == "101"] == ["101"]
