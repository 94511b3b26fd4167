"""Intercom's documented response shapes, pinned: hand-written fixtures in the shape Intercom's API
reference (version 2.14) gives, read by our response models, and the fake held to the same models and keys.

The fixtures live in tests/fixtures/vendors/intercom/; their names, ids and text are invented.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx2
import pytest

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.errors import (
    AuthError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from customer_escalation.connectors.intercom.help_center import IntercomHelpCenter
from customer_escalation.connectors.intercom.models import (
    ArticleSearch,
    Company,
    Conversation,
    ConversationList,
)
from customer_escalation.connectors.intercom.policy import IntercomPolicy
from customer_escalation.connectors.records import Person, SlaTarget
from customer_escalation.connectors.vendor import parse_body
from tests.connectors.vendor_shapes import shape_differences, vendor_fixture
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.fakes.intercom import BASE_URL, IntercomFake

from .conftest import scripted

pytestmark = pytest.mark.anyio

CONTACT = "6a1f0c9e2b7d4e8f9a0b1c2d"
COMPANY = "64c2a9f0e1d3b5a7c9e1f203"
FREE_FORM = frozenset({"custom_attributes", "topics"})
"""Maps whose keys each workspace chooses: their keys are not part of the shape."""


_fixture = partial(vendor_fixture, "intercom")
_shape_differences = partial(shape_differences, depth=4, free_form=FREE_FORM, nulls_match=True)


# --- (a) the documented shapes read as we expect ----------------------------------------------------


def _documented_workspace(request: httpx2.Request) -> httpx2.Response:
    path = request.url.path
    answers = {
        "/conversations/31877": "conversation.json",
        "/conversations/search": "conversations-search.json",
        f"/companies/{COMPANY}": "company.json",
        "/articles/search": "articles-search.json",
    }
    if path in answers:
        return httpx2.Response(200, json=_fixture(answers[path]))
    if path == f"/contacts/{CONTACT}":
        contact = {
            "type": "contact",
            "id": CONTACT,
            "role": "user",
            "email": "tamsin.okafor@larkspur-freight.example",
            "name": "Tamsin Okafor",
            "companies": {
                "type": "list",
                "data": [{"type": "company", "id": COMPANY, "url": f"/companies/{COMPANY}"}],
            },
        }
        return httpx2.Response(200, json=contact)
    return httpx2.Response(404, json=_fixture("errors.json")["not_found"])


async def test_a_documented_conversation_reads_as_a_ticket() -> None:
    async with scripted(_documented_workspace) as support:
        ticket = await support.get_ticket("31877")
    assert (ticket.subject, ticket.status, ticket.priority, ticket.channel) == (
        "Exports stuck at 99%",
        "open",
        "high",
        "email",
    )
    assert (
        ticket.description
        == "Every nightly export since Tuesday stops at 99%.\n\nJob ids: `exp_4471`, `exp_4472`"
    )
    assert ticket.requester == Person(
        name="Tamsin Okafor", email="tamsin.okafor@larkspur-freight.example", role="customer"
    )
    assert ticket.organization is not None
    assert (ticket.organization.name, ticket.organization.domain) == (
        "Larkspur Freight",
        "larkspur-freight.example",
    )
    assert [(c.id, c.public, c.author.role) for c in ticket.comments] == [
        ("24410995", True, "agent"),
        ("24411002", False, "agent"),
        ("24411040", True, "customer"),
    ]
    assert "OPS-311 (https://tracker.vendor.example/OPS-311)" in ticket.comments[1].body
    assert ticket.tags == ("exports",)
    assert ticket.sla == (
        SlaTarget(
            policy="Premium 4h", metric="first_reply", breach_at=datetime.fromtimestamp(1781271000, UTC)
        ),
    )


async def test_a_documented_search_page_reads_its_conversations_and_next_cursor() -> None:
    async with scripted(_documented_workspace) as support:
        page = await support.search_tickets("exports", limit=2)
    assert [(t.id, t.status, t.subject) for t in page.items] == [
        ("31877", "open", "Exports stuck at 99%"),
        ("31902", "pending", "Export schedule question"),
    ]
    assert page.total == 5 and page.next_cursor is not None
    listed = parse_body(
        ConversationList, _fixture("conversations-search.json"), system="intercom", endpoint="x"
    )
    assert listed.pages is not None and listed.pages.after() == "WzE3ODEyMDA4MDAsIjMxOTAyIl0="


async def test_documented_articles_read_kind_area_and_workaround() -> None:
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(_documented_workspace)) as client:
        kb = IntercomHelpCenter(HttpApi(IntercomPolicy("tok"), base_url=BASE_URL, client=client))
        page = await kb.search_articles("exports")
    known, plain = page.items
    assert (known.kind, known.product_area, known.labels) == (
        "known-issue",
        "exports",
        ("known-issue", "area:exports"),
    )
    assert known.workaround == "1. Split the export by month.\n2. Retry the last part."
    assert (plain.kind, plain.workaround, plain.body, plain.ref.url) == (
        "how-to",
        None,
        "Open Settings → Exports and pick a schedule.",
        None,
    )


@pytest.mark.parametrize(
    ("status", "name", "error"),
    [
        (401, "unauthorized", AuthError),
        (403, "plan_restricted", PermissionDeniedError),
        (404, "not_found", NotFoundError),
        (429, "rate_limited", RateLimitedError),
    ],
)
async def test_documented_errors_map_to_connector_errors(
    status: int, name: str, error: type[Exception]
) -> None:
    body = _fixture("errors.json")[name]
    message = body["errors"][0]["message"]
    async with scripted(lambda request: httpx2.Response(status, json=body)) as support:
        with pytest.raises(error) as info:
            await support.get_ticket("31877")
    if status in {401, 403}:
        assert message in str(info.value)


# --- (b) the fake answers in the same shapes --------------------------------------------------------


async def _served(path: str, method: str = "GET", body: Any = None) -> Any:
    fake = IntercomFake(CONTRACT_DATASET, now=lambda: NOW)
    headers = {"Authorization": f"Bearer {fake.token}", "Intercom-Version": "2.14"}
    transport = httpx2.ASGITransport(app=fake.app)
    async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as client:
        if path.startswith("/companies/"):
            path = f"/companies/{fake.company_id('northwind')}"
        answer = await client.request(method, path, json=body)
    assert answer.is_success, answer.text
    return answer.json()


async def test_the_fakes_conversation_has_the_documented_shape() -> None:
    served = await _served("/conversations/101")
    parse_body(Conversation, served, system="intercom", endpoint="GET /conversations/{id}")
    assert _shape_differences(_fixture("conversation.json"), served) == []


async def test_the_fakes_search_page_and_company_have_the_documented_shape() -> None:
    query = {"field": "created_at", "operator": ">", "value": 0}
    search = await _served("/conversations/search", "POST", {"query": query, "pagination": {"per_page": 2}})
    company = await _served("/companies/{id}")
    parse_body(ConversationList, search, system="intercom", endpoint="POST /conversations/search")
    parse_body(Company, company, system="intercom", endpoint="GET /companies/{id}")
    assert _shape_differences(_fixture("conversations-search.json"), search) == []
    assert _shape_differences(_fixture("company.json"), company) == []


async def test_the_fakes_article_search_has_the_documented_shape() -> None:
    served = await _served("/articles/search?phrase=webhook")
    parse_body(ArticleSearch, served, system="intercom", endpoint="GET /articles/search")
    assert _shape_differences(_fixture("articles-search.json"), served) == []


def test_the_shape_check_notices_a_renamed_key() -> None:
    documented = _fixture("conversations-search.json")
    drifted = {**documented, "totalCount": documented["total_count"]}
    del drifted["total_count"]
    assert _shape_differences(documented, drifted) == ["body: keys differ by ['totalCount', 'total_count']"]
