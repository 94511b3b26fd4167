"""Notion's documented response shapes, pinned: hand-written fixtures in the shape of Notion's API
reference (version 2025-09-03), read by our models, and the fake held to the same models and keys.

The fixtures live in tests/fixtures/vendors/notion/; their ids, names and text are invented.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel

from customer_escalation.connectors.notion.mapping import to_article
from customer_escalation.connectors.notion.models import BlockList, ErrorBody, PageObject, SearchResults
from customer_escalation.connectors.notion.policy import NotionPolicy
from customer_escalation.connectors.notion.text import Node
from customer_escalation.connectors.vendor import parse_body
from tests.connectors.vendor_shapes import shape_differences, vendor_fixture
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.notion import BASE_URL, TOKEN, VERSION, NotionFake

pytestmark = pytest.mark.anyio

FREE_FORM = frozenset({"properties"})
"""Keys whose members are data (a page's property names), not part of the shape."""

_fixture = partial(vendor_fixture, "notion")
_shape_differences = partial(shape_differences, free_form=FREE_FORM)


def _parse(model: type[BaseModel], body: Any) -> Any:
    return parse_body(model, body, system="notion", endpoint="test")


# --- the documented shapes read as we expect --------------------------------------------------------


def test_a_documented_search_page_reads_pages_titles_parents_and_the_cursor() -> None:
    results = _parse(SearchResults, _fixture("search.json"))
    assert (results.has_more, results.next_cursor) == (True, "9b3e7a15-c04d-4f82-a6b9-1e5d8c2f7a40")
    first, second = results.results
    assert first.title() == "Invoice totals differ by one cent"
    assert second.title() == "Workaround: invoices in the wrong currency"
    assert first.parent is not None and first.parent.ids() == (
        "c81f3a07-6e2d-4b95-a4c8-5f0e1d9b7a23",
        "f39a6d21-0b7c-4e48-9d15-6a2e8c4b1f70",
    )
    assert first.properties["Tags"] is not None and first.properties["Tags"].options() == (
        "invoices",
        "rounding",
    )


def test_documented_blocks_read_as_an_article_with_its_workaround() -> None:
    page: PageObject = _parse(SearchResults, _fixture("search.json")).results[0]
    blocks: BlockList = _parse(BlockList, _fixture("block-children.json"))
    article = to_article(page, [Node(block) for block in blocks.results], body_chars=2_000)
    assert article.kind == "known-issue" and article.product_area == "Billing"
    assert article.labels == ("invoices", "rounding")
    assert article.body.startswith(
        "Totals are rounded per line; see the rounding note (https://help.vendor.example/rounding)"
    )
    assert article.workaround == "- [ ] Re-issue with `round_total=true`\n\n> 📌 A fix is planned for 4.2."
    assert article.ref.url == page.url and article.updated_at.isoformat() == "2026-10-28T16:40:00+00:00"


def test_documented_error_bodies_become_short_details_and_rate_limit_signals() -> None:
    policy = NotionPolicy("ntn_abc", VERSION)
    missing = _fixture("error-not-found.json")
    limited = _fixture("error-rate-limited.json")
    assert _parse(ErrorBody, missing).code == "object_not_found"
    detail = policy.error_detail(httpx2.Response(404, json=missing), missing)
    assert detail.startswith("object_not_found: Could not find page with ID: 3f6c9a21")
    assert policy.is_rate_limited(httpx2.Response(429, json=limited), limited)


# --- the fake answers in the same shapes ------------------------------------------------------------


async def _served(fake: NotionFake, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {TOKEN}", "Notion-Version": VERSION}
    transport = httpx2.ASGITransport(app=fake.app)
    async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as client:
        response = await client.request(method, path, **kwargs)
    return response.json()


async def test_the_fakes_search_has_the_documented_shape() -> None:
    fake = NotionFake(CONTRACT_DATASET)
    served = await _served(fake, "POST", "/v1/search", json={"query": "webhook", "page_size": 1})
    _parse(SearchResults, served)
    assert _shape_differences(_fixture("search.json"), served) == []


async def test_the_fakes_block_children_have_the_documented_shape() -> None:
    fake = NotionFake(CONTRACT_DATASET)
    page_id = fake.page_id("Webhook signature mismatch")
    served = await _served(fake, "GET", f"/v1/blocks/{page_id}/children")
    _parse(BlockList, served)
    assert _shape_differences(_fixture("block-children.json"), served) == []


async def test_the_fakes_errors_have_the_documented_shape() -> None:
    fake = NotionFake(CONTRACT_DATASET)
    missing = await _served(fake, "GET", "/v1/pages/3f6c9a21-7b84-4e05-9d2a-c1e8b5f7d043")
    fake.fail_next(429)
    limited = await _served(fake, "GET", "/v1/users/me")
    assert _shape_differences(_fixture("error-not-found.json"), missing) == []
    assert _shape_differences(_fixture("error-rate-limited.json"), limited) == []
    assert (missing["code"], limited["code"]) == ("object_not_found", "rate_limited")


def test_the_shape_check_notices_a_renamed_key() -> None:
    documented = _fixture("search.json")
    drifted = {**documented, "next_page": documented["next_cursor"]}
    del drifted["next_cursor"]
    assert _shape_differences(documented, drifted) == ["body: keys differ by ['next_cursor', 'next_page']"]
