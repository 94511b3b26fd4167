"""What the free labels of a knowledge-base page say about it (Confluence labels, Guru tags, Notion's
kind property): the article's kind, its product area and whether it is outdated; and how much of an
article's text a record carries."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from .records import ArticleKind

KIND_ORDER: tuple[ArticleKind, ...] = ("known-issue", "troubleshooting", "reference", "how-to")
"""Labels that set an article's kind; when a page has several, the first in this order wins."""
AREA_PREFIX = "area-"
"""A label ``area-billing`` names the product area ``billing``."""
OUTDATED = "outdated"
SEARCH_BODY_CHARS = 600
"""The body a search hit carries."""
ARTICLE_BODY_CHARS = 20_000
"""The body an article read whole carries."""
WORKAROUND_CHARS = 2_000


def kind_of_labels(labels: Collection[str]) -> ArticleKind:
    """The kind the labels set; ``how-to`` when none does."""
    return next((kind for kind in KIND_ORDER if kind in labels), "how-to")


def area_of_labels(labels: Iterable[str]) -> str | None:
    """The product area of the first ``area-`` label; None when there is none (or it names nothing)."""
    area = next((label[len(AREA_PREFIX) :] for label in labels if label.startswith(AREA_PREFIX)), None)
    return area or None


def plain_labels(labels: Iterable[str]) -> tuple[str, ...]:
    """The labels that say nothing of kind, area or being outdated, in their order."""
    return tuple(
        label
        for label in labels
        if label not in KIND_ORDER and label != OUTDATED and not label.startswith(AREA_PREFIX)
    )


__all__ = [
    "AREA_PREFIX",
    "ARTICLE_BODY_CHARS",
    "KIND_ORDER",
    "OUTDATED",
    "SEARCH_BODY_CHARS",
    "WORKAROUND_CHARS",
    "area_of_labels",
    "kind_of_labels",
    "plain_labels",
]
