"""Searching Notion: titles through Notion's search, content through a bounded scan, kind and root
scope filtered, and one opaque cursor over both."""

from __future__ import annotations

import pytest

from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError
from customer_escalation.connectors.records import Dataset
from tests.fakes._notion_wire import rich
from tests.fakes.notion import ROOT_PAGE, NotionFake

from .conftest import Make

pytestmark = pytest.mark.anyio

EMPTY = Dataset()


def _many(count: int, title: str = "Guide") -> object:
    def setup(fake: NotionFake) -> None:
        for number in range(count):
            page = fake.add_page(f"{title} {number:02d}")
            fake.add_block(page, "paragraph", {"rich_text": rich(f"Step {number}.")})

    return setup


async def test_a_title_match_comes_from_notions_search_with_the_version_header(make: Make) -> None:
    async with make() as (fake, kb):
        page = await kb.search_articles("signature")
    assert [a.title for a in page.items] == ["Webhook signature mismatch"]
    assert page.items[0].workaround == "Compute the HMAC over the raw request bytes, before JSON parsing."
    search = fake.requests_to("/v1/search")[0]
    assert search.body["query"] == "signature"
    assert search.body["filter"] == {"property": "object", "value": "page"}
    assert search.version == "2025-09-03"


async def test_words_only_in_the_content_are_found_by_the_scan(make: Make) -> None:
    async with make() as (_, kb):
        found = await kb.search_articles("CANARY_ONYX_CRANE")
    assert [a.title for a in found.items] == ["Rotating API keys without downtime"]


async def test_the_scan_can_be_turned_off(make: Make) -> None:
    async with make(scan_pages=0) as (fake, kb):
        found = await kb.search_articles("CANARY_ONYX_CRANE")
    assert found.items == ()
    assert fake.requests_to("/v1/blocks/") == []


async def test_content_is_read_once_until_the_page_changes(make: Make) -> None:
    async with make() as (fake, kb):
        await kb.search_articles("CANARY_ONYX_CRANE")
        reads = len(fake.requests_to("/v1/blocks/"))
        await kb.search_articles("CANARY_ONYX_CRANE")
        assert len(fake.requests_to("/v1/blocks/")) == reads
        fake.pages[fake.page_id("Rotating API keys without downtime")]["updated"] = fake.now()
        await kb.search_articles("CANARY_ONYX_CRANE")
    assert len(fake.requests_to("/v1/blocks/")) == reads + 1


async def test_pages_follow_one_cursor_without_repeats(make: Make) -> None:
    async with make(EMPTY, setup=_many(7)) as (_, kb):
        first = await kb.search_articles("guide", limit=3)
        second = await kb.search_articles("guide", limit=3, cursor=first.next_cursor)
        third = await kb.search_articles("guide", limit=3, cursor=second.next_cursor)
    titles = [a.title for p in (first, second, third) for a in p.items]
    assert sorted(titles) == [f"Guide {n:02d}" for n in range(7)]
    assert third.next_cursor is None and first.has_more


async def test_notions_own_pages_are_followed_with_start_cursor(make: Make) -> None:
    async with make(EMPTY, setup=_many(130)) as (fake, kb):
        found = await kb.search_articles("guide", limit=100)
    searches = fake.requests_to("/v1/search")
    assert len(found.items) == 100 and found.has_more
    assert [s.body.get("start_cursor") is not None for s in searches] == [False, True]


async def test_a_cursor_from_another_query_is_rejected(make: Make) -> None:
    async with make(EMPTY, setup=_many(4)) as (_, kb):
        first = await kb.search_articles("guide", limit=2)
        with pytest.raises(InvalidQueryError):
            await kb.search_articles("other", limit=2, cursor=first.next_cursor)


async def test_kind_filters_and_unknown_kinds_are_refused(make: Make) -> None:
    async with make() as (_, kb):
        known = await kb.search_articles("webhook", kind="known-issue")
        with pytest.raises(InvalidQueryError):
            await kb.search_articles("webhook", kind="rumour")  # type: ignore[arg-type]
    assert [a.title for a in known.items] == ["Webhook signature mismatch"]


def _outside_root(fake: NotionFake) -> None:
    fake.add_page("Webhook offsite notes", parent={"type": "workspace", "workspace": True})


async def test_pages_outside_the_root_pages_are_neither_found_nor_read(make: Make) -> None:
    async with make(setup=_outside_root, roots=(ROOT_PAGE,)) as (fake, kb):
        found = await kb.search_articles("webhook")
        with pytest.raises(NotFoundError):
            await kb.get_article(fake.page_id("Webhook offsite notes"))
    assert sorted(a.title for a in found.items) == [
        "Webhook delivery troubleshooting",
        "Webhook signature mismatch",
    ]
    assert len(fake.requests_to("/v1/databases/")) == 1  # the ancestry is read once


async def test_without_roots_every_shared_page_is_readable(make: Make) -> None:
    async with make(setup=_outside_root) as (_, kb):
        found = await kb.search_articles("offsite")
    assert [a.title for a in found.items] == ["Webhook offsite notes"]


async def test_trashed_pages_and_non_ids_are_not_found(make: Make) -> None:
    def setup(fake: NotionFake) -> None:
        fake.add_page("Old webhook page", in_trash=True, page_id="3b4c5d6e-7f80-4192-a3b4-c5d6e7f8a9b0")

    async with make(setup=setup) as (_, kb):
        with pytest.raises(NotFoundError):
            await kb.get_article("3b4c5d6e-7f80-4192-a3b4-c5d6e7f8a9b0")
        with pytest.raises(NotFoundError, match="not a Notion page id"):
            await kb.get_article("KB-1")


async def test_an_empty_query_lists_the_most_recently_edited_pages(make: Make) -> None:
    async with make() as (fake, kb):
        found = await kb.search_articles("", limit=3)
    assert [a.title for a in found.items] == [
        "Support handbook",
        "Webhook delivery troubleshooting",
        "Webhook signature mismatch",
    ]
    assert fake.requests_to("/v1/search")[0].body["sort"] == {
        "timestamp": "last_edited_time",
        "direction": "descending",
    }


async def test_the_scope_follows_pages_and_blocks_up_to_the_root(make: Make) -> None:
    def setup(fake: NotionFake) -> None:
        section = fake.add_page("Runbooks")
        toggle = fake.add_block(section, "toggle", {"rich_text": rich("Older runbooks")})
        fake.add_page("Webhook replay runbook", parent={"type": "block_id", "block_id": toggle})

    async with make(Dataset(), setup=setup, roots=(ROOT_PAGE,)) as (fake, kb):
        article = await kb.get_article(fake.page_id("Webhook replay runbook"))
    assert article.title == "Webhook replay runbook"
    # the page itself, then its parent block, then the page holding that block (whose parent is the root)
    reads = [c.path.split("/")[2] for c in fake.calls if c.path.count("/") == 3]
    assert reads == ["pages", "blocks", "pages"]
