"""Knowledge-base articles in the workspace."""

from __future__ import annotations

from typing import get_args

from ...cursor import query_fingerprint
from ...records import (
    Article,
    ArticleKind,
    Page,
)
from .. import indexing
from ..search import Filters
from .base import ARTICLE_INDEX, StoreBase, choices


class KbTables(StoreBase):
    """Articles: search and read."""

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Articles matching free text (title, body and workaround), best match first.

        Raises:
            InvalidQueryError: a filter, limit or cursor is not valid.
        """
        where: tuple[str, ...] = ()
        params: tuple[object, ...] = ()
        if kind is not None:
            where = ("t.kind = ?",)
            params = (choices("kind", (kind,), get_args(ArticleKind))[0],)
        fingerprint = query_fingerprint("articles", query, kind)
        return await self._find(
            ARTICLE_INDEX, indexing.ARTICLES, query, Filters(where, params), fingerprint, limit, cursor
        )

    async def get_article(self, article_id: str) -> Article:
        """One article.

        Raises:
            NotFoundError: no article has this id.
        """
        return await self._get(
            indexing.ARTICLES,
            article_id,
            f"no article {article_id} in the local workspace; search articles to find the right id",
        )
