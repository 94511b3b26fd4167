"""Background knowledge-base articles: how-tos, troubleshooting guides, known issues and references."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import TypeAdapter

from ...records import Article, ArticleKind
from ._common import ref
from ._data import table

_FIXED_NUMBERS = frozenset({109, 118, 131, 150, 162, 167, 173, 204})


@dataclass(frozen=True)
class _Entry:
    title: str
    kind: ArticleKind
    area: str
    body: str
    workaround: str | None = None
    outdated: bool = False


_ENTRIES = table("kb.yaml", "entries", TypeAdapter(tuple[_Entry, ...]))


def build_articles(now: datetime, rng: random.Random) -> list[Article]:
    """The background articles with seeded ids and update times."""
    numbers = [n for n in range(101, 260) if n not in _FIXED_NUMBERS]
    chosen = sorted(rng.sample(numbers, len(_ENTRIES)))
    articles = []
    for number, entry in zip(chosen, _ENTRIES, strict=True):
        article_id = f"KB-{number}"
        age = rng.uniform(400, 900) if entry.outdated else rng.uniform(5, 380)
        articles.append(
            Article(
                ref=ref(article_id),
                id=article_id,
                title=entry.title,
                body=entry.body,
                kind=entry.kind,
                workaround=entry.workaround,
                product_area=entry.area,
                labels=(entry.area, entry.kind),
                status="outdated" if entry.outdated else "current",
                updated_at=now - timedelta(days=age, minutes=rng.randrange(1440)),
            )
        )
    return articles
