"""The project tracker's read tools: search issues, read one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import Field

from ...connectors.records import IssueKind, IssueStatus
from .. import views
from .shared import READ, Cursor, Detail, Id, Limit, Query, ServerState, as_utc, reading


def register(server: MCPServer, state: ServerState) -> None:
    """Add `tracker_search_issues` and `tracker_get_issue` to `server`."""

    @server.tool(annotations=READ, title="Search tracker issues")
    async def tracker_search_issues(
        query: Query,
        status: Annotated[list[IssueStatus] | None, Field(description="Only these statuses.")] = None,
        kind: Annotated[IssueKind | None, Field(description="bug, feature or task.")] = None,
        updated_since: Annotated[
            datetime | None, Field(description="Only issues updated at or after.")
        ] = None,
        limit: Limit = 10,
        cursor: Cursor = None,
        detail: Detail = "concise",
    ) -> Annotated[CallToolResult, views.IssueSearchResult]:
        """Search the tracker for related bugs and feature requests and their engineering status.

        Each issue's `key` (e.g. ENG-42) is the tracker's key: pass it to tracker_get_issue, in
        escalation_assess's `issue_keys`, and to tracker_create_issue's `related_issue_keys`. Pass
        `next_cursor` back as `cursor` for the next page.
        """
        with reading("tracker", state.registry.tracker) as tracker:
            page = await tracker.search_issues(
                query, status=status, kind=kind, since=as_utc(updated_since), limit=limit, cursor=cursor
            )
        result = views.IssueSearchResult(
            issues=[views.issue_summary(i) for i in page.items], **views.page_fields(page)
        )
        return state.cap(
            result, "Read one issue with tracker_get_issue, or search with a lower limit.", detail=detail
        )

    @server.tool(annotations=READ, title="Read a tracker issue")
    async def tracker_get_issue(
        key: Annotated[Id, Field(description="An issue's `key` from tracker_search_issues or a ticket.")],
        detail: Detail = "concise",
    ) -> Annotated[CallToolResult, views.IssueResult]:
        """Read one tracker issue: status, body and linked tickets (full: also fix version, labels and
        linked accounts)."""
        with reading("tracker", state.registry.tracker) as tracker:
            issue = await tracker.get_issue(key)
        return state.cap(
            views.IssueResult(issue=views.issue_summary(issue, full=True)),
            "Open the issue link for more.",
            detail=detail,
        )


__all__ = ["register"]
