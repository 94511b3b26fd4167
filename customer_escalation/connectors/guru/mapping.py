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

from ..article_labels import ARTICLE_BODY_CHARS, SEARCH_BODY_CHARS, kind_of_labels
from ..confluence.mapping import storage_article
from ..records import Article, ArticleKind, Ref
from ..text import single_line
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
        return storage_article(
            Ref(system=SYSTEM, id=card.id, url=self.url(card)),
            title=single_line(card.preferred_phrase),
            storage=card.content or "",
            labels=tuple(dict.fromkeys(card.tag_values)),
            outdated=False,
            updated_at=card.last_modified,
            body_chars=ARTICLE_BODY_CHARS if full else SEARCH_BODY_CHARS,
            verified=card.verified,
        )

    def url(self, card: Card) -> str:
        """The card's page in Guru's web app."""
        return f"{self.app_url}/card/{quote(card.slug or card.id, safe='/-_')}"


__all__ = ["SYSTEM", "CardMapping", "kind_of"]
