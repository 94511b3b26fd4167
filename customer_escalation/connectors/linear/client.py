"""The GraphQL operations the connector sends, each answering a validated model.

Everything is ``POST /graphql`` with ``{query, variables, operationName}``; reads may be retried after a
5xx or a timeout, the create may not (it may have been made), though its chosen id keeps a retry by
the caller from creating twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from .._http import HttpApi
from ..errors import NotFoundError, UpstreamError
from ..vendor import collect_pages
from . import queries
from .filters import Filter
from .models import (
    CreateData,
    CreatedIssue,
    Envelope,
    ExistingData,
    Issue,
    IssueData,
    Label,
    LabelsData,
    ListData,
    SearchData,
    Team,
    TeamsData,
    Viewer,
    ViewerData,
)
from .policy import SYSTEM

GRAPHQL_PATH = "/graphql"
DataT = TypeVar("DataT")


class LinearClient:
    """Linear's operations over one `HttpApi` (the credentials, rate limits and error mapping)."""

    def __init__(self, api: HttpApi) -> None:
        self.api = api

    async def search(
        self, term: str, issue_filter: Filter, *, limit: int, start: str | None
    ) -> tuple[list[Issue], str | None, int | None]:
        """Up to `limit` issues matching `term` by relevance from cursor `start` on, the cursor to
        resume from, and how many match in all."""
        total: int | None = None

        async def fetch(first: int, after: str | None) -> tuple[list[Issue], str | None]:
            nonlocal total
            variables = {"term": term, "filter": issue_filter, "first": first, "after": after}
            data = await self._run("IssueSearch", queries.SEARCH_ISSUES, variables, Envelope[SearchData])
            total = data.search_issues.total_count if total is None else total
            return data.search_issues.nodes, data.search_issues.page_info.following

        issues, token = await _pages(fetch, limit=limit, start=start)
        return issues, token, total

    async def recent(
        self, issue_filter: Filter, *, limit: int, start: str | None
    ) -> tuple[list[Issue], str | None]:
        """Up to `limit` issues most recently updated first, from cursor `start` on, and the next cursor."""

        async def fetch(first: int, after: str | None) -> tuple[list[Issue], str | None]:
            variables = {"filter": issue_filter, "first": first, "after": after}
            data = await self._run("IssueList", queries.LIST_ISSUES, variables, Envelope[ListData])
            return data.issues.nodes, data.issues.page_info.following

        return await _pages(fetch, limit=limit, start=start)

    async def issue(self, key: str) -> Issue:
        """One issue (by identifier or id) with its comments and history.

        Raises:
            NotFoundError: Linear has no such issue, or the credentials cannot see it.
        """
        data = await self._run("Issue", queries.ISSUE, {"id": key}, Envelope[IssueData])
        if data.issue is None:
            raise NotFoundError(f"linear: no issue {key}", system=SYSTEM)
        return data.issue

    async def existing(self, issue_id: str) -> CreatedIssue | None:
        """The issue with this id, or None."""
        try:
            data = await self._run("Existing", queries.EXISTING, {"id": issue_id}, Envelope[ExistingData])
        except NotFoundError:
            return None
        return data.issue

    async def teams(self, keys: Sequence[str]) -> list[Team]:
        data = await self._run("Teams", queries.TEAMS, {"keys": list(keys)}, Envelope[TeamsData])
        return data.teams.nodes

    async def labels(self, names: Sequence[str]) -> list[Label]:
        data = await self._run("Labels", queries.LABELS, {"names": list(names)}, Envelope[LabelsData])
        return data.issue_labels.nodes

    async def viewer(self) -> Viewer:
        return (await self._run("Viewer", queries.VIEWER, {}, Envelope[ViewerData])).viewer

    async def create(self, issue: dict[str, Any], attachments: Sequence[dict[str, Any]]) -> CreatedIssue:
        """Create an issue and its link attachments in one request. Never retried on 5xx.

        Raises:
            UpstreamError: Linear answered without the issue.
        """
        variables: dict[str, Any] = {"input": issue}
        variables.update({f"a{n}": value for n, value in enumerate(attachments)})
        document = queries.create_mutation(len(attachments))
        data = await self._run("IssueCreate", document, variables, Envelope[CreateData], idempotent=False)
        payload = data.issue_create
        if not payload.success or payload.issue is None:
            raise UpstreamError("linear: issueCreate reported no success", system=SYSTEM)
        return payload.issue

    async def _run(
        self,
        operation: str,
        document: str,
        variables: dict[str, Any],
        model: type[Envelope[DataT]],
        *,
        idempotent: bool = True,
    ) -> DataT:
        body = {"query": document, "variables": variables, "operationName": operation}
        envelope = await self.api.request_model(
            "POST",
            GRAPHQL_PATH,
            model,
            json_body=body,
            endpoint=f"POST {GRAPHQL_PATH} ({operation})",
            idempotent=idempotent,
        )
        return envelope.data


Fetch = Callable[[int, str | None], Awaitable[tuple[list[Issue], str | None]]]


async def _pages(fetch: Fetch, *, limit: int, start: str | None) -> tuple[list[Issue], str | None]:
    received = 0

    async def page(after: str | None) -> tuple[list[Issue], str | None]:
        nonlocal received
        # Asking for exactly what is still missing keeps Linear's cursor aligned with our page.
        nodes, following = await fetch(min(queries.VENDOR_PAGE_MAX, limit - received), after)
        received += len(nodes)
        return nodes, following

    return await collect_pages(page, max_items=limit, first=start)


__all__ = ["GRAPHQL_PATH", "LinearClient"]
