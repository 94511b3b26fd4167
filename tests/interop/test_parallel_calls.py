"""Tool calls the model asks for in one turn run at the same time, end to end through MCP.

Each connector search takes 100 ms. Five of them one after another would take at least 500 ms; the
tests require well under that (350 ms) and that all five were waiting at once. This is a concurrency
check, not a benchmark: `bench/bench_server.py` measures the figure (under 150 ms).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.agent import run_escalation
from customer_escalation.skill.models.base import Entry, ModelTurn
from customer_escalation.skill.models.scripted import ScriptedModel, call, submit, turn
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import NOW
from tests.interop.session_checks import MODES, Mode
from tests.interop.slow import FIVE_SEARCHES, SlowConnector

pytestmark = pytest.mark.anyio

DELAY = 0.1
HANDLED = {
    "decision": "handle_in_support",
    "summary": "Webhook retries question from Northwind",
    "why": ["The knowledge base documents the retry settings"],
    "suggested_reply": "Hello, the webhook troubleshooting guide explains how retries work and how to set them.",
}


@pytest.fixture
async def slow(workspace_file: Path) -> AsyncIterator[SlowConnector]:
    workspace = LocalWorkspace.open(workspace_file, clock=lambda: NOW, create_demo=False)
    yield SlowConnector(workspace, DELAY)
    await workspace.aclose()


def _server(slow: SlowConnector) -> MCPServer:
    registry = Registry(support=slow, crm=slow, chat=slow, tracker=slow, kb=slow)
    return build_server(registry, policy=load_policy(), clock=lambda: NOW)


async def test_five_tool_calls_in_one_turn_of_the_agent_loop_run_at_the_same_time(
    slow: SlowConnector,
) -> None:
    def first_turn(conversation: list[Entry]) -> ModelTurn:
        return turn(*(call(name, arguments) for name, arguments in FIVE_SEARCHES))

    def second_turn(conversation: list[Entry]) -> ModelTurn:
        return submit(HANDLED)

    model = ScriptedModel([first_turn, second_turn])
    with anyio.fail_after(10):
        async with Client(_server(slow)) as client:
            result = await run_escalation(
                "Webhook retries question from Northwind", session=client, model=model, clock=lambda: NOW
            )

    assert result.handling is not None
    first = [entry for entry in result.trace if entry.turn == 1]
    assert sorted(entry.tool for entry in first) == sorted(name for name, _ in FIVE_SEARCHES)
    assert not any(entry.is_error for entry in first)
    assert all(entry.duration_ms >= DELAY * 1000 for entry in first)
    # all five were in the connector at once: they overlapped (a wall-clock bound would only measure load)
    assert slow.peak == len(FIVE_SEARCHES)


@pytest.mark.parametrize("mode", MODES)
async def test_concurrent_call_tool_requests_on_one_session_overlap(slow: SlowConnector, mode: Mode) -> None:
    async with Client(_server(slow), mode=mode) as client:
        with anyio.fail_after(10):
            results = await asyncio.gather(*(client.call_tool(n, a) for n, a in FIVE_SEARCHES))

    assert [r.is_error for r in results] == [False] * len(FIVE_SEARCHES)
    assert slow.calls == len(FIVE_SEARCHES)
    assert slow.peak == len(FIVE_SEARCHES)
