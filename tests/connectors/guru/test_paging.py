"""Guru's Link-header pages, our cursor over them, and the collection and kind filters that thin them."""

from __future__ import annotations

import httpx2
import pytest

from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError, UpstreamError
from customer_escalation.connectors.guru.paging import next_page_params
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.guru import SEARCH_PATH, GuruFake

from .conftest import connected, numbered, scripted

pytestmark = pytest.mark.anyio


async def test_pages_follow_the_link_header_and_resume_mid_page() -> None:
    fake = GuruFake(numbered(7), page_size=3)
    async with connected(fake) as kb:
        first = await kb.search_articles("ledger", limit=4)
        second = await kb.search_articles("ledger", limit=4, cursor=first.next_cursor)
    assert [a.title for a in first.items] == [f"Ledger guide {n:02d}" for n in (1, 2, 3, 4)]
    assert [a.title for a in second.items] == [f"Ledger guide {n:02d}" for n in (5, 6, 7)]
    assert first.next_cursor is not None and second.next_cursor is None and first.total is None
    params = [call.params for call in fake.searches()]
    assert params[0] == {"searchTerms": "ledger"} and set(params[1]) == {"token"}
    assert params[2] == params[1]  # the page the first search stopped in, read again from its fourth card
    assert set(params[3]) == {"token"} and len(params) == 4


async def test_a_limit_that_ends_on_a_page_boundary_resumes_at_the_next_page() -> None:
    fake = GuruFake(numbered(6), page_size=3)
    async with connected(fake) as kb:
        first = await kb.search_articles("ledger", limit=3)
        rest = await kb.search_articles("ledger", limit=10, cursor=first.next_cursor)
    assert [set(call.params) for call in fake.searches()] == [
        {"searchTerms"},
        {"token"},
    ]  # no page read twice
    assert [a.title[-2:] for a in rest.items] == ["04", "05", "06"] and rest.next_cursor is None


async def test_a_cursor_belongs_to_its_query_and_cannot_be_forged() -> None:
    fake = GuruFake(numbered(5), page_size=2)
    async with connected(fake) as kb:
        page = await kb.search_articles("ledger", limit=2)
        assert page.next_cursor is not None
        with pytest.raises(InvalidQueryError, match="different query"):
            await kb.search_articles("other", limit=2, cursor=page.next_cursor)
        with pytest.raises(InvalidQueryError):
            await kb.search_articles("ledger", limit=2, cursor="not-a-cursor")
        with pytest.raises(InvalidQueryError):
            await kb.search_articles("ledger", limit=0)
        with pytest.raises(InvalidQueryError, match="kind"):
            await kb.search_articles("ledger", kind="faq")  # type: ignore[arg-type]


async def test_collection_scope_filters_search_and_reads() -> None:
    fake = GuruFake(CONTRACT_DATASET)
    private = fake.add_collection("Finance Only")
    hidden = fake.add_card(title="Webhook payouts", content="<p>webhook refunds</p>", collection_id=private)
    async with connected(fake, collections=["support knowledge"]) as kb:
        titles = [a.title for a in (await kb.search_articles("webhook")).items]
        with pytest.raises(NotFoundError, match="collections"):
            await kb.get_article(hidden)
    async with connected(fake, collections=[private]) as kb:
        assert [a.id for a in (await kb.search_articles("webhook")).items] == [hidden]
    assert "Webhook payouts" not in titles and "Webhook signature mismatch" in titles


async def test_filters_read_on_through_thin_pages() -> None:
    fake = GuruFake(numbered(6), page_size=2)
    fake.add_card(title="Ledger outage", content="<p>ledger down</p>", tags=["known-issue"])
    async with connected(fake) as kb:
        page = await kb.search_articles("ledger", kind="known-issue", limit=5)
    assert [a.title for a in page.items] == ["Ledger outage"] and page.next_cursor is None
    assert len(fake.searches()) == 4


async def test_a_next_page_elsewhere_is_refused_and_only_its_query_is_kept() -> None:
    with pytest.raises(UpstreamError, match="not at /api/v1/search/query"):
        next_page_params(
            '<https://evil.example/steal?token=x>; rel="next-page"', search_path=SEARCH_PATH, system="guru"
        )
    link = '< https://api.getguru.com/api/v1/search/query?token=abc%3D >; rel="next-page", <https://x/y>; rel="prev"'
    assert next_page_params(link, search_path=SEARCH_PATH, system="guru") == {"token": "abc="}
    assert next_page_params('<https://x/y>; rel="prev"', search_path=SEARCH_PATH, system="guru") is None


async def test_the_next_page_is_requested_from_the_configured_host() -> None:
    hosts: list[str] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        hosts.append(request.url.host)
        if "token" in request.url.params:
            return httpx2.Response(200, json=[])
        link = '<https://elsewhere.example/api/v1/search/query?token=t1>; rel="next-page"'
        return httpx2.Response(200, json=[], headers={"Link": link})

    async with scripted(answer) as kb:
        page = await kb.search_articles("ledger")
    assert hosts == ["api.getguru.com", "api.getguru.com"] and page.items == ()


async def test_a_link_that_repeats_ends_the_search() -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        link = '<https://api.getguru.com/api/v1/search/query?token=same>; rel="next-page"'
        return httpx2.Response(200, json=[], headers={"Link": link})

    async with scripted(answer) as kb:
        page = await kb.search_articles("ledger")
    assert page.next_cursor is None


async def test_an_empty_query_lists_every_card_newest_first() -> None:
    async with connected(GuruFake(numbered(3))) as kb:
        page = await kb.search_articles("")
    assert [a.title[-2:] for a in page.items] == ["01", "02", "03"]


async def test_nothing_found_is_an_empty_page() -> None:
    async with connected(GuruFake(Dataset())) as kb:
        page = await kb.search_articles("anything")
    assert page.items == () and page.next_cursor is None
