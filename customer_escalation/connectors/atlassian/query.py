"""JQL and CQL literals: exact values and free text for a ``~`` (contains) clause."""

from __future__ import annotations

import re
from collections.abc import Sequence

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# Lucene's query syntax characters: in a `~` clause they would be operators, so free text escapes them.
_LUCENE_SPECIAL = frozenset('+-&|!(){}[]^"~*?:\\/')
_WORD = re.compile(r"\w")


def quote_literal(value: str) -> str:
    """A JQL/CQL string literal for an exact value (project key, label, status name)."""
    cleaned = _CONTROL.sub(" ", value)
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def text_literal(text: str) -> str:
    """A JQL/CQL string literal for a `~` (contains) clause that matches `text` as plain words.

    Lucene operators are escaped for Lucene first, then the result is quoted for JQL/CQL, so
    ``fix (this)`` searches the words and ``AND``/``OR`` are lowered to ordinary (ignored) words.
    """
    words = re.sub(r"\b(AND|OR|NOT)\b", lambda m: m.group(1).lower(), _CONTROL.sub(" ", text))
    escaped = "".join("\\" + ch if ch in _LUCENE_SPECIAL else ch for ch in words)
    return quote_literal(" ".join(escaped.split()))


def has_words(text: str) -> bool:
    """True when `text` holds something a text search can match (not only spaces and punctuation)."""
    return bool(_WORD.search(text))


def literals(values: Sequence[str]) -> str:
    """Comma-separated literals for an ``in (...)`` list."""
    return ", ".join(quote_literal(v) for v in values)


__all__ = ["has_words", "literals", "quote_literal", "text_literal"]
