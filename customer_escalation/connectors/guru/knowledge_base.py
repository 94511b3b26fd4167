"""`GuruKnowledgeBase`: the knowledge base protocol over Guru's REST API (reads only).

    GET /api/v1/search/query            search_articles: ``searchTerms``, pages via the Link header
    GET /api/v1/cards/{id}/extended     get_article
    GET /api/v1/teams                   check

Search asks Guru for its default pages (a ``maxResults`` would cap the whole query and end paging)
and keeps the cards of the configured collections and the asked-for kind, so a page of ours may take
several of Guru's; the cursor remembers the Guru page and how many of its cards were already seen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

from .._http import HttpApi
from ..article_search import article_page_size
from ..cursor import query_fingerprint
from ..errors import NotFoundError
from ..records import Article, ArticleKind, Page
from ..text import single_line
from .mapping import SYSTEM, CardMapping, kind_of
from .models import Card, CardList, TeamList
from .paging import Position, next_page_params
from .settings import DEFAULT_APP_URL

SEARCH_PATH = "/api/v1/search/query"
CARD_PATH = "/api/v1/cards"
TEAMS_PATH = "/api/v1/teams"
MAX_PAGES = 10
"""Guru pages read for one search at most (collection and kind filters can thin pages out)."""

_CARD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


class GuruKnowledgeBase:
    """A `KnowledgeBase` over Guru cards.

    Args:
        api: an `HttpApi` with a `GuruPolicy`, rooted at ``https://api.getguru.com``.
        app_url: root of Guru's web app, for the links records carry.
        collections: the read scope: collection ids or names (any case); empty means every collection
            the credentials can see.
    """

    system = SYSTEM

    def __init__(
        self, api: HttpApi, *, app_url: str = DEFAULT_APP_URL, collections: Sequence[str] = ()
    ) -> None:
        self._api = api
        self._mapping = CardMapping(app_url.rstrip("/"))
        self._collections = tuple(dict.fromkeys(c.strip() for c in collections if c.strip()))
        self._scope = frozenset(c.lower() for c in self._collections)
        self._search_path = urlsplit(api.url(SEARCH_PATH)).path

    async def check(self) -> None:
        """Read the team the credentials belong to: a cheap authenticated read.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        await self._api.get_model(TEAMS_PATH, TeamList, endpoint=f"GET {TEAMS_PATH}")

    async def aclose(self) -> None:
        await self._api.aclose()

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Cards matching free text (title, content, tags), in Guru's order.

        Raises:
            InvalidQueryError: a bad limit, kind or cursor, or a query Guru rejects.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        limit = article_page_size(limit, kind, system=SYSTEM)
        text = single_line(query)[:500]
        fingerprint = query_fingerprint(SYSTEM, text, kind, self._collections)
        start = Position.decode(cursor, fingerprint, system=SYSTEM)
        first = {"searchTerms": text} if text else {}
        params = start.params if start.params is not None else first
        found, resume = await self._collect(params, start.skip, kind, limit)
        return Page(items=tuple(found), next_cursor=resume.encode(fingerprint) if resume else None)

    async def get_article(self, article_id: str) -> Article:
        """One card with its whole content, by id (or the first part of its slug).

        Raises:
            NotFoundError: no such card, or it lies outside ``GURU_COLLECTIONS``.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        card_id = article_id.strip()
        if not _CARD_ID.fullmatch(card_id):
            raise NotFoundError(f"{article_id!r} is not a Guru card id", system=SYSTEM)
        try:
            card = await self._api.get_model(
                f"{CARD_PATH}/{quote(card_id)}/extended", Card, endpoint=f"GET {CARD_PATH}/{{id}}/extended"
            )
        except NotFoundError as exc:
            raise NotFoundError(
                f"no Guru card {card_id} (or the token cannot see it); search for it instead", system=SYSTEM
            ) from exc
        if not self._in_scope(card):
            raise NotFoundError(
                f"no Guru card {card_id} in the collections this connector may read", system=SYSTEM
            )
        return self._mapping.article(card, full=True)

    async def _collect(
        self, params: dict[str, str], skip: int, kind: ArticleKind | None, limit: int
    ) -> tuple[list[Article], Position | None]:
        """Up to `limit` wanted cards from the page at `params` on, and where to resume (None at the end)."""
        found: list[Article] = []
        seen: set[tuple[tuple[str, str], ...]] = set()
        for _ in range(MAX_PAGES):
            seen.add(tuple(sorted(params.items())))
            cards, following = await self._page(params)
            for index in range(skip, len(cards)):
                if not self._wanted(cards[index], kind):
                    continue
                if len(found) == limit:
                    return found, Position(params, index)
                found.append(self._mapping.article(cards[index], full=False))
            if following is None or tuple(sorted(following.items())) in seen:
                return found, None
            if len(found) == limit:
                return found, Position(following)
            params, skip = following, 0
        return found, Position(params)

    async def _page(self, params: dict[str, str]) -> tuple[tuple[Card, ...], dict[str, str] | None]:
        headers: dict[str, str] = {}
        cards = await self._api.request_model(
            "GET",
            SEARCH_PATH,
            CardList,
            params=params,
            endpoint=f"GET {SEARCH_PATH}",
            response_headers=headers,
        )
        link = next((value for name, value in headers.items() if name.lower() == "link"), None)
        return cards.root, next_page_params(link, search_path=self._search_path, system=SYSTEM)

    def _wanted(self, card: Card, kind: ArticleKind | None) -> bool:
        return self._in_scope(card) and (kind is None or kind_of(card) == kind)

    def _in_scope(self, card: Card) -> bool:
        if not self._scope:
            return True
        collection = card.collection
        if collection is None:
            return False
        names = {collection.id, collection.name or "", collection.slug or ""}
        return any(name.lower() in self._scope for name in names if name)


__all__ = ["CARD_PATH", "MAX_PAGES", "SEARCH_PATH", "TEAMS_PATH", "GuruKnowledgeBase"]
