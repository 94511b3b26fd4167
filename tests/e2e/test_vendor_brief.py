"""A full brief from Zendesk, HubSpot, Slack, Jira and Confluence: each vendor fake serves the demo company
on its own loopback port, and the agent loop runs over the MCP server exactly as configured by variables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from mcp import Client

from customer_escalation.connectors.factory import build_registry
from customer_escalation.connectors.local.demo import build_demo
from customer_escalation.connectors.settings import load_settings
from customer_escalation.skill.agent import run_escalation
from customer_escalation.skill.models.planner import OfflinePlanner
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.fakes.confluence import ConfluenceFake
from tests.fakes.hubspot import HubSpotFake
from tests.fakes.jira import JiraFake
from tests.fakes.slack import BOT_TOKEN, USER_TOKEN, SlackFake
from tests.fakes.zendesk import ZendeskFake

from .loopback import serving

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def vendors() -> Iterator[dict[str, Any]]:
    dataset = build_demo(NOW)
    fakes = {
        "zendesk": ZendeskFake(dataset, clock=lambda: NOW),
        "hubspot": HubSpotFake(dataset),
        "slack": SlackFake(dataset, now=lambda: NOW),
        "jira": JiraFake(dataset, now=lambda: NOW),
        "confluence": ConfluenceFake(dataset, now=lambda: NOW),
    }
    with serving({name: fake.app for name, fake in fakes.items()}) as urls:
        yield {"fakes": fakes, "urls": urls}


def _env(vendors: dict[str, Any], tmp: str) -> dict[str, str]:
    fakes, urls = vendors["fakes"], vendors["urls"]
    return {
        "CUSTOMER_ESCALATION_WORKSPACE": f"{tmp}/history.sqlite",
        "CUSTOMER_ESCALATION_SUPPORT": "zendesk",
        "CUSTOMER_ESCALATION_CRM": "hubspot",
        "CUSTOMER_ESCALATION_CHAT": "slack",
        "CUSTOMER_ESCALATION_TRACKER": "jira",
        "CUSTOMER_ESCALATION_KB": "confluence",
        "ZENDESK_BASE_URL": urls["zendesk"],
        "ZENDESK_EMAIL": fakes["zendesk"].email,
        "ZENDESK_API_TOKEN": "zd-test-token",
        "HUBSPOT_BASE_URL": urls["hubspot"],
        "HUBSPOT_ACCESS_TOKEN": fakes["hubspot"].token,
        "SLACK_BASE_URL": urls["slack"] + "/api",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_USER_TOKEN": USER_TOKEN,
        "JIRA_BASE_URL": urls["jira"],
        "JIRA_EMAIL": fakes["jira"].email,
        "JIRA_API_TOKEN": fakes["jira"].api_token,
        "CONFLUENCE_BASE_URL": urls["confluence"] + "/wiki",
        "CONFLUENCE_EMAIL": fakes["confluence"].email,
        "CONFLUENCE_API_TOKEN": fakes["confluence"].api_token,
    }


async def test_a_full_brief_comes_from_five_vendor_apis_on_loopback(
    vendors: dict[str, Any], tmp_path: Any
) -> None:
    settings = load_settings(_env(vendors, str(tmp_path)))
    registry = build_registry(settings, clock=lambda: NOW)
    assert registry.systems() == {
        "support": "zendesk",
        "crm": "hubspot",
        "chat": "slack",
        "tracker": "jira",
        "kb": "confluence",
    }
    try:
        server = build_server(registry, policy=load_policy(), clock=lambda: NOW)
        async with Client(server) as session:
            result = await run_escalation(
                "API returning 500 errors intermittently for Acme Corp",
                session=session,
                model=OfflinePlanner(clock=lambda: NOW),
                clock=lambda: NOW,
            )
    finally:
        await registry.aclose()

    assert result.unavailable == []
    brief = result.brief
    assert brief is not None
    assert brief.target_team.startswith("Engineering")
    assert brief.customers_affected.startswith("1 customer: Acme Corp")
    assert (
        "ARR at risk: $480,000" in brief.revenue_at_risk
    )  # from HubSpot, matched to the Zendesk organization by domain
    refs = {item.ref for item in brief.supporting_context}
    assert "issue:ENG-3412" in refs  # from Jira
    assert any(r and r.startswith("ticket:") for r in refs)  # from Zendesk
    assert any(r and r.startswith("message:") for r in refs)  # from Slack
    assert brief.reproduction is not None
    tools = {t.tool for t in result.trace}
    assert {
        "support_search_tickets",
        "crm_search_accounts",
        "tracker_search_issues",
        "kb_search_articles",
    } <= tools
    for name in ("zendesk", "hubspot", "slack", "jira", "confluence"):
        assert vendors["fakes"][name].calls, f"{name} was never called"
