"""Contract: every KnowledgeBase backend maps articles the same way."""

from __future__ import annotations

from typing import Any

import pytest

from customer_escalation.connectors.base import KnowledgeBase
from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError

pytestmark = pytest.mark.anyio


async def _id_of(kb: Any, phrase: str) -> str:
    page = await kb.search_articles(phrase)
    assert len(page.items) == 1
    return str(page.items[0].id)


async def test_backend_satisfies_the_protocol(kb: Any) -> None:
    assert isinstance(kb, KnowledgeBase)


async def test_known_issue_carries_its_workaround(kb: Any) -> None:
    article = await kb.get_article(await _id_of(kb, "CANARY_IVORY_MOTH"))
    assert article.title == "Webhook signature mismatch"
    assert article.kind == "known-issue"
    assert article.workaround is not None
    assert "raw request bytes" in article.workaround


async def test_how_to_has_no_workaround(kb: Any) -> None:
    article = await kb.get_article(await _id_of(kb, "CANARY_ONYX_CRANE"))
    assert article.kind == "how-to"
    assert article.workaround is None


async def test_search_filters_by_kind(kb: Any) -> None:
    page = await kb.search_articles("webhook", kind="troubleshooting")
    assert [a.title for a in page.items] == ["Webhook delivery troubleshooting"]


async def test_unknown_article_raises_not_found(kb: Any) -> None:
    with pytest.raises(NotFoundError):
        await kb.get_article("987654321")


async def test_a_limit_below_one_is_rejected(kb: Any) -> None:
    with pytest.raises(InvalidQueryError):
        await kb.search_articles("webhook", limit=0)
