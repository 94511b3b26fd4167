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

from ..confluence.storage import parse_storage
from ..confluence.text import storage_text, workaround_section
from ..records import Article, ArticleKind, Ref
from ..text import clean_text, single_line
from .models import Card

SYSTEM = "guru"
KIND_TAGS: tuple[ArticleKind, ...] = ("known-issue", "troubleshooting", "reference", "how-to")
"""Tags that set an article's kind; when a card has several, the first in this order wins."""
AREA_TAG = "area-"
OUTDATED_TAG = "outdated"
SEARCH_BODY_CHARS = 600
ARTICLE_BODY_CHARS = 20_000
WORKAROUND_CHARS = 2_000


def kind_of(card: Card) -> ArticleKind:
    """The card's kind, from its tags."""
    tags = card.tag_values
    return next((kind for kind in KIND_TAGS if kind in tags), "how-to")


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary when one is near, marked with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip() + "…"


@dataclass(frozen=True)
class CardMapping:
    """Maps cards to records; `app_url` is the root of Guru's web app that card links point to."""

    app_url: str

    def article(self, card: Card, *, full: bool) -> Article:
        """The record of a card: a search hit (`full` False, body shortened) or a card read whole."""
        document = parse_storage(card.content or "")
        workaround = workaround_section(document)
        tags = card.tag_values
        area = next((tag[len(AREA_TAG) :] for tag in tags if tag.startswith(AREA_TAG)), None)
        return Article(
            ref=Ref(system=SYSTEM, id=card.id, url=self.url(card)),
            id=card.id,
            title=single_line(card.preferred_phrase),
            body=truncate(
                clean_text(storage_text(document)), ARTICLE_BODY_CHARS if full else SEARCH_BODY_CHARS
            ),
            kind=kind_of(card),
            workaround=truncate(workaround, WORKAROUND_CHARS) if workaround else None,
            product_area=area or None,
            labels=tuple(
                tag
                for tag in dict.fromkeys(tags)
                if tag not in KIND_TAGS and tag != OUTDATED_TAG and not tag.startswith(AREA_TAG)
            ),
            status="outdated" if OUTDATED_TAG in tags else "current",
            updated_at=card.last_modified,
            verified=card.verified,
        )

    def url(self, card: Card) -> str:
        """The card's page in Guru's web app."""
        return f"{self.app_url}/card/{quote(card.slug or card.id, safe='/-_')}"


__all__ = ["AREA_TAG", "KIND_TAGS", "OUTDATED_TAG", "SYSTEM", "CardMapping", "kind_of"]
