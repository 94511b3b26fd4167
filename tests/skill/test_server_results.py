"""What the read tools return, as a model reads it: concise or full, no empty fields, times to the
second, names written outside the team inside `untrusted`, and one hint on a not-found error."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.errors import NotFoundError
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.backends import open_store
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio

LATER = NOW + timedelta(microseconds=654_321)
READS: list[tuple[str, dict[str, Any]]] = [
    ("support_search_tickets", {"query": "webhook"}),
    ("support_get_ticket", {"ticket_id": "101"}),
    ("crm_search_accounts", {"query": "Northwind"}),
    ("crm_get_account", {"account_id": "northwind"}),
    ("chat_search_messages", {"query": "webhooks"}),
    ("chat_get_thread", {"channel_id": "C100", "thread_id": "1700000000.000100"}),
    ("tracker_search_issues", {"query": "webhook"}),
    ("tracker_get_issue", {"key": "ENG-42"}),
    ("kb_search_articles", {"query": "webhook"}),
    ("kb_get_article", {"article_id": "KB-1"}),
]
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        ws = store.workspace
        registry = Registry(support=ws, crm=ws, chat=ws, tracker=ws, kb=ws)
        server = build_server(registry, policy=load_policy(), clock=lambda: LATER)
        async with Client(server) as c:
            yield c


async def _data(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert result.is_error is False, result.content
    assert result.structured_content is not None
    return result.structured_content


def _walk(value: Any, path: str = "") -> list[tuple[str, Any]]:
    found = [(path, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _walk(item, f"{path}[{index}]")
    return found


async def test_every_read_tool_has_a_concise_and_a_full_detail(client: Client) -> None:
    for tool, arguments in READS:
        concise = await _data(client, tool, arguments)
        full = await _data(client, tool, {**arguments, "detail": "full"})
        assert len(str(concise)) <= len(str(full)), tool
    ticket = (await _data(client, "support_get_ticket", {"ticket_id": "101"}))["ticket"]
    whole = (await _data(client, "support_get_ticket", {"ticket_id": "101", "detail": "full"}))["ticket"]
    assert "sla" not in ticket and whole["sla"]
    assert "requester_name" not in ticket["untrusted"] and whole["untrusted"]["requester_name"]
    assert ticket["untrusted"]["subject"] == whole["untrusted"]["subject"]
    assert ticket["status"] == whole["status"]


async def test_no_result_carries_an_empty_field(client: Client) -> None:
    assessed = await _data(
        client, "escalation_assess", {"issue": "Webhooks failing with 502", "ticket_ids": ["101"]}
    )
    results = [assessed] + [await _data(client, t, {**a, "detail": "full"}) for t, a in READS]
    for data in results:
        empty = [path for path, value in _walk(data) if value is None or value in ("", [], {})]
        assert empty == [], empty


async def test_every_time_is_to_the_second(client: Client) -> None:
    assessed = await _data(
        client, "escalation_assess", {"issue": "Webhooks failing with 502", "ticket_ids": ["101"]}
    )
    times = [v for _, v in _walk(assessed) if isinstance(v, str) and _TIME.match(v)]
    assert times, "the assessment carries follow-up and deadline times"
    for tool, arguments in READS:
        data = await _data(client, tool, {**arguments, "detail": "full"})
        times += [v for _, v in _walk(data) if isinstance(v, str) and _TIME.match(v)]
    assert [t for t in times if re.search(r":\d{2}\.\d", t)] == []


async def test_names_written_outside_the_team_are_untrusted(client: Client) -> None:
    ticket = (await _data(client, "support_get_ticket", {"ticket_id": "101", "detail": "full"}))["ticket"]
    assert {"organization_name", "requester_name"} <= set(ticket["untrusted"])
    assert not {"organization_name", "requester_name", "tags"} & set(ticket)
    assert all("author_name" not in c for c in ticket["comments"])
    account = (await _data(client, "crm_get_account", {"account_id": "northwind", "detail": "full"}))[
        "account"
    ]
    assert account["untrusted"]["name"] == "Northwind Traders" and "name" not in account
    messages = (await _data(client, "chat_search_messages", {"query": "webhooks", "detail": "full"}))[
        "messages"
    ]
    for message in messages:
        assert "channel_name" in message["untrusted"] and "channel_name" not in message
        assert "author_name" not in message
    thread = (
        await _data(client, "chat_get_thread", {"channel_id": "C100", "thread_id": "1700000000.000100"})
    )["thread"]
    assert "channel_name" in thread["untrusted"]
    issue = (await _data(client, "tracker_get_issue", {"key": "ENG-42", "detail": "full"}))["issue"]
    assert "labels" not in issue and "title" in issue["untrusted"]


class _NoChannel:
    system = "slack"

    async def get_thread(self, channel_id: str, thread_id: str) -> Any:
        raise NotFoundError(
            f"slack: no channel named #{channel_id} that the app can see; check the name or invite the app",
            system="slack",
        )


async def test_a_not_found_error_gives_one_hint(tmp_path: Path) -> None:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        ws = store.workspace
        registry = Registry(support=ws, crm=ws, chat=_NoChannel(), tracker=ws, kb=ws)  # type: ignore[arg-type]
        async with Client(build_server(registry, policy=load_policy(), clock=lambda: NOW)) as c:
            result = await c.call_tool("chat_get_thread", {"channel_id": "eng", "thread_id": "1"})
    text = result.content[0].text  # type: ignore[union-attr]
    assert result.is_error is True
    assert "no channel named #eng" in text
    assert text.endswith("; search with chat_search_messages to find the right id")
    assert "check the name" not in text
