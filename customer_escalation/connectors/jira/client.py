"""The Jira Cloud REST API v3 calls the connector makes, each answering a validated model.

Search goes through ``POST /rest/api/3/search/jql`` (the only search Jira Cloud still serves: the old
``/rest/api/3/search`` answers 410, which surfaces as `EndpointGoneError`, never as an empty list).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from .._http import HttpApi
from ..atlassian import Named
from ..vendor import collect_pages
from .models import CreatedIssue, Issue, KeySearchPage, Myself, NamedList, ResolutionPage, SearchPage

SEARCH_PATH = "/rest/api/3/search/jql"
ISSUE_PATH = "/rest/api/3/issue"
MYSELF_PATH = "/rest/api/3/myself"
STATUS_PATH = "/rest/api/3/status"
RESOLUTION_PATH = "/rest/api/3/resolution/search"
ISSUE_TYPE_PATH = "/rest/api/3/issuetype"
SEARCH_ENDPOINT = f"POST {SEARCH_PATH}"
ISSUE_ENDPOINT = f"GET {ISSUE_PATH}/{{key}}"
RESOLUTION_PAGES = 20
"""At most this many pages of resolutions are read (50 each)."""


class JiraClient:
    """Jira's endpoints over one `HttpApi` (the site's auth, rate limits and error mapping)."""

    def __init__(self, api: HttpApi) -> None:
        self.api = api

    async def search(
        self, jql: str, fields: Sequence[str], *, limit: int, start: str | None
    ) -> tuple[list[Issue], str | None]:
        """Up to `limit` issues from page token `start` on, and the token to resume from."""
        received = 0

        async def fetch(token: str | None) -> tuple[list[Issue], str | None]:
            nonlocal received
            # Asking for exactly what is still missing keeps Jira's token aligned with our page.
            request: dict[str, Any] = {"jql": jql, "fields": list(fields), "maxResults": limit - received}
            if token:
                request["nextPageToken"] = token
            page = await self.api.request_model(
                "POST", SEARCH_PATH, SearchPage, json_body=request, endpoint=SEARCH_ENDPOINT, idempotent=True
            )
            received += len(page.issues)
            return page.issues, page.following

        issues, token = await collect_pages(fetch, max_items=limit, first=start)
        return issues, token

    async def first_key(self, jql: str) -> str | None:
        """The key of the first issue `jql` finds, or None."""
        request = {"jql": jql, "fields": ["created"], "maxResults": 1}
        page = await self.api.request_model(
            "POST", SEARCH_PATH, KeySearchPage, json_body=request, endpoint=SEARCH_ENDPOINT, idempotent=True
        )
        return page.issues[0].key if page.issues else None

    async def issue(self, key: str, fields: Sequence[str]) -> Issue:
        """One issue with `fields` and its changelog."""
        return await self.api.get_model(
            f"{ISSUE_PATH}/{quote(key)}",
            Issue,
            params={"fields": ",".join(fields), "expand": "changelog"},
            endpoint=ISSUE_ENDPOINT,
        )

    async def create(self, payload: dict[str, Any]) -> str:
        """Create an issue; returns its key. Never retried on 5xx (it may have been created)."""
        created = await self.api.request_model(
            "POST", ISSUE_PATH, CreatedIssue, json_body=payload, endpoint=f"POST {ISSUE_PATH}"
        )
        return created.key

    async def myself(self) -> Myself:
        return await self.api.get_model(MYSELF_PATH, Myself, endpoint=f"GET {MYSELF_PATH}")

    async def status_names(self) -> frozenset[str]:
        statuses = await self.api.get_model(STATUS_PATH, NamedList, endpoint=f"GET {STATUS_PATH}")
        return _names(statuses.root)

    async def issue_type_names(self) -> frozenset[str]:
        types = await self.api.get_model(ISSUE_TYPE_PATH, NamedList, endpoint=f"GET {ISSUE_TYPE_PATH}")
        return _names(types.root)

    async def resolution_names(self) -> frozenset[str]:
        values: list[Named] = []
        for _ in range(RESOLUTION_PAGES):
            params = {"startAt": len(values), "maxResults": 50}
            page = await self.api.get_model(
                RESOLUTION_PATH, ResolutionPage, params=params, endpoint=f"GET {RESOLUTION_PATH}"
            )
            values.extend(page.values)
            if page.is_last is not False or not page.values:
                break
        return _names(values)


def _names(values: Sequence[Named]) -> frozenset[str]:
    """Casefolded, since Jira compares these names without regard to case."""
    return frozenset(value.name.casefold() for value in values if value.name)


__all__ = ["ISSUE_ENDPOINT", "SEARCH_ENDPOINT", "SEARCH_PATH", "JiraClient"]
