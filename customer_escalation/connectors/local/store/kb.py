"""Knowledge-base articles in the workspace."""

from __future__ import annotations

from .reads import ArticleReads
from .searching import SearchingStore


class KbTables(SearchingStore, ArticleReads):
    """Articles: search and read."""
