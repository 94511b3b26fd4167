"""The card's previews are kept in the history the servers share: a preview shown by one server (one
replica behind a load balancer, or a process since restarted) is executed by another, once."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.backends import Store, open_store
from tests.card.world import RULES, escalation_case
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio


def _replica(store: Store, history: object) -> object:
    ws = store.workspace
    registry = Registry(support=ws, crm=ws, chat=ws, tracker=ws, kb=ws)
    return build_server(registry, policy=load_policy(), clock=lambda: NOW, history=history, writes=RULES)  # type: ignore[arg-type]


async def test_a_preview_shown_by_one_server_is_executed_by_another_once(tmp_path: Path) -> None:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        entry = escalation_case().record(store.history)
        with store.open_history() as other_history:
            async with (
                Client(_replica(store, store.history)) as first,  # type: ignore[arg-type]
                Client(_replica(store, other_history)) as second,  # type: ignore[arg-type]
            ):
                shown = await first.call_tool(
                    "escalation_step_preview", {"escalation_id": entry.id, "step": "chat_post"}
                )
                assert shown.structured_content is not None
                token = {"preview_token": shown.structured_content["preview_token"]}
                done = await second.call_tool("escalation_step_execute", token)
                again = await first.call_tool("escalation_step_execute", token)
        page = await store.workspace.search_messages("", channel="C100", limit=100)
    assert done.is_error is False, done.content
    assert done.structured_content is not None and done.structured_content["status"] == "executed"
    assert again.is_error is True
    assert "unknown or was used already" in again.content[0].text  # type: ignore[union-attr]
    assert [m.text for m in page.items if m.author.role == "bot"] == [shown.structured_content["content"]]


async def test_two_servers_executing_one_preview_at_once_send_it_once(tmp_path: Path) -> None:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        entry = escalation_case().record(store.history)
        with store.open_history() as other_history:
            async with (
                Client(_replica(store, store.history)) as first,  # type: ignore[arg-type]
                Client(_replica(store, other_history)) as second,  # type: ignore[arg-type]
            ):
                shown = await first.call_tool(
                    "escalation_step_preview", {"escalation_id": entry.id, "step": "internal_note"}
                )
                assert shown.structured_content is not None
                token = {"preview_token": shown.structured_content["preview_token"]}
                results = []

                async def execute(client: Client) -> None:
                    results.append(await client.call_tool("escalation_step_execute", token))

                async with anyio.create_task_group() as both:
                    both.start_soon(execute, second)
                    both.start_soon(execute, first)
        ticket = await store.workspace.get_ticket("101")
    assert sorted(r.is_error for r in results) == [False, True]
    notes = [c for c in ticket.comments if c.author.name == "customer-escalation"]
    assert len(notes) == 1
