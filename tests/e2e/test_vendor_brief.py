"""A full brief from Zendesk, HubSpot, Slack, Jira and Confluence: each vendor fake serves the demo company
on its own loopback port, and the agent loop runs over the MCP server exactly as configured by variables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from customer_escalation.connectors.factory import build_registry
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.settings import load_settings
from tests.fakes.confluence import ConfluenceFake
from tests.fakes.hubspot import HubSpotFake
from tests.fakes.jira import JiraFake
from tests.fakes.slack import SlackFake
from tests.fakes.zendesk import ZendeskFake

from .vendor_run import NOW, assert_every_fake_called, chosen_systems_env, offline_brief, slack_env

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

SYSTEMS = {"support": "zendesk", "crm": "hubspot", "chat": "slack", "tracker": "jira", "kb": "confluence"}
FAKES: dict[str, Callable[[Dataset], Any]] = {
    "zendesk": lambda dataset: ZendeskFake(dataset, clock=lambda: NOW),
    "hubspot": HubSpotFake,
    "slack": lambda dataset: SlackFake(dataset, now=lambda: NOW),
    "jira": lambda dataset: JiraFake(dataset, now=lambda: NOW),
    "confluence": lambda dataset: ConfluenceFake(dataset, now=lambda: NOW),
}
"""How each vendor's fake is made of the demo company (served by the `vendors` fixture)."""


def _env(vendors: dict[str, Any], tmp: Path) -> dict[str, str]:
    fakes, urls = vendors["fakes"], vendors["urls"]
    return {
        **chosen_systems_env(tmp, SYSTEMS),
        "ZENDESK_BASE_URL": urls["zendesk"],
        "ZENDESK_EMAIL": fakes["zendesk"].email,
        "ZENDESK_API_TOKEN": "zd-test-token",
        "HUBSPOT_BASE_URL": urls["hubspot"],
        "HUBSPOT_ACCESS_TOKEN": fakes["hubspot"].token,
        **slack_env(urls),
        "JIRA_BASE_URL": urls["jira"],
        "JIRA_EMAIL": fakes["jira"].email,
        "JIRA_API_TOKEN": fakes["jira"].api_token,
        "CONFLUENCE_BASE_URL": urls["confluence"] + "/wiki",
        "CONFLUENCE_EMAIL": fakes["confluence"].email,
        "CONFLUENCE_API_TOKEN": fakes["confluence"].api_token,
    }


async def test_a_full_brief_comes_from_five_vendor_apis_on_loopback(
    vendors: dict[str, Any], tmp_path: Path
) -> None:
    settings = load_settings(_env(vendors, tmp_path))
    registry = build_registry(settings, clock=lambda: NOW)
    assert registry.systems() == SYSTEMS
    result = await offline_brief(registry)

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
    assert_every_fake_called(vendors)
