"""`IntercomHelpCenter`: the knowledge base protocol over Intercom Help Center articles.

    GET /articles/search     search_articles (`phrase`, `state=published`, `help_center_id`)
    GET /articles/{id}       get_article
    GET /articles            check

Conventions, as for every Help Center: an article's kind comes from a tag (`known-issue`, `how-to`,
`troubleshooting`, `reference`; `how-to` when none), its product area from a tag `area:<name>`, and the
section under a heading that says "Workaround" becomes its `workaround`. Drafts are never shown. Reads
may be scoped to collections: an article outside them is not found.

Intercom's article search answers with all its matches at once, so a cursor here is an offset into
that answer, tied to the query that made it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._http import HttpApi
from ..article_search import article_page_size
from ..cursor import decode_offset, encode_cursor, query_fingerprint
from ..errors import InvalidQueryError, NotFoundError
from ..records import Article, ArticleKind, Page
from . import models
from .api import IntercomApi
from .mapping import article, article_kind
from .policy import SYSTEM
from .settings import DEFAULT_API_VERSION
from .text import single_line


class IntercomHelpCenter:
    """~~knowledge base on Intercom Help Center articles.

    Args:
        api: the HTTP client with an `IntercomPolicy`.
        version: the `Intercom-Version` header.
        help_center_id: the Help Center to search; None for the workspace's default.
        collection_ids: collections or sections whose articles may be read; empty for all.
    """

    system = SYSTEM

    def __init__(
        self,
        api: HttpApi,
        *,
        version: str = DEFAULT_API_VERSION,
        help_center_id: str | None = None,
        collection_ids: Sequence[str] = (),
    ) -> None:
        self._api = IntercomApi(api, version)
        self._help_center = help_center_id
        self._collections = frozenset(collection_ids)

    async def check(self) -> None:
        """List articles: proves the token is valid and may read the Help Center.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        await self._api.get("/articles", models.ArticleList, "GET /articles", per_page=1)

    async def aclose(self) -> None:
        await self._api.http.aclose()

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Published articles matching `query`, in Intercom's order; bodies are shortened
        (`get_article` has all).

        Raises:
            InvalidQueryError: a bad limit, kind or cursor, or no words to search for.
            ConnectorError: Intercom refused or failed the search.
        """
        size = article_page_size(limit, kind, system=SYSTEM)
        phrase = single_line(query)[:200]
        if not phrase:
            raise InvalidQueryError("give some words to search articles for", system=SYSTEM)
        fingerprint = query_fingerprint(SYSTEM, "articles", phrase, kind, self._help_center)
        offset = decode_offset(cursor, fingerprint, system=SYSTEM)
        params = {"phrase": phrase, "state": "published", "help_center_id": self._help_center}
        found = await self._api.get(
            "/articles/search", models.ArticleSearch, "GET /articles/search", **params
        )
        readable = [
            a
            for a in found.data.articles
            if self._readable(a) and (kind is None or article_kind(a.tag_names()) == kind)
        ]
        window = readable[offset : offset + size]
        more = offset + size < len(readable)
        return Page[Article](
            items=tuple(article(a, compact=True) for a in window),
            next_cursor=encode_cursor(fingerprint, offset + size) if more else None,
            total=len(readable),
        )

    async def get_article(self, article_id: str) -> Article:
        """One published article with its whole body.

        Raises:
            NotFoundError: no such article, a draft, or one outside `INTERCOM_COLLECTION_IDS`.
            ConnectorError: Intercom refused or failed the request.
        """
        number = str(article_id).strip()
        if not (number.isascii() and number.isdigit()):
            raise NotFoundError(f"no Intercom article {article_id!r}: article ids are numbers", system=SYSTEM)
        try:
            raw = await self._api.get(f"/articles/{number}", models.Article, "GET /articles/{id}")
        except NotFoundError:
            raw = None
        if raw is None or raw.state != "published" or not self._readable(raw):
            raise NotFoundError(
                f"no published Intercom article {number} that this connector may read", system=SYSTEM
            )
        return article(raw)

    def _readable(self, raw: models.Article) -> bool:
        return not self._collections or bool(self._collections & raw.parents())


__all__ = ["IntercomHelpCenter"]
