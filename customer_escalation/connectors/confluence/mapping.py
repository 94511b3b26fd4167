"""Confluence pages as `Article` records, and CQL for a kind.

The storage-format body is rendered as readable text; the kind comes from a label (``known-issue``,
``troubleshooting``, ``reference``, ``how-to``; no label means how-to), ``area-<name>`` labels give
the product area, an ``outdated`` label (or an archived page) marks the article outdated, and the
section under a heading "Workaround" is the workaround.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..article_labels import (
    ARTICLE_BODY_CHARS,
    KIND_ORDER,
    OUTDATED,
    SEARCH_BODY_CHARS,
    WORKAROUND_CHARS,
    area_of_labels,
    kind_of_labels,
    plain_labels,
)
from ..atlassian import clean_text, quote_literal, truncate
from ..records import Article, ArticleKind, Ref
from .models import Body, PageV2, SearchResult
from .storage import parse_storage
from .text import storage_text, workaround_section

SYSTEM = "confluence"
KIND_LABELS = KIND_ORDER
"""Labels that set an article's kind; when a page has several, the first in this order wins."""

_HIGHLIGHT = re.compile(r"@@@(?:end)?hl@@@")


@dataclass(frozen=True)
class ArticleMapping:
    """Maps pages to records; `wiki` is the wiki root that relative links are resolved against when
    Confluence names none."""

    wiki: str

    def from_search(self, result: SearchResult, base: str | None) -> Article | None:
        """The record of a search hit, or None when the hit is not a page (or has no date)."""
        content = result.content
        if content.type != "page" or result.updated is None:
            return None
        webui = content.links.webui if content.links is not None else result.url
        return storage_article(
            Ref(system=SYSTEM, id=content.id, url=self._url(base, webui)),
            title=clean_text(content.title or _HIGHLIGHT.sub("", result.title or "")),
            storage=_storage(content.body),
            labels=content.metadata.labels.names if content.metadata.labels else [],
            outdated=content.status == "archived",
            updated_at=result.updated,
            body_chars=SEARCH_BODY_CHARS,
        )

    def from_page(self, page: PageV2) -> Article:
        """The record of a page read whole."""
        return storage_article(
            Ref(system=SYSTEM, id=page.id, url=self._url(page.links.base, page.links.webui)),
            title=clean_text(page.title or ""),
            storage=_storage(page.body),
            labels=page.labels.names if page.labels else [],
            outdated=page.status == "archived",
            updated_at=page.version.created_at,
            body_chars=ARTICLE_BODY_CHARS,
        )

    def _url(self, base: str | None, webui: str | None) -> str | None:
        if not webui:
            return None
        if webui.startswith("https://"):
            return webui
        return f"{base or self.wiki}{webui}"


def kind_clause(kind: ArticleKind) -> str:
    """CQL for pages of `kind`: its label, and none of the labels that win over it."""
    earlier = KIND_LABELS[: KIND_LABELS.index(kind)]
    excluded = f"label not in ({', '.join(quote_literal(k) for k in earlier)})" if earlier else ""
    if kind == "how-to":
        return excluded
    own = f"label = {quote_literal(kind)}"
    return f"{own} AND {excluded}" if excluded else own


def _storage(body: Body | None) -> str:
    if body is None or body.storage is None:
        return ""
    return body.storage.value or ""


def storage_article(
    ref: Ref,
    *,
    title: str,
    storage: str,
    labels: Sequence[str],
    outdated: bool,
    updated_at: datetime,
    body_chars: int,
    verified: bool | None = None,
) -> Article:
    """The record of an article with a storage-format (XHTML) body and free labels, as Confluence pages
    and Guru cards are: the labels give its kind, product area and whether it is outdated (so does
    `outdated`), and the section under a "Workaround" heading is its workaround. `body_chars` bounds
    the body."""
    document = parse_storage(storage)
    workaround = workaround_section(document)
    return Article(
        ref=ref,
        id=ref.id,
        title=title,
        body=truncate(storage_text(document), body_chars),
        kind=kind_of_labels(labels),
        workaround=truncate(workaround, WORKAROUND_CHARS) if workaround else None,
        product_area=area_of_labels(labels),
        labels=plain_labels(labels),
        status="outdated" if outdated or OUTDATED in labels else "current",
        updated_at=updated_at,
        verified=verified,
    )


__all__ = ["KIND_LABELS", "SYSTEM", "ArticleMapping", "kind_clause", "storage_article"]
