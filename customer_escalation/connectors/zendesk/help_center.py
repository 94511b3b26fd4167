"""~~knowledge base on Zendesk Help Center (Guide) articles in one locale."""

from __future__ import annotations

from typing import Any

from .._http import HttpApi
from ..article_search import article_page_size
from ..cursor import query_fingerprint
from ..errors import InvalidQueryError, NotFoundError, UpstreamError
from ..records import Article, ArticleKind, Page
from ..text import clean_text
from . import models
from .mapping import KIND_LABELS, article_kind, to_article
from .paging import next_cursor, numeric_id, page_position, total
from .policy import SYSTEM
from .settings import DEFAULT_HC_LOCALE

_SEARCH = "/api/v2/help_center/articles/search.json"


class ZendeskHelpCenter:
    """~~knowledge base on Zendesk Help Center (Guide) articles in one locale.

    Conventions: an article's kind comes from a label (`known-issue`, `how-to`, `troubleshooting`,
    `reference`; `how-to` when none), its product area from a label `area:<name>`, and the section
    under a heading that says "Workaround" becomes its `workaround`.

    Args:
        api: the HTTP client with a `ZendeskPolicy`.
        locale: the Help Center locale to search and show, e.g. ``en-us``.
    """

    system = SYSTEM

    def __init__(self, api: HttpApi, *, locale: str = DEFAULT_HC_LOCALE) -> None:
        self._api = api
        self._locale = locale

    async def check(self) -> None:
        """List one article of the locale.

        Raises:
            AuthError, PermissionDeniedError: the credentials were refused.
            UpstreamError: Zendesk failed, or the Help Center or locale does not exist.
        """
        path = f"/api/v2/help_center/{self._locale}/articles.json"
        try:
            await self._api.get(path, params={"per_page": 1}, endpoint=f"GET {path}")
        except NotFoundError as exc:
            raise UpstreamError(
                f"zendesk: no Help Center articles in locale {self._locale!r}; check that Help Center "
                "is enabled and ZENDESK_HC_LOCALE",
                system=SYSTEM,
            ) from exc

    async def aclose(self) -> None:
        await self._api.aclose()

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Articles matching free text, best match first; bodies are shortened (`get_article` has all).

        Raises:
            InvalidQueryError: a bad limit or cursor, or neither words nor a kind to search for.
            ConnectorError: Zendesk refused or failed the search.
        """
        per_page = article_page_size(limit, kind, system=SYSTEM)
        words = " ".join(clean_text(query).split())
        if not words and kind is None:
            raise InvalidQueryError("give some words (or a kind) to search articles for", system=SYSTEM)
        fingerprint = query_fingerprint("zendesk-articles", self._locale, words, kind)
        page, per_page = page_position(cursor, fingerprint, per_page)
        params: dict[str, Any] = {
            "query": words or None,
            "locale": self._locale,
            "label_names": KIND_LABELS[kind] if kind is not None else None,
            "page": page,
            "per_page": per_page,
        }
        found = await self._api.get_model(
            _SEARCH, models.ArticleSearchResponse, params=params, endpoint=f"GET {_SEARCH}"
        )
        # Label filtering is a plan feature; on plans without it the label is ignored, so the kind is
        # checked here as well.
        articles = tuple(
            to_article(result, compact=True)
            for result in found.results
            if kind is None or article_kind(result.label_names) == kind
        )
        more = found.next_page is not None
        return Page[Article](
            items=articles,
            next_cursor=next_cursor(fingerprint, page, per_page, more=more, count=found.count),
            total=total(found.count) if kind is None else None,
        )

    async def get_article(self, article_id: str) -> Article:
        """One article with its whole body.

        Raises:
            NotFoundError: no such article in this locale.
            ConnectorError: Zendesk refused or failed the request.
        """
        number = numeric_id(article_id, "article")
        path = f"/api/v2/help_center/{self._locale}/articles/{number}.json"
        endpoint = f"GET /api/v2/help_center/{self._locale}/articles/{{id}}.json"
        shown = await self._api.get_model(path, models.ArticleResponse, endpoint=endpoint)
        return to_article(shown.article)


__all__ = ["ZendeskHelpCenter"]
