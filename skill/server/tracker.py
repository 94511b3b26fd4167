"""The project tracker's read tools: search issues, read one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import Field

from ...connectors.records import IssueKind, IssueStatus
from .. import views
from .shared import READ, Cursor, Id, Limit, Query, ServerState, as_utc, connector, translated


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
    ) -> Annotated[CallToolResult, views.IssueSearchResult]:
        """Search the tracker for related bugs and feature requests and their engineering status."""
        tracker = connector("tracker", state.registry.tracker)
        with translated("tracker"):
            page = await tracker.search_issues(
                query, status=status, kind=kind, since=as_utc(updated_since), limit=limit, cursor=cursor
            )
        result = views.IssueSearchResult(
            issues=[views.issue_summary(i) for i in page.items], **views.page_fields(page)
        )
        return state.cap(result, "Read one issue with tracker_get_issue, or search with a lower limit.")

    @server.tool(annotations=READ, title="Read a tracker issue")
    async def tracker_get_issue(key: Id) -> Annotated[CallToolResult, views.IssueResult]:
        """Read one tracker issue with its status, fix version and linked tickets and accounts."""
        tracker = connector("tracker", state.registry.tracker)
        with translated("tracker"):
            issue = await tracker.get_issue(key)
        return state.cap(
            views.IssueResult(issue=views.issue_summary(issue, full=True)), "Open the issue link for more."
        )


__all__ = ["register"]
