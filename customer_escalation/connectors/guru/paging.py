"""Guru's paging: the next page's address in a ``Link`` header (``rel="next-page"``), and our cursor
over it.

Guru drops the next-page address into the ``Link`` header of a response that has more results; the
page after it is read by requesting that address. Only the address's query is kept: every page is
requested at the search path on the configured API root, so neither a vendor's header nor a cursor
edited by hand can point a request (and its credentials) at another host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from ..cursor import decode_cursor, encode_cursor
from ..errors import InvalidQueryError, UpstreamError

_LINK = re.compile(r"<\s*([^>]*?)\s*>\s*((?:;\s*[^;,]*)*)")
_REL = re.compile(r"""rel\s*=\s*"?([^";]+)"?""", re.IGNORECASE)
_NEXT_RELS = frozenset({"next-page", "next"})
_MAX_PARAMS = 20


def next_page_params(link: str | None, *, search_path: str, system: str) -> dict[str, str] | None:
    """The query of the next page named in a ``Link`` header, or None on the last page.

    Raises:
        UpstreamError: the next-page address is not the search endpoint.
    """
    if not link:
        return None
    for match in _LINK.finditer(link):
        rels = {rel.lower() for found in _REL.finditer(match.group(2)) for rel in found.group(1).split()}
        if not rels & _NEXT_RELS:
            continue
        address = urlsplit(match.group(1))
        if address.path.rstrip("/") != search_path.rstrip("/"):
            raise UpstreamError(f"{system}: the next page of results is not at {search_path}", system=system)
        return dict(parse_qsl(address.query, keep_blank_values=True)) or None
    return None


@dataclass(frozen=True)
class Position:
    """Where a search resumes: a page's query (None for the first page) and how many of its cards to skip."""

    params: dict[str, str] | None = None
    skip: int = 0

    def encode(self, fingerprint: str) -> str:
        return encode_cursor(fingerprint, {"p": self.params, "s": self.skip})

    @classmethod
    def decode(cls, cursor: str | None, fingerprint: str, *, system: str) -> Position:
        """The position in `cursor`; the first page without one.

        Raises:
            InvalidQueryError: the cursor is malformed, edited or from another query.
        """
        if not cursor:
            return cls()
        value = decode_cursor(cursor, fingerprint, system=system)
        params = value.get("p") if isinstance(value, dict) else None
        skip = value.get("s") if isinstance(value, dict) else None
        valid_params = params is None or (
            isinstance(params, dict)
            and len(params) <= _MAX_PARAMS
            and all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
        )
        if not valid_params or not isinstance(skip, int) or isinstance(skip, bool) or not 0 <= skip <= 1000:
            raise InvalidQueryError("cursor is not valid; omit it to start over", system=system)
        return cls(params, skip)


__all__ = ["Position", "next_page_params"]
