"""`NotionApi`: the Notion endpoints this connector calls, each behind the rate gate.

    POST /v1/search                     pages shared with the integration (titles only)
    GET  /v1/pages/{id}                 one page: title, properties, parent, URL
    GET  /v1/blocks/{id}/children       a page's (or block's) content, 100 blocks per request
    GET  /v1/blocks/{id}                a block, read for its parent
    GET  /v1/databases/{id}             a database, read for its parent
    GET  /v1/data_sources/{id}          a data source, read for its parent

Every body is validated against its model in `models` as it arrives.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .._http import HttpApi
from .gate import RateGate
from .models import Ancestor, BlockList, PageObject, SearchResults

VENDOR_PAGE_MAX = 100
"""The largest ``page_size`` Notion accepts."""
SEARCH_PATH = "/v1/search"
ANCESTOR_PATHS = {"page": "/v1/pages", "database": "/v1/databases", "data_source": "/v1/data_sources"}


class NotionApi:
    """Notion's REST API over `api`, pacing every request through `gate`."""

    def __init__(self, api: HttpApi, gate: RateGate) -> None:
        self.http = api
        self._gate = gate

    async def aclose(self) -> None:
        await self.http.aclose()

    async def search(
        self, query: str, *, page_size: int, cursor: str | None = None, recent_first: bool = False
    ) -> SearchResults:
        """One page of pages whose title matches `query` (every shared page when it is empty)."""
        body: dict[str, Any] = {
            "filter": {"property": "object", "value": "page"},
            "page_size": min(page_size, VENDOR_PAGE_MAX),
        }
        if query:
            body["query"] = query
        if recent_first:
            body["sort"] = {"timestamp": "last_edited_time", "direction": "descending"}
        if cursor:
            body["start_cursor"] = cursor
        await self._gate.wait()
        return await self.http.request_model(
            "POST",
            SEARCH_PATH,
            SearchResults,
            json_body=body,
            endpoint=f"POST {SEARCH_PATH}",
            idempotent=True,
        )

    async def page(self, page_id: str) -> PageObject:
        await self._gate.wait()
        return await self.http.get_model(
            f"/v1/pages/{quote(page_id)}", PageObject, endpoint="GET /v1/pages/{id}"
        )

    async def children(self, block_id: str, *, cursor: str | None = None) -> BlockList:
        await self._gate.wait()
        return await self.http.get_model(
            f"/v1/blocks/{quote(block_id)}/children",
            BlockList,
            params={"page_size": VENDOR_PAGE_MAX, "start_cursor": cursor},
            endpoint="GET /v1/blocks/{id}/children",
        )

    async def ancestor(self, kind: str, object_id: str) -> Ancestor:
        """A page, database, data source or block, read for its parent."""
        path = ANCESTOR_PATHS.get(kind, "/v1/blocks")
        await self._gate.wait()
        return await self.http.get_model(
            f"{path}/{quote(object_id)}", Ancestor, endpoint=f"GET {path}/{{id}}"
        )


__all__ = ["ANCESTOR_PATHS", "SEARCH_PATH", "VENDOR_PAGE_MAX", "NotionApi"]
