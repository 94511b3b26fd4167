"""The MCP server through the SDK's own in-memory client, as any MCP client sees it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.errors import AuthError, UpstreamError
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.records import Comment, Person
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import CONNECTOR_READ_TOOLS, build_server
from tests.backends import open_store
from tests.contract.dataset import CONTRACT_DATASET, NOW, TICKETS

pytestmark = pytest.mark.anyio

READ_TOOLS = {*CONNECTOR_READ_TOOLS, "escalation_assess"}


@pytest.fixture
async def workspace(tmp_path: Path) -> AsyncIterator[LocalWorkspace]:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        yield store.workspace


def _registry(ws: Any, **overrides: Any) -> Registry:
    parts = {"support": ws, "crm": ws, "chat": ws, "tracker": ws, "kb": ws, **overrides}
    return Registry(**parts)


@pytest.fixture
async def client(workspace: LocalWorkspace) -> AsyncIterator[Client]:
    server = build_server(_registry(workspace), policy=load_policy(), clock=lambda: NOW)
    async with Client(server) as c:
        yield c


async def test_every_read_tool_is_listed_read_only_with_a_description_and_output_schema(
    client: Client,
) -> None:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) >= READ_TOOLS
    for name in READ_TOOLS:
        tool = tools[name]
        assert tool.description
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is True
        assert tool.output_schema is not None


async def test_the_exported_connector_read_tools_are_the_tools_that_take_detail(client: Client) -> None:
    tools = (await client.list_tools()).tools
    taking_detail = tuple(t.name for t in tools if "detail" in t.input_schema.get("properties", {}))
    assert taking_detail == CONNECTOR_READ_TOOLS


async def test_search_returns_compact_records_with_untrusted_text_delimited(client: Client) -> None:
    result = await client.call_tool(
        "support_search_tickets", {"query": "CANARY_QUARTZ_FALCON", "detail": "full"}
    )
    assert result.is_error is False
    data = result.structured_content
    assert data is not None
    ticket = data["tickets"][0]
    assert ticket["id"] == "101"
    assert "CANARY_QUARTZ_FALCON" in ticket["untrusted"]["snippet"]
    assert "untrusted" in data["untrusted_notice"]
    assert "sam.reed@northwind.example" not in json.dumps(data)
    assert ticket["requester_domain"] == "northwind.example"


async def test_get_ticket_returns_the_conversation(client: Client) -> None:
    result = await client.call_tool("support_get_ticket", {"ticket_id": "101", "detail": "full"})
    data = result.structured_content
    assert data is not None
    bodies = [c["untrusted"]["body"] for c in data["ticket"]["comments"]]
    assert any("CANARY_COBALT_OTTER" in b for b in bodies)
    assert {s["metric"] for s in data["ticket"]["sla"]} >= {"first_reply", "next_reply"}


async def test_unknown_ticket_is_a_tool_error_telling_the_model_what_to_do(client: Client) -> None:
    result = await client.call_tool("support_get_ticket", {"ticket_id": "9912"})
    assert result.is_error is True
    text = result.content[0].text  # type: ignore[union-attr]
    assert "9912" in text
    assert "support_search_tickets" in text


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    [
        ("support_search_tickets", {"query": "x", "limit": 0}, "limit"),
        ("support_search_tickets", {"query": "x", "limit": 1000}, "limit"),
        ("support_search_tickets", {"query": "webhook", "cursor": "forged"}, "cursor"),
        ("support_search_tickets", {"query": "x", "status": ["exploded"]}, "status"),
        ("crm_search_accounts", {"query": "x" * 600}, "query"),
    ],
)
async def test_bad_arguments_are_clear_tool_errors(
    client: Client, tool: str, args: dict[str, Any], expected: str
) -> None:
    result = await client.call_tool(tool, args)
    assert result.is_error is True
    assert expected in result.content[0].text.lower()  # type: ignore[union-attr]


class _Failing:
    """A support platform whose every call fails the way a vendor outage would."""

    system = "zendesk"

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def check(self) -> None:
        raise self.error

    async def aclose(self) -> None:
        return None

    async def search_tickets(self, query: str = "", **kwargs: Any) -> Any:
        raise self.error

    async def get_ticket(self, ticket_id: str) -> Any:
        raise self.error

    async def add_internal_note(self, ticket_id: str, body: str, *, idempotency_key: str) -> Any:
        raise self.error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            UpstreamError("zendesk: GET /api/v2/search.json failed with HTTP 503", system="zendesk"),
            "unavailable",
        ),
        (
            AuthError("zendesk rejected the credentials; check ZENDESK_API_TOKEN", system="zendesk"),
            "ZENDESK_API_TOKEN",
        ),
    ],
)
async def test_a_failing_connector_is_an_error_never_an_empty_result(
    workspace: LocalWorkspace, error: Exception, expected: str
) -> None:
    server = build_server(
        _registry(workspace, support=_Failing(error)), policy=load_policy(), clock=lambda: NOW
    )
    async with Client(server) as c:
        result = await c.call_tool("support_search_tickets", {"query": "webhook"})
        other = await c.call_tool("crm_search_accounts", {"query": "Northwind"})
    assert result.is_error is True
    assert expected in result.content[0].text  # type: ignore[union-attr]
    assert other.is_error is False


async def test_an_unconfigured_category_says_so(workspace: LocalWorkspace) -> None:
    server = build_server(_registry(workspace, chat=None), policy=load_policy(), clock=lambda: NOW)
    async with Client(server) as c:
        result = await c.call_tool("chat_search_messages", {"query": "webhooks"})
    assert result.is_error is True
    assert "no chat is connected" in result.content[0].text  # type: ignore[union-attr]


async def test_results_are_capped_with_a_note_on_how_to_get_more(tmp_path: Path) -> None:
    long_body = "The export keeps failing. " * 2_000
    big = TICKETS[0].model_copy(
        update={
            "comments": tuple(
                Comment(
                    id=f"c{i}", author=Person(name="Sam", role="customer"), body=long_body, created_at=NOW
                )
                for i in range(6)
            )
        }
    )
    dataset = CONTRACT_DATASET.model_copy(update={"tickets": (big, *TICKETS[1:])})
    async with open_store(tmp_path, dataset, clock=lambda: NOW) as store:
        server = build_server(
            _registry(store.workspace), policy=load_policy(), clock=lambda: NOW, result_chars=8_000
        )
        async with Client(server) as c:
            result = await c.call_tool("support_get_ticket", {"ticket_id": "101"})
    assert result.is_error is False
    assert len(result.content[0].text) <= 8_000  # type: ignore[union-attr]
    data = result.structured_content
    assert data is not None
    assert data["truncated"] is True
    assert "Result cut to fit 8000 characters" in data["note"]


async def test_escalation_assess_computes_the_verdict_from_records(client: Client) -> None:
    result = await client.call_tool(
        "escalation_assess",
        {
            "issue": "Webhooks failing with 502 for Northwind",
            "ticket_ids": ["101", "no-such-ticket"],
            "issue_keys": ["ENG-42"],
            "message_ids": ["C100:1700000000.000100"],
        },
    )
    assert result.is_error is False
    data = result.structured_content
    assert data is not None
    assert data["decision"] == "escalate"
    assert data["target"] == "Engineering"
    assert data["breadth"]["customers"] == 1
    assert data["revenue"]["arr_at_risk"] == 240_000.0
    assert "ticket:no-such-ticket" in data["missing"]
    assert data["brief_lines"]["target_team"].startswith("Engineering")
    assert any(s["status"] == "breached" for s in data["sla"])


async def test_resources_serve_the_template_the_policy_and_records(client: Client) -> None:
    uris = {str(r.uri) for r in (await client.list_resources()).resources}
    assert {"customer-escalation://brief-template", "customer-escalation://policy"} <= uris
    templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
    assert {"ticket://{ticket_id}", "account://{account_id}"} <= templates
    template = (await client.read_resource("customer-escalation://brief-template")).contents[0].text  # type: ignore[union-attr]
    assert template.startswith("## ESCALATION:")
    policy = (await client.read_resource("customer-escalation://policy")).contents[0].text  # type: ignore[union-attr]
    assert "## Severity" in policy
    ticket = json.loads((await client.read_resource("ticket://101")).contents[0].text)  # type: ignore[union-attr]
    assert ticket["ticket"]["id"] == "101"
    account = json.loads((await client.read_resource("account://northwind")).contents[0].text)  # type: ignore[union-attr]
    assert account["account"]["arr"] == 240_000.0


async def test_workflow_prompt_walks_through_the_seven_steps(client: Client) -> None:
    prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    arguments = {a.name: a.required for a in prompts["customer-escalation"].arguments or []}
    assert arguments == {"issue": True, "account": False}
    prompt = await client.get_prompt(
        "customer-escalation", {"issue": "SSO login loop", "account": "Northwind"}
    )
    text = prompt.messages[0].content.text  # type: ignore[union-attr]
    assert "SSO login loop" in text
    assert "Northwind" in text
    for step in range(1, 8):
        assert f"{step}. **" in text
    assert "escalation_assess" in text


async def test_legacy_protocol_clients_work_too(workspace: LocalWorkspace) -> None:
    server = build_server(_registry(workspace), policy=load_policy(), clock=lambda: NOW)
    async with Client(server, mode="legacy") as c:
        result = await c.call_tool("kb_search_articles", {"query": "CANARY_IVORY_MOTH"})
    assert result.is_error is False
    assert result.structured_content is not None
    assert result.structured_content["articles"][0]["kind"] == "known-issue"


@pytest.mark.parametrize("budget", [3_000, 4_000])
async def test_every_result_stays_within_a_small_cap(workspace: LocalWorkspace, budget: int) -> None:
    server = build_server(_registry(workspace), policy=load_policy(), clock=lambda: NOW, result_chars=budget)
    calls = [
        ("support_search_tickets", {"query": "webhook", "limit": 25}),
        ("support_get_ticket", {"ticket_id": "101"}),
        (
            "escalation_assess",
            {
                "issue": "Webhooks failing",
                "ticket_ids": ["101", "102", "104", "105"],
                "issue_keys": ["ENG-42", "ENG-17"],
            },
        ),
    ]
    async with Client(server) as c:
        for tool, args in calls:
            result = await c.call_tool(tool, args)
            assert result.is_error is False, tool
            assert len(result.content[0].text) <= budget, tool  # type: ignore[union-attr]


async def test_a_broken_local_workspace_is_reported_as_unavailable_not_as_a_crash(tmp_path: Path) -> None:
    ws = LocalWorkspace.create(tmp_path / "w.sqlite", CONTRACT_DATASET, clock=lambda: NOW)
    ws.close()
    server = build_server(_registry(ws), policy=load_policy(), clock=lambda: NOW)
    async with Client(server) as c:
        search = await c.call_tool("support_search_tickets", {"query": "webhook"})
        assessed = await c.call_tool(
            "escalation_assess", {"issue": "Webhooks failing", "ticket_ids": ["101"]}
        )
    assert search.is_error is True
    assert "support platform (local workspace) is unavailable" in search.content[0].text  # type: ignore[union-attr]
    assert assessed.is_error is False
    assert assessed.structured_content is not None
    assert any(u.startswith("support platform (local") for u in assessed.structured_content["unavailable"])
