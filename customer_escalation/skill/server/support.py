"""The support platform's read tools: search tickets, read one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import Field

from ...connectors.records import TicketStatus
from .. import views
from .shared import READ, AsText, Cursor, Detail, Id, Limit, Query, ServerState, as_utc, reading


def register(server: MCPServer, state: ServerState) -> None:
    """Add `support_search_tickets` and `support_get_ticket` to `server`."""

    @server.tool(annotations=READ, title="Search support tickets")
    async def support_search_tickets(
        query: Query = "",
        status: Annotated[list[TicketStatus] | None, Field(description="Only these statuses.")] = None,
        updated_since: Annotated[
            datetime | None, Field(description="Only tickets updated at or after.")
        ] = None,
        organization_id: Annotated[
            str | None, Field(max_length=200, description="Only this organization."), AsText
        ] = None,
        limit: Limit = 10,
        cursor: Cursor = None,
        detail: Detail = "concise",
    ) -> Annotated[CallToolResult, views.TicketSearchResult]:
        """Search support tickets by symptom, error text or customer; use it to find every affected customer.

        Each ticket's `id` is the support platform's ticket id: pass it to support_get_ticket and, for
        the tickets about this issue, in escalation_assess's `ticket_ids`. `organization_id` (from a
        ticket) narrows a search to one customer. Pass `next_cursor` back as `cursor` for the next page.
        """
        with reading("support", state.registry.support) as support:
            page = await support.search_tickets(
                query,
                status=status,
                since=as_utc(updated_since),
                organization_id=organization_id,
                limit=limit,
                cursor=cursor,
            )
        result = views.TicketSearchResult(
            tickets=[views.ticket_summary(t) for t in page.items], **views.page_fields(page)
        )
        return state.cap(
            result,
            "Read single tickets with support_get_ticket, or search with a lower limit.",
            detail=detail,
        )

    @server.tool(annotations=READ, title="Read a support ticket")
    async def support_get_ticket(
        ticket_id: Annotated[Id, Field(description="A ticket's `id` from support_search_tickets.")],
        detail: Detail = "concise",
    ) -> Annotated[CallToolResult, views.TicketResult]:
        """Read one ticket with its conversation and internal notes (full: also its SLA clocks and tags).

        Comments carry `author_role` (customer, agent, internal...): only a customer's words are evidence
        for escalation_assess's `findings` (record `ticket:<id>`).
        """
        return await get_ticket(state, ticket_id, detail=detail)


async def get_ticket(state: ServerState, ticket_id: str, *, detail: views.Detail = "full") -> CallToolResult:
    """One ticket as `support_get_ticket` returns it (the `ticket://` resource reads the same)."""
    with reading("support", state.registry.support) as support:
        ticket = await support.get_ticket(ticket_id)
    return state.cap(
        views.TicketResult(ticket=views.ticket_detail(ticket)),
        "The first and the latest comments are kept; open the ticket link for the rest.",
        detail=detail,
    )


__all__ = ["get_ticket", "register"]
