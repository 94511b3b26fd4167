"""Help Center articles: the search Intercom is sent, kinds and areas from tags, workarounds, scope."""

from __future__ import annotations

import pytest

from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError
from tests.contract.dataset import ARTICLES
from tests.fakes.clock import VirtualClock
from tests.fakes.intercom import COLLECTION_ID, IntercomFake

from .conftest import fake_on, help_center_on

pytestmark = pytest.mark.anyio


def _id_of(fake: IntercomFake, title: str) -> str:
    return next(i for i, a in fake.articles.items() if a["title"] == title)


async def test_a_search_asks_for_published_articles_of_the_help_center() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with help_center_on(fake, clock, version="2.14", help_center_id="77") as kb:
        page = await kb.search_articles("  webhook\u200b  ")
    (call,) = fake.calls
    assert (call.path, call.params, call.version) == (
        "/articles/search",
        {"phrase": "webhook", "state": "published", "help_center_id": "77"},
        "2.14",
    )
    assert [a.title for a in page.items] == ["Webhook delivery troubleshooting", "Webhook signature mismatch"]


async def test_kind_and_area_come_from_tags_and_the_workaround_from_its_section() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with help_center_on(fake, clock) as kb:
        article = await kb.get_article(_id_of(fake, "Webhook signature mismatch"))
    assert (article.kind, article.product_area) == ("known-issue", "webhooks")
    assert article.workaround == ARTICLES[0].workaround
    assert article.body.startswith("Signatures are computed over the raw body.")
    assert article.ref.url is not None and article.ref.url.endswith("-webhook-signature-mismatch")
    assert article.updated_at == ARTICLES[0].updated_at.replace(microsecond=0)


async def test_pages_are_windows_of_intercoms_answer_and_kind_filters_it() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with help_center_on(fake, clock) as kb:
        first = await kb.search_articles("webhook", limit=1)
        assert first.next_cursor is not None and first.total == 2
        second = await kb.search_articles("webhook", limit=1, cursor=first.next_cursor)
        with pytest.raises(InvalidQueryError):
            await kb.search_articles("webhook", kind="how-to", limit=1, cursor=first.next_cursor)
        known = await kb.search_articles("webhook", kind="known-issue")
    assert [a.title for a in (*first.items, *second.items)] == [
        "Webhook delivery troubleshooting",
        "Webhook signature mismatch",
    ]
    assert second.next_cursor is None
    assert [a.title for a in known.items] == ["Webhook signature mismatch"]


async def test_articles_outside_the_readable_collections_and_drafts_are_not_found() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    hidden = _id_of(fake, "Rotating API keys without downtime")
    fake.articles[hidden]["parent_id"] = 499
    fake.articles[hidden]["parent_ids"] = [499]
    draft = _id_of(fake, "Webhook delivery troubleshooting")
    fake.articles[draft]["state"] = "draft"
    async with help_center_on(fake, clock, collection_ids=(COLLECTION_ID,)) as kb:
        with pytest.raises(NotFoundError):
            await kb.get_article(hidden)
        with pytest.raises(NotFoundError):
            await kb.get_article(draft)
        found = await kb.search_articles("rotating API keys")
        visible = await kb.get_article(_id_of(fake, "Webhook signature mismatch"))
    async with help_center_on(fake, clock) as unscoped:
        everywhere = await unscoped.search_articles("rotating API keys")
    assert found.items == () and visible.kind == "known-issue"
    assert [a.title for a in everywhere.items] == ["Rotating API keys without downtime"]


async def test_no_words_or_an_id_that_is_not_a_number_is_refused_without_a_request() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with help_center_on(fake, clock) as kb:
        with pytest.raises(InvalidQueryError, match="words"):
            await kb.search_articles(" \u200b ")
        with pytest.raises(NotFoundError, match="article ids are numbers"):
            await kb.get_article("KB-1")
    assert fake.calls == []


async def test_check_lists_one_article() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with help_center_on(fake, clock) as kb:
        await kb.check()
    assert [(c.path, c.params) for c in fake.calls] == [("/articles", {"per_page": "1"})]
