"""Result sizes of the MCP server against the vendors' own JSON for the same records."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx2
from mcp import Client

from bench._server_common import SEARCHES, text_of
from customer_escalation.connectors import confluence, hubspot, jira, zendesk
from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local.demo import build_demo
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.settings import load_settings
from customer_escalation.connectors.slack.connector import SlackChat
from customer_escalation.connectors.slack.policy import SlackPolicy
from customer_escalation.connectors.slack.settings import BOT_TOKEN_VAR, DEFAULT_BASE_URL, USER_TOKEN_VAR
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import NOW
from tests.fakes.confluence import ConfluenceFake
from tests.fakes.hubspot import HubSpotFake
from tests.fakes.jira import JiraFake
from tests.fakes.slack import BOT_TOKEN, USER_TOKEN, SlackFake
from tests.fakes.zendesk import ZendeskFake


class RecordingTransport(httpx2.AsyncBaseTransport):
    """Passes requests to `inner` and keeps the text of every response body."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.bodies: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        self.bodies.append((request.url.path, body.decode()))
        return httpx2.Response(response.status_code, headers=response.headers, content=body, request=request)


@dataclass
class Vendor:
    name: str
    tool: str
    recorder: RecordingTransport
    connector: Any


def _recording(app: Any, base_url: str = "") -> tuple[RecordingTransport, httpx2.AsyncClient]:
    recorder = RecordingTransport(httpx2.ASGITransport(app=app))
    return recorder, httpx2.AsyncClient(transport=recorder, base_url=base_url)


