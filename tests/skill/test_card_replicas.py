"""The card's previews are kept in the history the servers share: a preview shown by one server (one
replica behind a load balancer, or a process since restarted) is executed by another, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.records import EscalationEntry
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.backends import Store, open_store
from tests.card.world import RULES, escalation_case
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio


@dataclass
class Replicas:
    store: Store
    entry: EscalationEntry
    first: Client
    second: Client

    async def preview(self, step: str) -> dict[str, Any]:
        """The first server's preview of `step`; the token that executes it."""
        shown = await self.first.call_tool(
            "escalation_step_preview", {"escalation_id": self.entry.id, "step": step}
        )
        assert shown.structured_content is not None, shown.content
        return shown.structured_content


def _server(store: Store, history: Any) -> Any:
    ws = store.workspace
    registry = Registry(support=ws, crm=ws, chat=ws, tracker=ws, kb=ws)
    return build_server(registry, policy=load_policy(), clock=lambda: NOW, history=history, writes=RULES)


@pytest.fixture
async def replicas(tmp_path: Path) -> AsyncIterator[Replicas]:
    """Two servers over one workspace, each with its own connection to the history."""
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        entry = escalation_case().record(store.history)
        with store.open_history() as other_history:
            async with (
                Client(_server(store, store.history)) as first,
                Client(_server(store, other_history)) as second,
            ):
                yield Replicas(store, entry, first, second)


async def test_a_preview_shown_by_one_server_is_executed_by_another_once(replicas: Replicas) -> None:
    shown = await replicas.preview("chat_post")
    token = {"preview_token": shown["preview_token"]}
    done = await replicas.second.call_tool("escalation_step_execute", token)
    again = await replicas.first.call_tool("escalation_step_execute", token)
    assert done.is_error is False, done.content
    assert done.structured_content is not None and done.structured_content["status"] == "executed"
    assert again.is_error is True
    assert "unknown or was used already" in again.content[0].text  # type: ignore[union-attr]
    page = await replicas.store.workspace.search_messages("", channel="C100", limit=100)
    assert [m.text for m in page.items if m.author.role == "bot"] == [shown["content"]]


async def test_two_servers_executing_one_preview_at_once_send_it_once(replicas: Replicas) -> None:
    shown = await replicas.preview("internal_note")
    token = {"preview_token": shown["preview_token"]}
    results = []

    async def execute(client: Client) -> None:
        results.append(await client.call_tool("escalation_step_execute", token))

    async with anyio.create_task_group() as both:
        both.start_soon(execute, replicas.second)
        both.start_soon(execute, replicas.first)
    assert sorted(r.is_error for r in results) == [False, True]
    ticket = await replicas.store.workspace.get_ticket("101")
    assert len([c for c in ticket.comments if c.author.name == "customer-escalation"]) == 1
