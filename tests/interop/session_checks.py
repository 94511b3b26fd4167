"""What every MCP client must be able to do with our server, whatever the transport or protocol era.

The same checks run in memory, over a stdio subprocess and over HTTP, so a transport that loses or
changes anything (a tool, structured output, a resource, the prompt) fails the same assertions.
"""

from __future__ import annotations

import json
from typing import Literal

from mcp import Client
from mcp.types import TextContent
from mcp_types.version import LATEST_HANDSHAKE_VERSION, LATEST_MODERN_VERSION

from customer_escalation.skill.server import CONNECTOR_READ_TOOLS

Mode = Literal["auto", "legacy"]
MODES: tuple[Mode, ...] = ("auto", "legacy")
NEGOTIATED: dict[Mode, str] = {"auto": LATEST_MODERN_VERSION, "legacy": LATEST_HANDSHAKE_VERSION}
"""The protocol revision each client mode must end up speaking with our server."""

READ_TOOLS = frozenset({*CONNECTOR_READ_TOOLS, "escalation_assess"})
CARD_TOOL = "escalation_brief_show"
"""The model-visible tool that links the brief card (MCP Apps)."""
APP_ONLY_TOOLS = frozenset({"escalation_step_preview", "escalation_step_execute"})
"""The card's buttons: listed, but for the app only (`_meta.ui.visibility`)."""
APP_MIME_TYPE = "text/html;profile=mcp-app"
TOOLS = READ_TOOLS | {
    "escalation_compose",
    "chat_post_message",
    "tracker_create_issue",
    "support_add_internal_note",
    "followup_schedule",
}
"""Every tool an assistant is offered (other modules may add more)."""
TEMPLATE_URI = "customer-escalation://brief-template"
PROMPT = "customer-escalation"
CANARY = "CANARY_QUARTZ_FALCON"
"""A word only ticket 101 of the contract dataset contains."""
CANARY_TICKET = "101"


async def check_session(client: Client, mode: Mode) -> None:
    """List the tools, search tickets, read the brief template and get the workflow prompt."""
    assert client.protocol_version == NEGOTIATED[mode]

    tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) >= TOOLS
    assert tools["support_search_tickets"].output_schema is not None

    result = await client.call_tool("support_search_tickets", {"query": CANARY})
    assert result.is_error is False
    assert result.structured_content is not None
    assert [t["id"] for t in result.structured_content["tickets"]] == [CANARY_TICKET]
    text = result.content[0]
    assert isinstance(text, TextContent)
    assert json.loads(text.text) == result.structured_content

    card_uri = (tools[CARD_TOOL].meta or {})["ui"]["resourceUri"]
    assert card_uri.startswith("ui://")
    for name in APP_ONLY_TOOLS:
        assert (tools[name].meta or {})["ui"] == {"resourceUri": card_uri, "visibility": ["app"]}
    card = (await client.read_resource(card_uri)).contents[0]
    assert card.mime_type == APP_MIME_TYPE
    assert "connect-src 'none'" in getattr(card, "text", "")

    template = (await client.read_resource(TEMPLATE_URI)).contents[0]
    assert getattr(template, "text", "").startswith("## ESCALATION:")

    prompt = await client.get_prompt(PROMPT, {"issue": "Webhooks failing with 502", "account": "Northwind"})
    assert prompt.messages[0].role == "user"
    body = prompt.messages[0].content
    assert isinstance(body, TextContent)
    assert "Webhooks failing with 502" in body.text
    assert "escalation_assess" in body.text
