"""The mcp SDK's own `Client` against `customer-escalation serve` started as a stdio subprocess.

This is how an assistant host (the plugin's `.mcp.json`) runs the server: a child process speaking
MCP on stdin/stdout, in both protocol eras the SDK offers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.connectors.settings import load_settings
from customer_escalation.skill.cli._session import open_session
from tests.interop.serving import hermetic_env, serve_command
from tests.interop.session_checks import CANARY, CANARY_TICKET, MODES, Mode, check_session

pytestmark = pytest.mark.anyio

SESSION_SECONDS = 30


def _params(workspace: Path, home: Path) -> StdioServerParameters:
    command = serve_command(workspace)
    assert command[0] == sys.executable
    return StdioServerParameters(command=command[0], args=command[1:], env=hermetic_env(home))


@pytest.mark.parametrize("mode", MODES)
async def test_a_stdio_subprocess_serves_tools_resources_and_the_prompt(
    workspace_file: Path, tmp_path: Path, mode: Mode
) -> None:
    with anyio.fail_after(SESSION_SECONDS):
        async with Client(_params(workspace_file, tmp_path), mode=mode) as client:
            await check_session(client, mode)


async def test_a_stdio_subprocess_reports_an_unknown_ticket_as_a_tool_error(
    workspace_file: Path, tmp_path: Path
) -> None:
    with anyio.fail_after(SESSION_SECONDS):
        async with Client(_params(workspace_file, tmp_path)) as client:
            result = await client.call_tool("support_get_ticket", {"ticket_id": "9912"})
    assert result.is_error is True
    assert "support_search_tickets" in getattr(result.content[0], "text", "")


async def test_a_server_started_with_the_server_flag_reads_the_same_configuration(
    workspace_file: Path, tmp_path: Path
) -> None:
    # The workspace comes only from the environment of the command that starts the server.
    env = hermetic_env(tmp_path, CUSTOMER_ESCALATION_WORKSPACE=str(workspace_file))
    settings = load_settings(env)
    command = f"{sys.executable} -m customer_escalation serve"
    with anyio.fail_after(SESSION_SECONDS):
        async with open_session(settings, command) as client:
            result = await client.call_tool("support_search_tickets", {"query": CANARY})
    assert result.structured_content is not None
    assert [t["id"] for t in result.structured_content["tickets"]] == [CANARY_TICKET]


async def test_write_tools_preview_over_a_stdio_subprocess_and_refuse_targets_off_the_allowlist(
    workspace_file: Path, tmp_path: Path
) -> None:
    params = _params(workspace_file, tmp_path)
    assert params.env is not None
    params.env["CUSTOMER_ESCALATION_WRITE_CHANNELS"] = "support-escalations"
    with SqliteHistoryStore.open(workspace_file) as history:
        escalation = history.record_escalation(fingerprint="stdio", issue="Webhooks fail")
    arguments = {
        "text": "Escalation: webhooks fail for ops@northwind.example",
        "escalation_id": escalation.id,
    }
    with anyio.fail_after(SESSION_SECONDS):
        async with Client(params) as client:
            preview = await client.call_tool(
                "chat_post_message", {"channel": "support-escalations", **arguments}
            )
            refused = await client.call_tool(
                "chat_post_message", {"channel": "general", **arguments, "dry_run": False}
            )
    assert preview.is_error is False
    assert preview.structured_content is not None
    assert preview.structured_content["dry_run"] is True
    assert "ops@northwind.example" not in str(preview.structured_content)
    assert refused.is_error is True
    assert "CUSTOMER_ESCALATION_WRITE_CHANNELS" in getattr(refused.content[0], "text", "")
