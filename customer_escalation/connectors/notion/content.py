"""A page's content: its blocks read page by page, nested blocks to a bounded depth.

Child pages and child databases are not read through (they are articles of their own); a page with
more blocks than the budget is read up to the budget.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

from ..vendor import collect_pages
from .client import NotionApi
from .models import Block, PageObject
from .text import Node

MAX_DEPTH = 3
"""How deep nested blocks (list items in list items, toggles) are read."""
MAX_BLOCKS = 600
"""The most blocks read of one page."""
CACHE_PAGES = 256
_OPAQUE = frozenset({"child_page", "child_database", "unsupported"})


class ContentReader:
    """Reads pages' blocks, remembering each page's content until it is edited again."""

    def __init__(self, api: NotionApi, *, max_depth: int = MAX_DEPTH, max_blocks: int = MAX_BLOCKS) -> None:
        self._api = api
        self._max_depth = max_depth
        self._max_blocks = max_blocks
        self._cache: OrderedDict[str, tuple[datetime, list[Node]]] = OrderedDict()

    async def read(self, page: PageObject) -> list[Node]:
        """The block tree of `page`."""
        cached = self._cache.get(page.id)
        if cached is not None and cached[0] == page.last_edited_time:
            self._cache.move_to_end(page.id)
            return cached[1]
        budget = [self._max_blocks]
        nodes = await self._children(page.id, 1, budget)
        self._cache[page.id] = (page.last_edited_time, nodes)
        while len(self._cache) > CACHE_PAGES:
            self._cache.popitem(last=False)
        return nodes

    async def _children(self, block_id: str, depth: int, budget: list[int]) -> list[Node]:
        if budget[0] <= 0:
            return []

        async def fetch(cursor: str | None) -> tuple[list[Block], str | None]:
            listing = await self._api.children(block_id, cursor=cursor)
            return list(listing.results), listing.next_cursor if listing.has_more else None

        blocks, _ = await collect_pages(fetch, max_items=budget[0], max_pages=1 + budget[0] // 100)
        budget[0] -= len(blocks)
        nodes: list[Node] = []
        for block in blocks:
            if block.in_trash or block.archived:
                continue
            node = Node(block)
            if block.has_children and depth < self._max_depth and block.type not in _OPAQUE and budget[0] > 0:
                node.children = await self._children(block.id, depth + 1, budget)
            nodes.append(node)
        return nodes


__all__ = ["CACHE_PAGES", "MAX_BLOCKS", "MAX_DEPTH", "ContentReader"]
