"""The SQLite workspace's side of the shared reads: a search described by `Criteria`, run on the index
of the kind it pages through."""

from __future__ import annotations

from functools import partial
from typing import TypeVar

from pydantic import BaseModel

from ...records import Page
from ..indexing import Kind
from ..search import SearchIndex
from .base import ACCOUNT_INDEX, ARTICLE_INDEX, ISSUE_INDEX, MESSAGE_INDEX, TICKET_INDEX, StoreBase
from .criteria import Criteria, sqlite_filters

M = TypeVar("M", bound=BaseModel)

INDEXES: dict[str, SearchIndex] = {
    index.table: index for index in (TICKET_INDEX, ACCOUNT_INDEX, MESSAGE_INDEX, ISSUE_INDEX, ARTICLE_INDEX)
}
"""The search index of each record table."""


class SearchingStore(StoreBase):
    """The store base of every table family: the shared reads page through its `_find_now`."""

    async def _matching(
        self, kind: Kind[M], query: str, criteria: Criteria, limit: int, cursor: str | None
    ) -> Page[M]:
        """One page of `kind` matching `query` and `criteria`, read in the connection's thread."""
        filters = sqlite_filters(criteria)
        index = INDEXES[kind.table]
        return await self._worker.run(
            partial(self._find_now, index, kind, query, filters, criteria.fingerprint, limit, cursor)
        )
