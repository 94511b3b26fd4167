"""Following a search's `next_cursor` from its first page to its last, as a caller of a connector does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from customer_escalation.connectors.records import Page


async def every_page(search: Callable[[str | None], Awaitable[Page[Any]]], *, most: int) -> list[Page[Any]]:
    """The pages `search(cursor)` answers, starting without a cursor and passing each page's
    `next_cursor` on until one has none; a search still offering a cursor after `most` pages fails."""
    pages: list[Page[Any]] = []
    cursor: str | None = None
    for _ in range(most):
        page = await search(cursor)
        pages.append(page)
        cursor = page.next_cursor
        if cursor is None:
            return pages
    raise AssertionError(f"the search still offered a next cursor after {most} pages")


def ids_of(pages: list[Page[Any]]) -> list[str]:
    """The ids of every item on `pages`, in order."""
    return [item.id for page in pages for item in page.items]
