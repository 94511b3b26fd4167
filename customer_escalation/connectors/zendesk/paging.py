"""Offset pages of Zendesk's search endpoints behind our opaque cursors, and Zendesk's numeric ids."""

from __future__ import annotations

from ..base import MAX_PAGE_SIZE
from ..cursor import decode_cursor, encode_cursor
from ..errors import InvalidQueryError, NotFoundError

SYSTEM = "zendesk"
SEARCH_RESULT_CAP = 1_000
"""Zendesk returns at most the first 1,000 results of a search; asking past them is a 422."""


def numeric_id(value: str, what: str) -> str:
    """A Zendesk id (a number) as given by a caller.

    Raises:
        NotFoundError: the value is not a number, so nothing in Zendesk has it.
    """
    candidate = str(value).strip()
    if not candidate.isdigit():
        raise NotFoundError(f"no {what} {value!r} in Zendesk; Zendesk ids are numbers", system=SYSTEM)
    return candidate


def page_position(cursor: str | None, fingerprint: str, per_page: int) -> tuple[int, int]:
    """The page number and page size a cursor stands for (the first page without one).

    Raises:
        InvalidQueryError: the cursor was not made by this search or is past the result cap.
    """
    if not cursor:
        return 1, per_page
    position = decode_cursor(cursor, fingerprint, system=SYSTEM)
    match position:
        case [int(page), int(size)] if (
            not isinstance(page, bool)
            and not isinstance(size, bool)
            and page >= 1
            and 1 <= size <= MAX_PAGE_SIZE
            and page * size <= SEARCH_RESULT_CAP
        ):
            return page, size
    raise InvalidQueryError("cursor is not valid; omit it to start over", system=SYSTEM)


def next_cursor(fingerprint: str, page: int, per_page: int, *, more: bool, count: int | None) -> str | None:
    """The cursor of the next page, or None after the last page or at the result cap."""
    if count is not None:
        more = more and page * per_page < count
    if not more or (page + 1) * per_page > SEARCH_RESULT_CAP:
        return None
    return encode_cursor(fingerprint, [page + 1, per_page])


def total(count: int | None) -> int | None:
    """The search's whole result size, when Zendesk gave a sensible one."""
    return count if count is not None and count >= 0 else None


__all__ = ["SEARCH_RESULT_CAP", "next_cursor", "numeric_id", "page_position", "total"]
