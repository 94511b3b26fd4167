"""The mcp SDK's own `Client` connected in memory, in both protocol eras: the baseline the other
transports are held to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import NOW
from tests.interop.session_checks import MODES, Mode, check_session

pytestmark = pytest.mark.anyio


@pytest.fixture
async def workspace(workspace_file: Path) -> AsyncIterator[LocalWorkspace]:
    ws = LocalWorkspace.open(workspace_file, clock=lambda: NOW, create_demo=False)
    yield ws
    await ws.aclose()


@pytest.mark.parametrize("mode", MODES)
async def test_an_in_memory_client_gets_tools_resources_and_the_prompt(
    workspace: LocalWorkspace, mode: Mode
) -> None:
    registry = Registry(support=workspace, crm=workspace, chat=workspace, tracker=workspace, kb=workspace)
    server = build_server(registry, policy=load_policy(), clock=lambda: NOW)
    with anyio.fail_after(10):
        async with Client(server, mode=mode) as client:
            await check_session(client, mode)
