"""Notion as the knowledge base (`CUSTOMER_ESCALATION_KB=notion`). Read-only.

Notion's search matches page titles only. A search therefore runs in two steps: the pages whose title
matches (Notion's order), then, among the `scan_pages` most recently edited pages, those whose content
holds the query's words (most words first), read in full and remembered until they are edited again.
Every article returned is read in full too (for its text and workaround), so a search costs about
one request per article on top of the searches, paced at `NOTION_REQUESTS_PER_SECOND`. Kind,
root-page scope and trashed pages are filtered here; `next_cursor` is an offset into the same
two-step list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from ..article_search import article_page_size
from ..cursor import decode_offset, encode_cursor, query_fingerprint
from ..errors import NotFoundError
from ..records import Article, ArticleKind, Page
from ..vendor import collect_pages
from .client import VENDOR_PAGE_MAX, NotionApi
from .content import ContentReader
from .mapping import ARTICLE_BODY_CHARS, SEARCH_BODY_CHARS, article_kind, page_kinds, to_article
from .models import PageObject
from .policy import SYSTEM
from .scope import RootScope
from .settings import notion_id
from .text import blocks_text

TITLE_SEARCH_PAGES = 5
"""Notion search requests made for the title step of one search."""
_WORD = re.compile(r"\w{3,}")


class NotionKnowledgeBase:
    """A `KnowledgeBase` over the Notion pages shared with an integration.

    Args:
        api: the Notion API (rooted at ``https://api.notion.com``), paced by its rate gate.
        roots: page or database ids; when given, only pages below one of them are read.
        scan_pages: recently edited pages whose content a search also matches (0: titles only).
    """

    system = SYSTEM

    def __init__(self, api: NotionApi, *, roots: Sequence[str] = (), scan_pages: int = 20) -> None:
        self._api = api
        self._scope = RootScope(api, roots)
        self._content = ContentReader(api)
        self._scan_pages = scan_pages

    async def check(self) -> None:
        """Search for one page: proves the token is valid and may read content.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        await self._api.search("", page_size=1)

    async def aclose(self) -> None:
        await self._api.aclose()

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Pages whose title, else whose content, matches `query`; an empty query lists the most
        recently edited pages.

        Raises:
            InvalidQueryError: a bad limit, kind or cursor.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: a request failed.
        """
        limit = article_page_size(limit, kind, system=SYSTEM)
        text = " ".join(query.split())[:200]
        fingerprint = query_fingerprint(SYSTEM, text, kind, sorted(self._scope.roots))
        offset = decode_offset(cursor, fingerprint, system=SYSTEM)
        wanted = offset + limit + 1
        found = await self._title_matches(text, kind, wanted)
        if len(found) < wanted and _WORD.search(text.lower()):
            found += await self._content_matches(text, kind, {p.id for p in found}, wanted - len(found))
        window = found[offset : offset + limit]
        articles = [
            to_article(page, await self._content.read(page), body_chars=SEARCH_BODY_CHARS) for page in window
        ]
        more = len(found) > offset + limit
        return Page(
            items=tuple(articles), next_cursor=encode_cursor(fingerprint, offset + limit) if more else None
        )

    async def get_article(self, article_id: str) -> Article:
        """One page with its whole content.

        Raises:
            NotFoundError: not a Notion page id, no such page (or not shared with the integration),
                in the trash, or outside ``NOTION_ROOT_PAGES``.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: a request failed.
        """
        page_id = notion_id(article_id)
        if page_id is None:
            raise NotFoundError(
                f"{article_id!r} is not a Notion page id (32 hex digits); search for the article instead",
                system=SYSTEM,
            )
        try:
            page = await self._api.page(page_id)
        except NotFoundError as exc:
            raise NotFoundError(
                f"no Notion page {page_id} shared with the integration; search for it instead", system=SYSTEM
            ) from exc
        if page.gone or not await self._scope.contains(page):
            raise NotFoundError(
                f"no Notion page {page_id} in the pages this connector may read", system=SYSTEM
            )
        return to_article(page, await self._content.read(page), body_chars=ARTICLE_BODY_CHARS)

    async def _readable(self, page: PageObject, kind: ArticleKind | None) -> bool:
        if page.object != "page" or page.gone:
            return False
        if kind is not None and article_kind(page_kinds(page)) != kind:
            return False
        return await self._scope.contains(page)

    async def _title_matches(self, text: str, kind: ArticleKind | None, wanted: int) -> list[PageObject]:
        size = min(VENDOR_PAGE_MAX, max(25, 2 * wanted))

        async def fetch(cursor: str | None) -> tuple[list[PageObject], str | None]:
            results = await self._api.search(text, page_size=size, cursor=cursor, recent_first=not text)
            kept = [page for page in results.results if await self._readable(page, kind)]
            return kept, results.next_cursor if results.has_more else None

        pages, _ = await collect_pages(fetch, max_items=wanted, max_pages=TITLE_SEARCH_PAGES)
        return list({page.id: page for page in pages}.values())

    async def _content_matches(
        self, text: str, kind: ArticleKind | None, seen: set[str], wanted: int
    ) -> list[PageObject]:
        if self._scan_pages <= 0:
            return []
        words = list(dict.fromkeys(_WORD.findall(text.lower())))
        needed = math.ceil(len(words) / 2)
        recent = await self._api.search("", page_size=self._scan_pages, recent_first=True)
        scored: list[tuple[int, PageObject]] = []
        for page in recent.results[: self._scan_pages]:
            if page.id in seen or not await self._readable(page, kind):
                continue
            haystack = f"{page.title()}\n{blocks_text(await self._content.read(page))}".lower()
            hits = sum(1 for word in words if re.search(rf"\b{re.escape(word)}", haystack))
            if hits >= needed:
                scored.append((hits, page))
        scored.sort(key=lambda pair: -pair[0])
        return [page for _, page in scored[:wanted]]


__all__ = ["TITLE_SEARCH_PAGES", "NotionKnowledgeBase"]
