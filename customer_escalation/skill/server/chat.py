"""Chat's read tools: search messages, read a thread."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import Field

from .. import views
from .shared import READ, AsText, Cursor, Detail, Id, Limit, Query, ServerState, as_utc, reading


def register(server: MCPServer, state: ServerState) -> None:
    """Add `chat_search_messages` and `chat_get_thread` to `server`."""

    @server.tool(annotations=READ, title="Search chat messages")
    async def chat_search_messages(
        query: Query,
        channel: Annotated[
            str | None, Field(max_length=200, description="Channel id or name."), AsText
        ] = None,
        since: Annotated[datetime | None, Field(description="Only messages at or after.")] = None,
        limit: Limit = 10,
        cursor: Cursor = None,
        detail: Detail = "concise",
    ) -> Annotated[CallToolResult, views.MessageSearchResult]:
        """Search internal discussions and shared customer channels for this issue.

        Each message has `id` and `channel_id`; a reply also has `thread_id`, its root message's id. To
        read a conversation, call chat_get_thread with the message's `channel_id` and its `thread_id`
        (a root message has none: use its `id`). In escalation_assess pass a message as
        `<channel_id>:<id>`. Pass `next_cursor` back as `cursor` for the next page.
        """
        with reading("chat", state.registry.chat) as chat:
            page = await chat.search_messages(
                query, channel=channel, since=as_utc(since), limit=limit, cursor=cursor
            )
        result = views.MessageSearchResult(
            messages=[views.message_view(m) for m in page.items], **views.page_fields(page)
        )
        return state.cap(
            result, "Read a thread with chat_get_thread, or search with a lower limit.", detail=detail
        )

    @server.tool(annotations=READ, title="Read a chat thread")
    async def chat_get_thread(
        channel_id: Annotated[Id, Field(description="A message's `channel_id` from chat_search_messages.")],
        thread_id: Annotated[
            Id,
            Field(
                description="The thread's root message id: a search result's `thread_id`, or its `id` when "
                "it has no `thread_id` (it is the root)."
            ),
        ],
        detail: Detail = "concise",
    ) -> Annotated[CallToolResult, views.ThreadResult]:
        """Read a chat thread: the root message and its replies, oldest first."""
        with reading("chat", state.registry.chat) as chat:
            thread = await chat.get_thread(channel_id, thread_id)
        return state.cap(
            views.ThreadResult(thread=views.thread_view(thread)),
            "Open the thread link for all replies.",
            detail=detail,
        )


__all__ = ["register"]
