"""The CRM's read tools: search accounts, read one with its deals."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import Field

from .. import views
from .shared import READ, Cursor, Detail, Id, Limit, Query, ServerState, reading


def register(server: MCPServer, state: ServerState) -> None:
    """Add `crm_search_accounts` and `crm_get_account` to `server`."""

    @server.tool(annotations=READ, title="Search customer accounts")
    async def crm_search_accounts(
        query: Query, limit: Limit = 10, cursor: Cursor = None, detail: Detail = "concise"
    ) -> Annotated[CallToolResult, views.AccountSearchResult]:
        """Find customer accounts by name or domain; check domains when names are alike.

        Each account's `id` is the CRM's id: pass it to crm_get_account and, for the customers hit by
        this issue, in escalation_assess's `account_ids`. Pass `next_cursor` back as `cursor`.
        """
        with reading("crm", state.registry.crm) as crm:
            page = await crm.search_accounts(query, limit=limit, cursor=cursor)
        result = views.AccountSearchResult(
            accounts=[views.account_summary(a) for a in page.items], **views.page_fields(page)
        )
        return state.cap(result, "Search with a lower limit or a more specific name.", detail=detail)

    @server.tool(annotations=READ, title="Read a customer account")
    async def crm_get_account(
        account_id: Annotated[Id, Field(description="An account's `id` from crm_search_accounts.")],
        detail: Detail = "concise",
    ) -> Annotated[CallToolResult, views.AccountResult]:
        """Read an account: tier, ARR, renewal date and health (full: also owner, contacts and open deals)."""
        return await get_account(state, account_id, detail=detail)


async def get_account(
    state: ServerState, account_id: str, *, detail: views.Detail = "full"
) -> CallToolResult:
    """One account as `crm_get_account` returns it (the `account://` resource reads the same)."""
    with reading("crm", state.registry.crm) as crm:
        account = await crm.get_account(account_id)
        opportunities = await crm.list_opportunities(account_id)
    return state.cap(
        views.AccountResult(account=views.account_detail(account, opportunities)),
        "Open the account link in the CRM for the full list of contacts and deals.",
        detail=detail,
    )


__all__ = ["get_account", "register"]
