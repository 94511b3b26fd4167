"""Notion pages as `Article` records.

The kind comes from what the page says: a select, multi-select or status option (a "Type" column
reading "Known issue", "How-to", "Workaround", "Troubleshooting" or "Reference"), else a title prefix
("Known issue: ...", "Workaround - ..."); otherwise the page is a how-to. A workaround page is a known
issue whose whole body is the workaround; other pages have one when a "Workaround" heading has text
under it. A select named "Area" (or "Product area", "Component") gives the product area, other
multi-select options are labels, and an "Outdated" or "Deprecated" option marks the article outdated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..article_labels import (
    ARTICLE_BODY_CHARS,
    KIND_ORDER,
    SEARCH_BODY_CHARS,
    WORKAROUND_CHARS,
    kind_of_labels,
)
from ..records import Article, ArticleKind, Ref
from ..text import clean_text, truncate
from .models import PageObject
from .policy import SYSTEM
from .text import Node, blocks_text, workaround_section

WORKAROUND = "workaround"
_KIND_WORDS: dict[str, str] = {
    "knownissue": "known-issue",
    "knownissues": "known-issue",
    "bug": "known-issue",
    "workaround": WORKAROUND,
    "workarounds": WORKAROUND,
    "howto": "how-to",
    "guide": "how-to",
    "troubleshooting": "troubleshooting",
    "reference": "reference",
}
_OUTDATED = frozenset({"outdated", "deprecated", "obsolete", "archived"})
_AREA_PROPERTIES = frozenset({"area", "productarea", "component"})
_TITLE_PREFIX = re.compile(r"^\s*\[?\s*([a-z][a-z -]{1,20}?)\s*(?:\]|:|\s-\s|–|—)", re.IGNORECASE)


def _word(text: str) -> str:
    return re.sub(r"[\s_-]+", "", text.strip().lower())


def page_kinds(page: PageObject) -> set[str]:
    """The kinds a page names in its options and title prefix (``workaround`` among them)."""
    named = {
        _KIND_WORDS[_word(option)]
        for prop in page.properties.values()
        if prop is not None
        for option in prop.options()
        if _word(option) in _KIND_WORDS
    }
    prefix = _TITLE_PREFIX.match(page.title())
    if prefix and _word(prefix.group(1)) in _KIND_WORDS:
        named.add(_KIND_WORDS[_word(prefix.group(1))])
    return named


def article_kind(named: set[str]) -> ArticleKind:
    """The article kind for the kinds a page names: a workaround page is a known issue."""
    kinds = {"known-issue" if k == WORKAROUND else k for k in named}
    return kind_of_labels(kinds)


def _area(page: PageObject) -> str | None:
    for name, prop in page.properties.items():
        if prop is not None and _word(name) in _AREA_PROPERTIES and prop.options():
            return prop.options()[0].strip()
    return None


def _labels(page: PageObject) -> tuple[str, ...]:
    found = [
        option.strip()
        for name, prop in page.properties.items()
        if prop is not None and prop.type == "multi_select" and _word(name) not in _AREA_PROPERTIES
        for option in prop.options()
        if _word(option) not in _KIND_WORDS and _word(option) not in _OUTDATED
    ]
    return tuple(dict.fromkeys(found))


def _outdated(page: PageObject) -> bool:
    return any(
        _word(option) in _OUTDATED
        for prop in page.properties.values()
        if prop is not None
        for option in prop.options()
    )


def to_article(page: PageObject, content: Sequence[Node], *, body_chars: int) -> Article:
    """The record of a page and its blocks; the body is cut at `body_chars`."""
    named = page_kinds(page)
    body = blocks_text(content)
    workaround = workaround_section(content)
    if workaround is None and WORKAROUND in named and body:
        workaround = body
    return Article(
        ref=Ref(system=SYSTEM, id=page.id, url=page.url),
        id=page.id,
        title=clean_text(page.title()),
        body=truncate(body, body_chars),
        kind=article_kind(named),
        workaround=truncate(workaround, WORKAROUND_CHARS) if workaround else None,
        product_area=_area(page),
        labels=_labels(page),
        status="outdated" if _outdated(page) else "current",
        updated_at=page.last_edited_time,
    )


__all__ = [
    "ARTICLE_BODY_CHARS",
    "KIND_ORDER",
    "SEARCH_BODY_CHARS",
    "WORKAROUND_CHARS",
    "article_kind",
    "page_kinds",
    "to_article",
]
