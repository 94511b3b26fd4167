"""Knowledge-base articles in the workspace."""

from __future__ import annotations

from ...records import (
    Article,
    ArticleKind,
    Page,
)
from .. import indexing
from .base import ARTICLE_INDEX, StoreBase
from .criteria import article_criteria, sqlite_filters


class KbTables(StoreBase):
    """Articles: search and read."""

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Articles matching free text (title, body and workaround), best match first.

        Raises:
            InvalidQueryError: a filter, limit or cursor is not valid.
        """
        criteria = article_criteria(query, kind)
        filters = sqlite_filters(criteria)
        return await self._find(
            ARTICLE_INDEX, indexing.ARTICLES, query, filters, criteria.fingerprint, limit, cursor
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
