"""The knowledge base's read tools: search articles, read one."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import Field

from ...connectors.records import ArticleKind
from .. import views
from .shared import READ, Cursor, Id, Limit, Query, ServerState, connector, translated


def register(server: MCPServer, state: ServerState) -> None:
    """Add `kb_search_articles` and `kb_get_article` to `server`."""

    @server.tool(annotations=READ, title="Search knowledge-base articles")
    async def kb_search_articles(
        query: Query,
        kind: Annotated[
            ArticleKind | None, Field(description="how-to, troubleshooting, known-issue, reference.")
        ] = None,
        limit: Limit = 10,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, views.ArticleSearchResult]:
        """Search the knowledge base for known issues, workarounds and how-to guides."""
        kb = connector("kb", state.registry.kb)
        with translated("kb"):
            page = await kb.search_articles(query, kind=kind, limit=limit, cursor=cursor)
        result = views.ArticleSearchResult(
            articles=[views.article_summary(a) for a in page.items], **views.page_fields(page)
        )
        return state.cap(result, "Read one article with kb_get_article, or search with a lower limit.")

    @server.tool(annotations=READ, title="Read a knowledge-base article")
    async def kb_get_article(article_id: Id) -> Annotated[CallToolResult, views.ArticleResult]:
        """Read one knowledge-base article, with its workaround if it documents one."""
        kb = connector("kb", state.registry.kb)
        with translated("kb"):
            article = await kb.get_article(article_id)
        return state.cap(
            views.ArticleResult(article=views.article_summary(article, full=True)), "Open the article link."
        )


__all__ = ["register"]
