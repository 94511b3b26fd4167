"""Notion's rate limits, pagination of content and error bodies, as the connector meets them."""

from __future__ import annotations

import itertools

import httpx2
import pytest

from customer_escalation.connectors.errors import (
    InvalidQueryError,
    NotFoundError,
    PermissionDeniedError,
)
from customer_escalation.connectors.notion.gate import RateGate
from customer_escalation.connectors.notion.policy import NotionPolicy
from customer_escalation.connectors.records import Dataset
from tests.fakes._notion_wire import rich
from tests.fakes.clock import VirtualClock
from tests.fakes.notion import NotionFake

from .conftest import Make

pytestmark = pytest.mark.anyio

LONG_PAGE = "4c5d6e7f-8091-42a3-b4c5-d6e7f8a9b0c1"


def _long_page(fake: NotionFake) -> None:
    page = fake.add_page("Long page", page_id=LONG_PAGE)
    for number in range(250):
        fake.add_block(page, "paragraph", {"rich_text": rich(f"line {number}")})


async def test_content_is_read_page_by_page_with_start_cursor(make: Make) -> None:
    async with make(Dataset(), setup=_long_page) as (fake, kb):
        article = await kb.get_article(LONG_PAGE)
    reads = fake.requests_to(f"/v1/blocks/{LONG_PAGE}/children")
    assert [r.params.get("start_cursor") is not None for r in reads] == [False, True, True]
    assert all(r.params["page_size"] == "100" for r in reads)
    assert "line 0" in article.body and "line 249" in article.body


async def test_the_gate_spaces_requests_a_third_of_a_second_apart(clock: VirtualClock) -> None:
    gate = RateGate(sleep=clock.sleep, monotonic=clock.monotonic)
    starts = []
    for _ in range(4):
        await gate.wait()
        starts.append(clock.now)
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert starts[0] == 0.0
    assert all(1 / 3 < gap < 0.34 for gap in gaps)


async def test_the_connector_keeps_under_three_requests_per_second(make: Make) -> None:
    async with make(Dataset(), setup=_long_page, fake_options={"requests_per_second": 3}) as (fake, kb):
        await kb.get_article(LONG_PAGE)
        await kb.search_articles("long")
    assert fake.rate_limited == 0 and len(fake.calls) >= 5


async def test_a_429_is_waited_out_for_its_retry_after(make: Make, clock: VirtualClock) -> None:
    async with make() as (fake, kb):
        fake.fail_next(429)
        found = await kb.search_articles("signature")
    assert [a.title for a in found.items] == ["Webhook signature mismatch"]
    assert 1.0 in clock.sleeps


async def test_an_overloaded_notion_is_waited_out_like_a_rate_limit(make: Make) -> None:
    async with make() as (fake, kb):
        fake.fail_next(529, count=2)
        found = await kb.search_articles("signature")
    assert len(found.items) == 1


async def test_a_page_not_shared_is_permission_denied_with_the_fix(make: Make) -> None:
    async with make() as (fake, kb):
        fake.restricted.add(fake.page_id("Webhook signature mismatch"))
        with pytest.raises(PermissionDeniedError, match="share the page"):
            await kb.get_article(fake.page_id("Webhook signature mismatch"))


async def test_an_unknown_page_is_not_found(make: Make) -> None:
    async with make() as (_, kb):
        with pytest.raises(NotFoundError, match="shared with the integration"):
            await kb.get_article("5d6e7f80-91a2-43b4-c5d6-e7f8a9b0c1d2")


async def test_a_validation_error_is_an_invalid_query_with_notions_message(make: Make) -> None:
    async with make(version="2022-06-28") as (fake, kb):
        fake.fail_next(400)
        with pytest.raises(InvalidQueryError, match="validation_error: The request failed"):
            await kb.search_articles("signature")


def test_the_policy_sends_bearer_and_version_headers() -> None:
    policy = NotionPolicy("ntn_abc", "2025-09-03")
    assert policy.auth_headers() == {"Authorization": "Bearer ntn_abc", "Notion-Version": "2025-09-03"}


def test_retry_after_is_read_from_the_header_and_defaults_to_a_second() -> None:
    policy = NotionPolicy("ntn_abc", "2025-09-03")
    body = {"object": "error", "status": 429, "code": "rate_limited", "message": "slow"}
    bare = httpx2.Response(429, json=body)
    assert policy.retry_after(bare) == 1.0
    assert policy.retry_after(httpx2.Response(429, headers={"Retry-After": "7"}, json=body)) == 7.0
    assert policy.is_rate_limited(bare, body)
    assert not policy.is_rate_limited(httpx2.Response(400), {"object": "error", "code": "validation_error"})


async def test_check_is_one_small_search(make: Make) -> None:
    async with make() as (fake, kb):
        await kb.check()
    assert [(c.path, c.body["page_size"], c.status) for c in fake.calls] == [("/v1/search", 1, 200)]
