"""The documented shape of Zendesk's responses, pinned by hand-written fixtures.

Each fixture in tests/fixtures/vendors/zendesk is written in the shape Zendesk's API reference gives
for an endpoint the connector calls. The connector's response models must read every fixture, the
connector must map them, and the fake Zendesk must answer the same endpoints with bodies that the same
models read and that carry the same keys at the top two levels, so the fake cannot drift from the
documented shape unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.vendor import parse_body
from customer_escalation.connectors.zendesk import models
from customer_escalation.connectors.zendesk.help_center import ZendeskHelpCenter
from customer_escalation.connectors.zendesk.policy import ZendeskPolicy
from customer_escalation.connectors.zendesk.support import ZendeskSupportPlatform
from tests.connectors.vendor_shapes import VENDOR_FIXTURES, vendor_fixture
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.fakes.clock import VirtualClock
from tests.fakes.zendesk import ZendeskFake

pytestmark = pytest.mark.anyio

FIXTURES = VENDOR_FIXTURES / "zendesk"
BASE_URL = "https://brightpine.zendesk.com"
TOKEN = "zd-test-token"


@dataclass(frozen=True)
class Endpoint:
    fixture: str
    model: type[BaseModel]
    path: str
    """The fake's path; ``{ticket}`` and ``{article}`` are filled with ids the fake has."""
    params: dict[str, str]
    record: str
    """The key holding the endpoint's record (or list of records)."""


ENDPOINTS = [
    Endpoint(
        "search_tickets.json",
        models.TicketSearchResponse,
        "/api/v2/search.json",
        {"query": 'type:ticket "webhook"', "include": "tickets(users,organizations)", "per_page": "1"},
        "results",
    ),
    Endpoint(
        "show_ticket.json",
        models.TicketResponse,
        "/api/v2/tickets/{ticket}.json",
        {"include": "users,organizations,slas,metric_events"},
        "ticket",
    ),
    Endpoint(
        "ticket_comments.json",
        models.CommentsResponse,
        "/api/v2/tickets/{ticket}/comments.json",
        {"page[size]": "100", "include": "users"},
        "comments",
    ),
    Endpoint(
        "search_articles.json",
        models.ArticleSearchResponse,
        "/api/v2/help_center/articles/search.json",
        {"query": "webhook", "locale": "en-us"},
        "results",
    ),
    Endpoint(
        "show_article.json",
        models.ArticleResponse,
        "/api/v2/help_center/en-us/articles/{article}.json",
        {},
        "article",
    ),
]
IDS = [endpoint.fixture.removesuffix(".json") for endpoint in ENDPOINTS]


def _fixture(name: str) -> Any:
    return vendor_fixture("zendesk", name)


def _record_keys(body: dict[str, Any], key: str) -> set[str]:
    record = body[key]
    return set(record[0] if isinstance(record, list) else record)


async def _fake_body(endpoint: Endpoint) -> dict[str, Any]:
    fake = ZendeskFake(CONTRACT_DATASET, clock=lambda: NOW)
    path = endpoint.path.format(ticket=fake.ticket_ids["101"], article=next(iter(fake.articles)))
    transport = httpx2.ASGITransport(app=fake.app)
    async with httpx2.AsyncClient(transport=transport, base_url=fake.base_url) as client:
        response = await client.get(path, params=endpoint.params, auth=(f"{fake.email}/token", TOKEN))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_there_is_a_fixture_for_every_endpoint_and_nothing_else() -> None:
    assert {path.name for path in FIXTURES.glob("*.json")} == {endpoint.fixture for endpoint in ENDPOINTS}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_each_fixture_reads_with_the_response_model(endpoint: Endpoint) -> None:
    parsed = parse_body(endpoint.model, _fixture(endpoint.fixture), system="zendesk", endpoint=endpoint.path)
    assert getattr(parsed, endpoint.record)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
async def test_the_fake_answers_in_the_documented_shape(endpoint: Endpoint) -> None:
    documented = _fixture(endpoint.fixture)
    body = await _fake_body(endpoint)
    parse_body(endpoint.model, body, system="zendesk", endpoint=endpoint.path)
    assert set(body) == set(documented)
    assert _record_keys(body, endpoint.record) == _record_keys(documented, endpoint.record)


def _api_over_fixtures() -> HttpApi:
    routes = {
        "/api/v2/search.json": "search_tickets.json",
        "/api/v2/tickets/48213.json": "show_ticket.json",
        "/api/v2/tickets/48213/comments.json": "ticket_comments.json",
        "/api/v2/help_center/articles/search.json": "search_articles.json",
        "/api/v2/help_center/en-us/articles/5507731.json": "show_article.json",
    }

    def handler(request: httpx2.Request) -> httpx2.Response:
        name = routes.get(request.url.path)
        if name is None:
            return httpx2.Response(404, json={"error": "RecordNotFound", "description": "Not found"})
        return httpx2.Response(200, json=_fixture(name))

    client = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    policy = ZendeskPolicy(email="agent@brightpine.example", api_token=TOKEN)
    return HttpApi(policy, base_url=BASE_URL, client=client, sleep=VirtualClock().sleep)


async def test_a_documented_ticket_maps_with_its_people_sla_and_comments() -> None:
    ticket = await ZendeskSupportPlatform(_api_over_fixtures()).get_ticket("48213")
    assert ticket.subject == "Invoice export stops at 500 rows"
    assert (ticket.status, ticket.priority, ticket.type, ticket.channel) == (
        "open",
        "high",
        "incident",
        "email",
    )
    assert ticket.requester.name == "Maren Okafor" and ticket.requester.role == "customer"
    assert ticket.assignee is not None and ticket.assignee.role == "agent"
    assert ticket.organization is not None and ticket.organization.domain == "lindqvist-timber.example"
    assert ticket.linked_issue_keys == ("FIN-318",)
    # The opening comment repeats the description, so only the agent's note is left.
    (note,) = ticket.comments
    assert note.public is False and note.author.name == "Teodor Banks"
    by_metric = {target.metric: target for target in ticket.sla}
    assert by_metric["first_reply"].policy == "Priority customers"
    assert by_metric["first_reply"].target_minutes == 60
    assert by_metric["first_reply"].fulfilled_at == datetime(2026, 10, 2, 8, 52, 30, tzinfo=UTC)
    assert by_metric["resolution"].fulfilled_at is None
    assert by_metric["resolution"].breach_at == datetime(2026, 10, 6, 8, 14, 5, tzinfo=UTC)


async def test_a_documented_search_page_maps_and_offers_the_next_page() -> None:
    page = await ZendeskSupportPlatform(_api_over_fixtures()).search_tickets("export", limit=1)
    assert [t.id for t in page.items] == ["48213"]
    assert page.total == 2 and page.next_cursor is not None
    assert page.items[0].organization is not None
    assert page.items[0].organization.name == "Lindqvist Timber AB"


async def test_documented_articles_map_with_kind_area_and_workaround() -> None:
    help_center = ZendeskHelpCenter(_api_over_fixtures())
    article = await help_center.get_article("5507731")
    assert article.kind == "known-issue" and article.product_area == "billing"
    assert article.labels == ("export",)
    assert article.workaround == "1. Filter the export by month.\n2. Export each month on its own."
    found = await help_center.search_articles("export")
    assert [a.id for a in found.items] == ["5507731"] and found.total == 1
