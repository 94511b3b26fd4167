"""Whether the customer already tried what an article documents, and it failed."""

from __future__ import annotations

import re

from ...connectors.records import Article
from ..signals import Hit

_WORD = re.compile(r"[a-z]{4,}")
_POINTER = re.compile(
    r"\b(?:as (?:the|your) (?:article|docs?|documentation|message|guide|kb|help) says?|as (?:you )?suggested|"
    r"your (?:article|guide|docs?|workaround|suggestion|fix)|the (?:workaround|suggested fix|documented fix))\b",
    re.IGNORECASE,
)
_COMMON = frozenset(
    w[:5]
    for w in [
        "that",
        "this",
        "with",
        "have",
        "from",
        "your",
        "them",
        "they",
        "their",
        "there",
        "were",
        "what",
        "when",
        "will",
        "would",
        "could",
        "should",
        "about",
        "again",
        "still",
        "same",
        "result",
        "tried",
        "does",
        "didn",
        "know",
        "just",
        "also",
        "only",
        "more",
        "into",
        "than",
        "then",
    ]
)
"""Words too common to tie an attempt to an article, by their first five letters (as `tried` compares)."""


def tried(article: Article, failures: list[Hit]) -> bool:
    """Whether a failed attempt in `failures` is the one `article` documents: it points at the article,
    or names what the article tells the customer to do (shared words, compared by their first letters)."""
    told = {w[:5] for w in _WORD.findall((article.workaround or article.body).lower())} - _COMMON
    for hit in failures:
        if _POINTER.search(hit.excerpt):
            return True
        said = {w[:5] for w in _WORD.findall(hit.excerpt.lower())} - _COMMON
        if len(told & said) >= 2:
            return True
    return False


def any_tried(articles: list[Article], failures: list[Hit]) -> bool:
    """Whether a failed attempt in `failures` is what one of `articles` documents."""
    return any(tried(a, failures) for a in articles)
