"""Checks of a knowledge base's search arguments that every vendor's knowledge base makes the same way."""

from __future__ import annotations

from typing import get_args

from .base import MAX_PAGE_SIZE
from .cursor import clamp_limit
from .errors import InvalidQueryError
from .records import ArticleKind

_KINDS: frozenset[str] = frozenset(get_args(ArticleKind))


def article_page_size(limit: int, kind: ArticleKind | None, *, system: str) -> int:
    """The page size of `KnowledgeBase.search_articles` (`limit`, at most `MAX_PAGE_SIZE`), once `limit`
    and `kind` are known to be valid.

    Raises:
        InvalidQueryError: `limit` is not a whole number of at least 1, or `kind` is no article kind.
    """
    size = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=system)
    if kind is not None and kind not in _KINDS:
        raise InvalidQueryError(f"unknown article kind {kind!r}", system=system)
    return size


__all__ = ["article_page_size"]
