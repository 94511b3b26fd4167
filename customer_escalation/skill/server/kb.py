"""The knowledge base's read tools: search articles, read one."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import Field

from ...connectors.records import ArticleKind
from .. import views
from .shared import READ, Cursor, Detail, Id, Limit, Query, ServerState, reading


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
        detail: Detail = "concise",
    ) -> Annotated[CallToolResult, views.ArticleSearchResult]:
        """Search the knowledge base for known issues, workarounds and how-to guides.

        Each article's `id` is the knowledge base's id: pass it to kb_get_article and, for an article
        that documents this issue, in escalation_assess's `article_ids`. Pass `next_cursor` back as
        `cursor` for the next page.
        """
        with reading("kb", state.registry.kb) as kb:
            page = await kb.search_articles(query, kind=kind, limit=limit, cursor=cursor)
        result = views.ArticleSearchResult(
            articles=[views.article_summary(a) for a in page.items], **views.page_fields(page)
        )
        return state.cap(
            result, "Read one article with kb_get_article, or search with a lower limit.", detail=detail
        )

    @server.tool(annotations=READ, title="Read a knowledge-base article")
    async def kb_get_article(
        article_id: Annotated[Id, Field(description="An article's `id` from kb_search_articles.")],
        detail: Detail = "concise",
    ) -> Annotated[CallToolResult, views.ArticleResult]:
        """Read one knowledge-base article, with its workaround if it documents one."""
        with reading("kb", state.registry.kb) as kb:
            article = await kb.get_article(article_id)
        return state.cap(
            views.ArticleResult(article=views.article_summary(article, full=True)),
            "Open the article link.",
            detail=detail,
        )


__all__ = ["register"]
