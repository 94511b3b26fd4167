"""A search repeated through the MCP server answers from what the workspace and the views remember, and
never with a record as it was before another process changed it."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.records import Dataset
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio


async def test_a_ticket_changed_by_another_process_shows_its_change_in_the_next_search(
    tmp_path: Path,
) -> None:
    path = tmp_path / "w.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=lambda: NOW).close()
    ticket = CONTRACT_DATASET.tickets[0]
    changed = "urgent" if ticket.priority != "urgent" else "low"
    with (
        LocalWorkspace.open(path, clock=lambda: NOW) as served,
        LocalWorkspace.open(path, clock=lambda: NOW) as other,
    ):
        registry = Registry(support=served, crm=served, chat=served, tracker=served, kb=served)
        server = build_server(registry, policy=load_policy(), clock=lambda: NOW)

        async with Client(server) as client:

            async def priorities() -> dict[str, str]:
                result = await client.call_tool(
                    "support_search_tickets", {"query": ticket.subject, "detail": "full"}
                )
                assert result.is_error is False, result.content
                assert result.structured_content is not None
                return {t["id"]: t.get("priority", "") for t in result.structured_content["tickets"]}

            first = await priorities()
            assert first[ticket.id] == ticket.priority
            assert await priorities() == first  # the same search, answered again
            other.load(Dataset(tickets=(ticket.model_copy(update={"priority": changed}),)))
            after = await priorities()
    assert after == {**first, ticket.id: changed}
