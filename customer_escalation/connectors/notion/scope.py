"""The read scope: which pages lie below one of the configured root pages (``NOTION_ROOT_PAGES``).

A page's ancestry is followed parent by parent (page, data source, database or block) to a bounded
height; each parent is read once per connector. An ancestor the integration may not read ends the
walk: the page is then outside the scope.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import NotFoundError, PermissionDeniedError
from .client import NotionApi
from .models import PageObject, Parent

MAX_HEIGHT = 12
"""How many parents are followed before a page is taken to be outside every root."""


class RootScope:
    """Decides whether pages are readable; with no roots every shared page is."""

    def __init__(self, api: NotionApi, roots: Sequence[str] = ()) -> None:
        self._api = api
        self.roots = frozenset(r.lower() for r in roots)
        self._parents: dict[str, Parent | None] = {}

    async def contains(self, page: PageObject) -> bool:
        """True when `page` is a root or lies below one."""
        if not self.roots:
            return True
        if page.id.lower() in self.roots:
            return True
        parent = page.parent
        for _ in range(MAX_HEIGHT):
            if parent is None or parent.type == "workspace":
                return False
            if any(i.lower() in self.roots for i in parent.ids()):
                return True
            parent = await self._parent_of(parent)
        return False

    async def _parent_of(self, parent: Parent) -> Parent | None:
        kind, object_id = _next_hop(parent)
        if object_id is None:
            return None
        if object_id not in self._parents:
            try:
                self._parents[object_id] = (await self._api.ancestor(kind, object_id)).parent
            except (NotFoundError, PermissionDeniedError):
                self._parents[object_id] = None  # not shared with the integration: the walk ends
        return self._parents[object_id]


def _next_hop(parent: Parent) -> tuple[str, str | None]:
    if parent.type == "page_id":
        return "page", parent.page_id
    if parent.type == "data_source_id":
        if parent.database_id:
            return "database", parent.database_id
        return "data_source", parent.data_source_id
    if parent.type == "database_id":
        return "database", parent.database_id
    return "block", parent.block_id


__all__ = ["MAX_HEIGHT", "RootScope"]
