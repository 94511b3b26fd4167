"""The demo marker: with no configured source, every tool result says it is demo data."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.settings import load_settings
from customer_escalation.skill.demo import DEMO_NOTICE, serves_demo
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.backends import open_store
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("support_search_tickets", {"query": "webhook"}),
    ("support_get_ticket", {"ticket_id": "101"}),
    ("support_get_ticket", {"ticket_id": "no-such-ticket"}),
    ("crm_search_accounts", {"query": "Northwind"}),
    ("crm_get_account", {"account_id": "northwind"}),
    ("chat_search_messages", {"query": "webhook"}),
    ("tracker_search_issues", {"query": "webhook"}),
    ("tracker_get_issue", {"key": "ENG-42"}),
    ("kb_search_articles", {"query": "webhook"}),
    ("escalation_assess", {"issue": "Webhooks fail", "ticket_ids": ["101"]}),
    ("support_add_internal_note", {"ticket_id": "101", "body": "Escalated.", "issue": "Webhooks fail"}),
    ("followup_schedule", {"severity": "High", "issue": "Webhooks fail", "ticket_ids": ["101"]}),
    ("tracker_get_issue", {}),
]


async def _client(tmp_path: Path, *, demo: bool) -> AsyncIterator[Client]:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        ws = store.workspace
        server = build_server(
            Registry(ws, ws, ws, ws, ws),
            policy=load_policy(),
            clock=lambda: NOW,
            history=store.history,
            demo=demo,
        )
        async with Client(server) as client:
            yield client


@pytest.fixture
async def demo_client(tmp_path: Path) -> AsyncIterator[Client]:
    async for client in _client(tmp_path, demo=True):
        yield client


@pytest.fixture
async def real_client(tmp_path: Path) -> AsyncIterator[Client]:
    async for client in _client(tmp_path, demo=False):
        yield client


def _texts(result: CallToolResult) -> list[str]:
    return [block.text for block in result.content if isinstance(block, TextContent)]


async def test_every_tool_result_of_a_demo_server_carries_the_marker(demo_client: Client) -> None:
    kinds = set()
    for name, arguments in CALLS:
        result = await demo_client.call_tool(name, arguments)
        kinds.add(bool(result.is_error))
        if result.is_error:
            assert any('source: "demo"' in text and DEMO_NOTICE in text for text in _texts(result)), name
            continue
        assert result.structured_content is not None, name
        assert result.structured_content["source"] == "demo", name
        assert result.structured_content["notice"] == DEMO_NOTICE
        assert json.loads(_texts(result)[0]) == result.structured_content, name
    assert kinds == {True, False}  # both successes and errors were checked


async def test_the_output_schemas_of_a_demo_server_admit_the_marker(demo_client: Client) -> None:
    tools = (await demo_client.list_tools()).tools
    with_schema = [t for t in tools if t.output_schema]
    assert with_schema
    for tool in with_schema:
        assert tool.output_schema is not None
        assert tool.output_schema["properties"]["source"]["const"] == "demo", tool.name


async def test_a_server_over_configured_sources_has_no_marker(real_client: Client) -> None:
    for name, arguments in CALLS:
        result = await real_client.call_tool(name, arguments)
        assert all("demo" not in text.lower() for text in _texts(result)), name
        if result.structured_content is not None:
            assert "source" not in result.structured_content


def test_only_an_unconfigured_setup_serves_the_demo(tmp_path: Path) -> None:
    assert serves_demo(load_settings({}))
    assert serves_demo(load_settings({"CUSTOMER_ESCALATION_CHAT": "none"}))
    assert not serves_demo(load_settings({"CUSTOMER_ESCALATION_WORKSPACE": str(tmp_path / "mine.sqlite")}))
    assert not serves_demo(load_settings({}, workspace=tmp_path / "mine.sqlite"))
    assert not serves_demo(load_settings({"CUSTOMER_ESCALATION_SUPPORT": "zendesk"}))
    every_category_off = {
        f"CUSTOMER_ESCALATION_{c}": "none" for c in ("SUPPORT", "CRM", "CHAT", "TRACKER", "KB")
    }
    assert not serves_demo(load_settings(every_category_off))


def test_the_skill_gives_the_precedence_rule() -> None:
    skill = (Path(__file__).parents[2] / "SKILL.md").read_text(encoding="utf-8")
    assert '"source": "demo"' in skill
    assert "records from the user's real systems win" in skill
    assert "never\nmix them into a brief about a real customer" in skill


DRAFT = {
    "summary": "Webhooks fail for Northwind",
    "cited_records": ["ticket:101"],
    "workflow_impact": "Orders do not sync.",
    "issue_description": "Webhook deliveries fail with 502.",
    "whats_been_tried": ["Retried the deliveries"],
    "last_update_to_customer": "We are looking into it.",
    "customer_expectation": "A fix this week.",
    "escalation_risk": "None stated.",
    "whats_needed": ["A fix"],
    "reproduction_note": "Unknown: no steps in ticket 101.",
}


async def test_the_composed_brief_and_its_card_carry_the_marker_too(demo_client: Client) -> None:
    assessed = await demo_client.call_tool(
        "escalation_assess", {"issue": "Webhooks fail", "ticket_ids": ["101"]}
    )
    assessment = assessed.structured_content
    assert assessment is not None
    composed = await demo_client.call_tool(
        "escalation_compose",
        {
            "assessment_id": assessment["assessment_id"],
            "draft": {**DRAFT, "decision": assessment["decision"]},
        },
    )
    assert not composed.is_error, _texts(composed)
    shown = await demo_client.call_tool(
        "escalation_brief_show", {"escalation_id": composed.structured_content["escalation_id"]}
    )
    for result in (composed, shown):
        assert result.structured_content is not None
        assert result.structured_content["source"] == "demo"
        assert result.structured_content["notice"] == DEMO_NOTICE