def vendors(dataset: Dataset) -> list[Vendor]:
    """Each category's first-choice vendor connector over its fake, recording the vendor's responses."""
    found: list[Vendor] = []
    zf = ZendeskFake(dataset, clock=lambda: NOW)
    recorder, client = _recording(zf.app, zf.base_url)
    zd = {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": zf.email, "ZENDESK_API_TOKEN": "zd-test-token"}
    found.append(
        Vendor(
            "zendesk",
            "support_search_tickets",
            recorder,
            zendesk.from_settings(load_settings(zd), "support", client=client),
        )
    )
    hf = HubSpotFake(dataset)
    recorder, client = _recording(hf.app, hf.base_url)
    hs = {
        "CUSTOMER_ESCALATION_CRM": "hubspot",
        "HUBSPOT_ACCESS_TOKEN": hf.token,
        "HUBSPOT_PORTAL_ID": hf.portal_id,
    }
    found.append(
        Vendor(
            "hubspot",
            "crm_search_accounts",
            recorder,
            hubspot.from_settings(load_settings(hs), "crm", client=client),
        )
    )
    sf = SlackFake(dataset, now=lambda: NOW)
    recorder, client = _recording(sf.app)
    bot = HttpApi(SlackPolicy(BOT_TOKEN, variable=BOT_TOKEN_VAR), base_url=DEFAULT_BASE_URL, client=client)
    user = HttpApi(SlackPolicy(USER_TOKEN, variable=USER_TOKEN_VAR), base_url=DEFAULT_BASE_URL, client=client)
    found.append(
        Vendor("slack", "chat_search_messages", recorder, SlackChat(bot, search_api=user, clock=lambda: NOW))
    )
    atlassian_fakes = (
        ("jira", "tracker", "tracker_search_issues", JiraFake(dataset, now=lambda: NOW), jira),
        ("confluence", "kb", "kb_search_articles", ConfluenceFake(dataset, now=lambda: NOW), confluence),
    )
    for system, category, tool, fake, package in atlassian_fakes:
        recorder, client = _recording(fake.app, fake.base_url)
        atlassian = {
            "JIRA_BASE_URL": fake.base_url,
            "JIRA_EMAIL": fake.email,
            "JIRA_API_TOKEN": fake.api_token,
        }
        settings = load_settings({f"CUSTOMER_ESCALATION_{category.upper()}": system, **atlassian})
        found.append(Vendor(system, tool, recorder, package.from_settings(settings, category, client=client)))
    return found


def _without_empties(value: Any) -> Any:
    """`value` without null, empty and false fields: what a leaner view would send."""
    if isinstance(value, dict):
        kept = {k: _without_empties(v) for k, v in value.items() if v not in (None, "", [], {}, False)}
        return {k: v for k, v in kept.items() if v not in ("", [], {})}
    if isinstance(value, list):
        return [_without_empties(v) for v in value]
    return value


@dataclass(frozen=True)
class SizeRow:
    tool: str
    items: int
    vendor_search: int
    """Characters of the vendor's search response."""
    vendor_all: int
    """Characters of every vendor response the call needed."""
    text: int
    """Characters of the tool result's text content (what an MCP client hands the model)."""
    compact: int
    """Characters of the structured result as compact JSON (what our agent loop hands the model)."""
    lean: int
    """`compact` without null, empty and false fields and without the envelope's notice."""


def _size_row(tool: str, result: Any, bodies: list[tuple[str, str]]) -> SizeRow | None:
    data = result.structured_content
    items = next((v for v in data.values() if isinstance(v, list)), [])
    if not items:
        return None
    lean = _without_empties({k: v for k, v in data.items() if k != "untrusted_fields_notice"})
    return SizeRow(
        tool=tool,
        items=len(items),
        vendor_search=len(bodies[0][1]),
        vendor_all=sum(len(body) for _, body in bodies),
        text=len(text_of(result)),
        compact=len(json.dumps(data, separators=(",", ":"))),
        lean=len(json.dumps(lean, separators=(",", ":"))),
    )


def _size_line(label: str, rows: Sequence[SizeRow]) -> str:
    def median(ratio: Callable[[SizeRow], float]) -> float:
        return statistics.median(ratio(r) for r in rows)

    return (
        f"  {label:<24} {len(rows):2} results, median items {median(lambda r: r.items):4.1f}  "
        f"search/text {median(lambda r: r.vendor_search / r.text):5.2f}  "
        f"all/text {median(lambda r: r.vendor_all / r.text):5.2f}  "
        f"search/compact {median(lambda r: r.vendor_search / r.compact):5.2f}  "
        f"search/lean {median(lambda r: r.vendor_search / r.lean):5.2f}"
    )


async def result_size() -> None:
    found = vendors(build_demo(NOW))
    by_tool = {vendor.tool: vendor for vendor in found}
    registry = Registry(
        support=by_tool["support_search_tickets"].connector,
        crm=by_tool["crm_search_accounts"].connector,
        chat=by_tool["chat_search_messages"].connector,
        tracker=by_tool["tracker_search_issues"].connector,
        kb=by_tool["kb_search_articles"].connector,
    )
    server = build_server(registry, policy=load_policy(), clock=lambda: NOW)
    rows: list[SizeRow] = []
    async with Client(server) as client:
        for vendor in found:
            for query in SEARCHES[vendor.tool]:
                vendor.recorder.bodies.clear()
                result = await client.call_tool(vendor.tool, {"query": query, "limit": 10})
                if result.is_error or not result.structured_content:
                    print(f"  {vendor.tool} {query!r} failed: {text_of(result)[:200]}")
                    continue
                row = _size_row(vendor.tool, result, vendor.recorder.bodies)
                if row is not None:
                    rows.append(row)
    for vendor in found:
        await vendor.connector.aclose()

    print(
        "size: vendor JSON characters / tool result characters; demo company on the vendor fakes, limit 10 "
        "(search: the vendor's search response; all: every vendor response the call needed; text: the "
        "result as MCP clients get it; compact: as our agent loop passes it on; lean: compact without "
        "empty fields)"
    )
    for tool in SEARCHES:
        mine = [r for r in rows if r.tool == tool]
        if mine:
            print(_size_line(f"{by_tool[tool].name} {tool.split('_')[0]}", mine))
    print(_size_line("all searches", rows))
