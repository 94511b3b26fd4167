"""Guru cards as `Article` records.

The card's HTML is rendered as readable text (the HTML reader the Confluence connector uses for its
storage format, which is XHTML too). The kind comes from a tag (``known-issue``, ``troubleshooting``,
``reference``, ``how-to``; no such tag means how-to), ``area-<name>`` tags give the product area, an
``outdated`` tag marks the article outdated, and the section under a heading "Workaround" is the
workaround. Guru's verification state is carried as `Article.verified`: a card that needs
verification (never verified, or its verification expired) is weaker evidence than a trusted one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ..article_labels import (
    ARTICLE_BODY_CHARS,
    OUTDATED,
    SEARCH_BODY_CHARS,
    WORKAROUND_CHARS,
    area_of_labels,
    kind_of_labels,
    plain_labels,
)
from ..confluence.storage import parse_storage
from ..confluence.text import storage_text, workaround_section
from ..records import Article, ArticleKind, Ref
from ..text import clean_text, single_line, truncate
from .models import Card

SYSTEM = "guru"


def kind_of(card: Card) -> ArticleKind:
    """The card's kind, from its tags."""
    return kind_of_labels(card.tag_values)


@dataclass(frozen=True)
class CardMapping:
    """Maps cards to records; `app_url` is the root of Guru's web app that card links point to."""

    app_url: str

    def article(self, card: Card, *, full: bool) -> Article:
        """The record of a card: a search hit (`full` False, body shortened) or a card read whole."""
        document = parse_storage(card.content or "")
        workaround = workaround_section(document)
        tags = card.tag_values
        return Article(
            ref=Ref(system=SYSTEM, id=card.id, url=self.url(card)),
            id=card.id,
            title=single_line(card.preferred_phrase),
            body=truncate(
                clean_text(storage_text(document)), ARTICLE_BODY_CHARS if full else SEARCH_BODY_CHARS
            ),
            kind=kind_of(card),
            workaround=truncate(workaround, WORKAROUND_CHARS) if workaround else None,
            product_area=area_of_labels(tags),
            labels=plain_labels(dict.fromkeys(tags)),
            status="outdated" if OUTDATED in tags else "current",
            updated_at=card.last_modified,
            verified=card.verified,
        )

    def url(self, card: Card) -> str:
        """The card's page in Guru's web app."""
        return f"{self.app_url}/card/{quote(card.slug or card.id, safe='/-_')}"


__all__ = ["SYSTEM", "CardMapping", "kind_of"]
