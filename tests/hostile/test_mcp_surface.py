"""The MCP surface as an inspector or a conformance suite drives it: ids sent as numbers, unknown
prompts and resources, missing arguments. Each mistake gets a protocol answer that names it, and the
server logs one line for it, never a traceback."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import TextContent

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.backends import open_store
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio

INVALID_PARAMS = -32602
RESOURCE_NOT_FOUND = -32002


@pytest.fixture
async def workspace(tmp_path: Path) -> AsyncIterator[LocalWorkspace]:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        yield store.workspace


def _server(ws: LocalWorkspace) -> Any:
    registry = Registry(support=ws, crm=ws, chat=ws, tracker=ws, kb=ws)
    return build_server(registry, policy=load_policy(), clock=lambda: NOW)


@pytest.fixture
async def client(workspace: LocalWorkspace) -> AsyncIterator[Client]:
    async with Client(_server(workspace)) as c:
        yield c


def _text(result: Any) -> str:
    return "".join(c.text for c in result.content if isinstance(c, TextContent))


async def test_a_ticket_id_sent_as_a_number_reads_the_ticket(client: Client) -> None:
    result = await client.call_tool("support_get_ticket", {"ticket_id": 101})
    assert result.is_error is False, _text(result)
    assert result.structured_content is not None
    assert result.structured_content["ticket"]["id"] == "101"


async def test_numeric_ids_in_lists_and_filters_are_read_as_text(client: Client) -> None:
    assessed = await client.call_tool("escalation_assess", {"issue": "Webhooks fail", "ticket_ids": [101]})
    assert assessed.is_error is False, _text(assessed)
    assert assessed.structured_content is not None
    assert "101" not in assessed.structured_content.get("missing", [])
    searched = await client.call_tool("support_search_tickets", {"query": "webhook", "organization_id": 7})
    assert searched.is_error is False, _text(searched)


@pytest.mark.parametrize("value", [True, [101], {"id": 101}, 1.5])
async def test_values_that_are_not_ids_are_still_refused(client: Client, value: Any) -> None:
    result = await client.call_tool("support_get_ticket", {"ticket_id": value})
    assert result.is_error is True


async def test_bad_arguments_are_named_in_a_sentence_not_a_raw_validation_dump(client: Client) -> None:
    result = await client.call_tool("support_search_tickets", {"limit": 99})
    text = _text(result)
    assert result.is_error is True
    assert "validation error for" not in text
    assert "limit" in text
    missing = _text(await client.call_tool("support_get_ticket", {}))
    assert "ticket_id" in missing
    assert "Arguments" not in missing


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("support_get_ticket", {"ticket_id": "nope"}),
        ("crm_get_account", {"account_id": "nope"}),
        ("tracker_get_issue", {"key": "nope"}),
        ("kb_get_article", {"article_id": "nope"}),
    ],
)
async def test_an_unknown_id_gets_one_hint_naming_the_search_tool(
    client: Client, tool: str, arguments: dict[str, str]
) -> None:
    text = _text(await client.call_tool(tool, arguments))
    assert "nope" in text
    assert text.count("; search") == 1, text
    assert "search with " in text


async def test_an_unknown_prompt_is_invalid_params_naming_it(client: Client) -> None:
    with pytest.raises(MCPError) as raised:
        await client.get_prompt("no-such-prompt", {})
    assert raised.value.code == INVALID_PARAMS
    assert "no-such-prompt" in raised.value.message
    assert "customer-escalation" in raised.value.message


@pytest.mark.parametrize("arguments", [None, {}, {"issue": "   "}, {"account": "Acme"}])
async def test_the_prompt_without_an_issue_is_invalid_params_naming_the_argument(
    client: Client, arguments: dict[str, str] | None
) -> None:
    with pytest.raises(MCPError) as raised:
        await client.get_prompt("customer-escalation", arguments)
    assert raised.value.code == INVALID_PARAMS
    assert "'issue'" in raised.value.message


@pytest.mark.parametrize(("mode", "code"), [("legacy", RESOURCE_NOT_FOUND), ("auto", INVALID_PARAMS)])
@pytest.mark.parametrize("uri", ["ticket://nope", "account://nope"])
async def test_reading_an_unknown_record_is_a_not_found_error_naming_the_id(
    workspace: LocalWorkspace, mode: Any, code: int, uri: str
) -> None:
    """-32002 where the negotiated protocol defines it (up to 2025-11-25); 2026-07-28 retired it for
    -32602, as the SDK answers for an unknown URI."""
    async with Client(_server(workspace), mode=mode) as client:
        with pytest.raises(MCPError) as raised:
            await client.read_resource(uri)
        ok = await client.read_resource("ticket://101")
    assert raised.value.code == code
    assert "nope" in raised.value.message
    assert raised.value.data == {"uri": uri}
    assert ok.contents


MISTAKES: list[Callable[[Client], Awaitable[Any]]] = [
    lambda c: c.call_tool("no_such_tool", {}),
    lambda c: c.call_tool("support_get_ticket", {}),
    lambda c: c.call_tool("support_get_ticket", {"ticket_id": "nope"}),
    lambda c: c.call_tool("support_search_tickets", {"cursor": "not-a-cursor"}),
    lambda c: c.call_tool("chat_get_thread", {"channel_id": "nope", "thread_id": "1"}),
    lambda c: c.call_tool("escalation_assess", {"issue": "x", "message_ids": ["nope", "a:b:c"]}),
    lambda c: c.call_tool("chat_post_message", {"channel": "x", "text": "t"}),
    lambda c: c.read_resource("ticket://nope"),
    lambda c: c.read_resource("account://nope"),
    lambda c: c.read_resource("nope://x"),
    lambda c: c.get_prompt("no-such-prompt", {}),
    lambda c: c.get_prompt("customer-escalation", {}),
]


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_client_mistakes_log_one_line_each_and_no_traceback(
    workspace: LocalWorkspace, mode: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with Client(_server(workspace), mode=mode, raise_exceptions=False) as client:
        for mistake in MISTAKES:
            with contextlib.suppress(MCPError):
                await mistake(client)
    loud = [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING]
    assert not loud, [(r.name, r.levelname, r.getMessage()) for r in loud]
