"""Confluence Cloud as the knowledge base (`CUSTOMER_ESCALATION_KB=confluence`).

Search uses the v1 CQL endpoint ``GET /wiki/rest/api/search`` because the v2 API has no search at
all; it pages with the ``cursor`` found in ``_links.next`` and expands each page's storage body and
labels, so kind and workaround are right in search results without one request per hit. A single
page is read with v2 ``GET /wiki/api/v2/pages/{id}``: the v1 content endpoints are deprecated and
already answer 410 on the OAuth gateway. ``CONFLUENCE_SPACES`` is ANDed into every CQL query and
checked on every page read.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

import httpx2

from .._http import HttpApi
from ..article_search import article_page_size
from ..atlassian import AtlassianPolicy, has_words, quote_literal, text_literal
from ..base import Category
from ..cursor import decode_token, encode_cursor, query_fingerprint
from ..errors import NotFoundError
from ..factory import VendorFactory
from ..records import Article, ArticleKind, Page
from ..settings import Settings
from ..vendor import collect_pages
from .mapping import SYSTEM, ArticleMapping, kind_clause
from .models import PageV2, SearchPage, SpaceList
from .settings import ConfluenceSettings

PURPOSE = "the Confluence knowledge base"
SEARCH_PATH = "/rest/api/search"
PAGE_PATH = "/api/v2/pages"
SPACES_PATH = "/api/v2/spaces"
SEARCH_EXPAND = "content.body.storage,content.metadata.labels,content.version"
REQUEST_LIMIT = 50
"""Confluence caps search pages with expanded bodies; larger limits are fetched in several requests."""


class ConfluenceKnowledgeBase:
    """A `KnowledgeBase` over Confluence Cloud pages.

    Args:
        api: the HTTP client for the wiki root (``https://<site>.atlassian.net/wiki``).
        spaces: the read scope: space keys ANDed into every query and checked on every read (empty
            means every space the account can see).
    """

    system = SYSTEM

    def __init__(self, api: HttpApi, *, spaces: Sequence[str] = ()) -> None:
        self._api = api
        self._spaces = tuple(dict.fromkeys(s.strip() for s in spaces if s.strip()))
        self._space_ids: frozenset[str] | None = None
        self._mapping = ArticleMapping(api.base_url)

    async def check(self) -> None:
        """List one space: a cheap authenticated read.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        await self._api.get(SPACES_PATH, params={"limit": 1}, endpoint=f"GET /wiki{SPACES_PATH}")

    async def aclose(self) -> None:
        await self._api.aclose()

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Pages matching free text (title, body, labels), best match first.

        Raises:
            InvalidQueryError: a bad limit, kind or cursor, or CQL Confluence rejects.
            EndpointGoneError: Confluence removed the search endpoint.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        limit = article_page_size(limit, kind, system=SYSTEM)
        fingerprint = query_fingerprint(SYSTEM, query, kind, self._spaces)
        start = decode_token(cursor, fingerprint, system=SYSTEM)
        cql = self._cql(query, kind)
        received = 0
        total: int | None = None

        async def fetch(token: str | None) -> tuple[list[Article], str | None]:
            nonlocal received, total
            params = {
                "cql": cql,
                "limit": min(limit - received, REQUEST_LIMIT),
                "cursor": token,
                "expand": SEARCH_EXPAND,
            }
            page = await self._api.get_model(
                SEARCH_PATH, SearchPage, params=params, endpoint=f"GET /wiki{SEARCH_PATH}"
            )
            articles = [a for r in page.results if (a := self._mapping.from_search(r, page.base))]
            total = page.total_size
            received += len(articles)
            return articles, page.links.next_cursor

        articles, token = await collect_pages(fetch, max_items=limit, first=start)
        return Page(
            items=tuple(articles),
            next_cursor=encode_cursor(fingerprint, token) if token else None,
            total=total,
        )

    async def get_article(self, article_id: str) -> Article:
        """One page with its whole body.

        Raises:
            NotFoundError: no such page, or it lies outside ``CONFLUENCE_SPACES``.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        page_id = article_id.strip()
        if not page_id.isdigit():
            raise NotFoundError(f"{article_id!r} is not a Confluence page id (digits only)", system=SYSTEM)
        try:
            page = await self._api.get_model(
                f"{PAGE_PATH}/{quote(page_id)}",
                PageV2,
                params={"body-format": "storage", "include-labels": "true"},
                endpoint=f"GET /wiki{PAGE_PATH}/{{id}}",
            )
        except NotFoundError as exc:
            raise NotFoundError(
                f"no Confluence page {page_id} (or the account cannot see it); search for it instead",
                system=SYSTEM,
            ) from exc
        if self._spaces and page.space_id not in await self._allowed_space_ids():
            raise NotFoundError(
                f"no Confluence page {page_id} in the spaces this connector may read", system=SYSTEM
            )
        return self._mapping.from_page(page)

    def _cql(self, query: str, kind: ArticleKind | None) -> str:
        clauses = []
        if self._spaces:
            clauses.append(f"space in ({', '.join(quote_literal(s) for s in self._spaces)})")
        clauses.append("type = page")
        text = has_words(query)
        if text:
            clauses.append(f"text ~ {text_literal(query)}")
        if kind is not None:
            clauses.append(kind_clause(kind))
        return " AND ".join(clauses) + ("" if text else " ORDER BY lastmodified DESC")

    async def _allowed_space_ids(self) -> frozenset[str]:
        if self._space_ids is None:
            spaces = await self._api.get_model(
                SPACES_PATH,
                SpaceList,
                params={"keys": ",".join(self._spaces), "limit": 250},
                endpoint=f"GET /wiki{SPACES_PATH}",
            )
            self._space_ids = frozenset(space.id for space in spaces.results if space.key in self._spaces)
        return self._space_ids


def _connector(
    settings: Settings, _category: Category, client: httpx2.AsyncClient | None
) -> ConfluenceKnowledgeBase:
    """A Confluence connector configured from ``CONFLUENCE_*`` variables, falling back on Jira's site
    and credentials (`ConfluenceSettings`; see CONNECTORS.md)."""
    config = ConfluenceSettings.from_settings(settings)
    base_url = config.wiki_url(PURPOSE)
    auth = config.credentials().auth(PURPOSE, fallback=config.jira_credentials())
    api = HttpApi(AtlassianPolicy(system=SYSTEM, auth=auth), base_url=base_url, client=client)
    return ConfluenceKnowledgeBase(api, spaces=config.spaces)


from_settings = VendorFactory(_connector, system=SYSTEM, serves={"kb"})


__all__ = ["ConfluenceKnowledgeBase", "from_settings"]
